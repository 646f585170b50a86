"""Reading what was stored: PMIDs, records, raw records, and the checks behind ``extract
checks``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from sqlite_utils import Database

from extractor.models import ArticleRecord
from extractor.store.connection import sqlite_errors
from extractor.store.schema import Json


def stored_pmids(db: Database, extractor_version: str | None = None) -> set[str]:
    """PMIDs with a stored article (made by ``extractor_version``, when given)."""
    if not db.table("articles").exists():
        return set()
    with sqlite_errors("cannot read the stored PMIDs", db):
        if extractor_version is None:
            rows = db.execute("select pmid from articles")
        else:
            rows = db.execute("select pmid from articles where extractor_version = ?",
                              [extractor_version])
        return {row[0] for row in rows}


def load_record(db: Database, pmid: str) -> Json | None:
    """The record of ``pmid`` as stored (the JSON ``extract --json`` prints), or None."""
    if not db.table("articles").exists():
        return None
    with sqlite_errors(f"cannot read PMID {pmid}", db):
        row = db.execute("select record_json from articles where pmid = ?", [pmid]).fetchone()
    return None if row is None else json.loads(row[0])


def load_article_record(db: Database, pmid: str) -> ArticleRecord | None:
    """``load_record`` validated back into an ``ArticleRecord``."""
    data = load_record(db, pmid)
    return None if data is None else ArticleRecord.model_validate(data)


def count_raw_records(db: Database) -> int:
    """How many raw records are stored (what ``--reprocess`` will go through)."""
    if not db.table("raw_records").exists():
        return 0
    with sqlite_errors("cannot count the raw records", db):
        return int(db.execute("select count(*) from raw_records").fetchone()[0])


def iter_raw_records(db: Database,
                     pmids: list[str] | None = None) -> Iterator[tuple[str, str, bytes]]:
    """``(pmid, source, raw bytes)`` of the stored raw records (only ``pmids``, when given),
    in PMID order. Reads one record at a time, so the caller may save while iterating."""
    if not db.table("raw_records").exists():
        return
    with sqlite_errors("cannot read the raw records", db):
        stored = [row[0] for row in db.execute("select pmid from raw_records")]
    wanted = stored if pmids is None else sorted(set(stored) & set(pmids))
    for pmid in sorted(wanted, key=int):
        with sqlite_errors(f"cannot read the raw record of PMID {pmid}", db):
            source, content = db.execute(
                "select source, content from raw_records where pmid = ?", [pmid]
            ).fetchone()
        yield pmid, source, content.encode("utf-8") if isinstance(content, str) else bytes(content)


def check_counts(db: Database) -> dict[tuple[str, str], int]:
    """How many checks of each (kind, verdict) the database holds."""
    with sqlite_errors("cannot read the checks", db):
        rows = db.execute("select kind, verdict, count(*) from checks group by kind, verdict")
        return {(kind, verdict): int(n) for kind, verdict, n in rows}


def disagreeing_checks(db: Database, kinds: Sequence[str] = ()) -> list[Json]:
    """Checks whose numbers disagree (discrepant, decision_error), decision errors first, then
    by PMID: pmid, kind, verdict, reported, recomputed, evidence text, section and sentence."""
    where = "verdict in ('discrepant', 'decision_error')"
    params: list[str] = list(kinds)
    if kinds:
        where += f" and kind in ({', '.join('?' for _ in kinds)})"
    with sqlite_errors("cannot read the checks", db):
        return db.execute_returning_dicts(
            "select pmid, kind, verdict, reported, recomputed, text, section, sentence from checks "
            f"where {where} order by verdict = 'decision_error' desc, cast(pmid as integer), "
            "position", params)




def select_pmids(db: Database, pmids: Sequence[str] = (), search_id: int | None = None,
                 where: str | None = None) -> list[str]:
    """The stored PMIDs to export, in PMID order: those of ``pmids``, of the stored search
    ``search_id`` and matching the SQL condition ``where`` on ``articles`` ("year >= 2020"),
    all of them when none is given; a condition SQLite refuses is a ``StoreError``."""
    sql, params = "select pmid from articles where 1", list[str]()
    if pmids:
        sql += f" and pmid in ({', '.join('?' for _ in pmids)})"
        params.extend(pmids)
    if search_id is not None:
        sql += " and pmid in (select pmid from search_pmids where search_id = ?)"
        params.append(str(search_id))
    if where:
        sql += f" and ({where})"
    with sqlite_errors(f"cannot select the articles ({where or 'all'})", db):
        found = [row[0] for row in db.execute(sql, params)]
    return sorted(found, key=int)


def iter_records(db: Database, pmids: Iterable[str]) -> Iterator[Json]:
    """The stored record of each of ``pmids`` (those stored), one at a time."""
    for pmid in pmids:
        record = load_record(db, pmid)
        if record is not None:
            yield record
