"""Writing an article: its record as rows (replacing whatever the PMID had, in one
transaction), its raw record, its failure, its deletion.

Re-saving a PMID replaces all of its rows in one transaction, so there are never duplicates.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from extractor.kinds import SOURCES
from extractor.models import ArticleRecord, Drug, Mention, NamedEntity
from extractor.store.connection import StoreError, writing
from extractor.store.schema import ARTICLE_CHILD_TABLES, EVIDENCE_COLUMNS, Json, timestamp


def _article_row(record: ArticleRecord, source: str, fetched_at: str | None,
                 extracted_at: str) -> Json:
    article = record.article
    return {
        "pmid": record.pmid,
        "title": record.title,
        "abstract": article.abstract,
        "journal": article.journal,
        "year": article.year,
        "first_author": article.first_author,
        "doi": article.doi,
        "pmcid": article.pmcid,
        "language": article.language,
        "publication_types": json.dumps(article.publication_types),
        "keywords": json.dumps(article.keywords),
        "retracted": article.retracted,
        "kind": article.kind,
        "has_abstract": article.has_abstract,
        "sample_size": record.sample_size,
        "extractor_version": record.extractor_version,
        "source": source,
        "fetched_at": fetched_at,
        "extracted_at": extracted_at,
        "record_json": json.dumps(record.model_dump(mode="json"), ensure_ascii=False),
    }


def _section_rows(record: ArticleRecord) -> list[Json]:
    labels: list[str | None] = [None, *(s.label for s in record.article.sections)]
    categories: list[str | None] = [None, *(s.category for s in record.article.sections)]
    return [
        {
            "pmid": record.pmid,
            "section_index": index,
            "section": section,
            "label": labels[index],
            "category": categories[index],
            "text": text,
        }
        for index, (section, text) in enumerate(record.article.texts())
    ]


def _listed_rows(pmid: str, items: list[Any]) -> list[Json]:
    """``{"pmid", "position", **item fields}`` for each item of a finding list."""
    return [
        {"pmid": pmid, "position": position, **item.model_dump(mode="json")}
        for position, item in enumerate(items)
    ]


def _check_rows(pmid: str, record: ArticleRecord) -> list[Json]:
    """``checks`` rows: the first input's evidence in the evidence columns, all in ``inputs``."""
    rows = []
    for position, check in enumerate(record.checks):
        first = check.inputs[0]
        rows.append({
            "pmid": pmid, "position": position, "kind": check.kind, "verdict": check.verdict,
            "reported": check.reported, "recomputed": check.recomputed,
            "tolerance": check.tolerance,
            **{column: getattr(first, column) for column in EVIDENCE_COLUMNS},
            "inputs": json.dumps([i.model_dump(mode="json") for i in check.inputs]),
            "sentence": check.sentence,
        })
    return rows


def _first_mention(mentions: list[Mention]) -> Json:
    """The evidence columns of the earliest mention (all null when there is none)."""
    if not mentions:
        return dict.fromkeys(EVIDENCE_COLUMNS)
    first = min(mentions, key=lambda m: (m.section_index, m.start))
    return {column: getattr(first, column) for column in EVIDENCE_COLUMNS}


def _lookup_id(db: Database, table: str, name: str, identifier: str | None) -> int:
    """Id of the ``(name, identifier)`` row of a lookup table, inserting it when new."""
    row = db.execute(f"select id from {table} where name = ? and identifier is ?",
                     [name, identifier]).fetchone()
    if row is not None:
        return int(row[0])
    inserted = db.table(table).insert({"name": name, "identifier": identifier}).last_pk
    assert inserted is not None
    return int(inserted)


def _link_rows(db: Database, pmid: str, items: Sequence[NamedEntity]) -> list[Json]:
    """article_drugs / article_conditions rows, one per (name, source).

    Should an extractor list the same name and source twice, the two become one row: mentions
    counted together, studied if either is, the earliest mention as evidence.
    """
    groups: dict[tuple[int, str], list[NamedEntity]] = {}
    for item in items:
        table = "drugs" if isinstance(item, Drug) else "conditions"
        item_id = _lookup_id(db, table, item.name, item.identifier)
        groups.setdefault((item_id, item.source), []).append(item)
    rows = []
    for (item_id, source), group in groups.items():
        mentions = [mention for item in group for mention in item.mentions]
        key = "drug_id" if isinstance(group[0], Drug) else "condition_id"
        row: Json = {"pmid": pmid, key: item_id, "source": source,
                     "studied": any(item.studied for item in group)}
        row["role"] = min((item.role for item in group), key=ROLE_ORDER.index)
        rows.append(row | _first_mention(mentions) | {"mention_count": len(mentions)})
    return rows


# When one name is listed twice with one source, the row takes the first of these roles.
ROLE_ORDER = ("studied", "population", "background", "outcome", "measured", "mentioned")


# Writing


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise StoreError(f"unknown source {source!r}: expected one of {', '.join(SOURCES)}")


def _raw_row(pmid: str, raw: bytes, source: str, fetched_at: str) -> Json:
    # Text when the bytes are UTF-8 (XML and HTML are), so Datasette shows it; else a BLOB.
    try:
        content: str | bytes = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw
    return {"pmid": pmid, "source": source, "content": content, "fetched_at": fetched_at}


def _upsert_raw(db: Database, pmid: str, raw: bytes, source: str,
                fetched_at: datetime | None) -> str:
    """Write the raw record; returns its ``fetched_at``. Saving the same bytes again (a
    ``--reprocess``, or ``save_record`` after ``save_raw``) keeps the original time."""
    row = _raw_row(pmid, raw, source, timestamp(fetched_at))
    if fetched_at is None:
        stored = db.execute(
            "select source, content, fetched_at from raw_records where pmid = ?", [pmid]
        ).fetchone()
        if stored is not None and stored[:2] == (row["source"], row["content"]) and stored[2]:
            return str(stored[2])
    db.table("raw_records").upsert(row, pk="pmid")
    return str(row["fetched_at"])


def save_raw(db: Database, pmid: str, raw: bytes, source: str,
             fetched_at: datetime | None = None) -> None:
    """Keep the raw record of ``pmid`` (replacing a different one), before any parsing.

    ``fetched_at`` defaults to now, or to the stored time when the same bytes are saved again.
    """
    _check_source(source)
    with writing(db, f"cannot save the raw record of PMID {pmid}"):
        _upsert_raw(db, pmid, raw, source, fetched_at)


def save_failure(db: Database, pmid: str, stage: str, error: Exception) -> None:
    """Remember why ``pmid`` failed (``stage``: "fetch", "parse", "extract", ...)."""
    row = {
        "pmid": pmid,
        "stage": stage,
        "error": type(error).__name__,
        "message": str(error),
        "failed_at": timestamp(),
    }
    with writing(db, f"cannot save the failure of PMID {pmid}"):
        db.table("failures").upsert(row, pk="pmid")


def save_record(db: Database, record: ArticleRecord, raw: bytes | None, source: str,
                fetched_at: datetime | None = None,
                extracted_at: datetime | None = None) -> None:
    """Store ``record`` (and ``raw``, when given), replacing whatever the PMID had, atomically.

    ``source`` says where the record came from: one of ``SOURCES``. ``fetched_at`` defaults
    to that of the stored raw record when there is one with the same bytes (or ``raw`` is
    None), else to now; ``extracted_at`` defaults to now.
    """
    _check_source(source)
    pmid = record.pmid
    with writing(db, f"cannot save PMID {pmid}"):
        fetched: str | None
        if raw is not None:
            fetched = _upsert_raw(db, pmid, raw, source, fetched_at)
        elif fetched_at is not None:
            fetched = timestamp(fetched_at)
        else:
            row = db.execute("select fetched_at from raw_records where pmid = ?", [pmid]).fetchone()
            fetched = row[0] if row else None
        db.table("articles").upsert(
            _article_row(record, source, fetched, timestamp(extracted_at)), pk="pmid"
        )
        for table in ARTICLE_CHILD_TABLES:
            db.execute(f"delete from {table} where pmid = ?", [pmid])
        article = record.article
        p_values = _listed_rows(pmid, record.p_values)
        for row, p_value in zip(p_values, record.p_values, strict=True):
            row["significant"] = p_value.significance
        children: dict[str, list[Json]] = {
            "sections": _section_rows(record),
            "mesh_headings": _listed_rows(pmid, article.mesh_headings),
            "chemicals": _listed_rows(pmid, article.chemicals),
            "publication_types": [
                {"pmid": pmid, "name": name} for name in dict.fromkeys(article.publication_types)
            ],
            "article_drugs": _link_rows(db, pmid, record.drugs),
            "article_conditions": _link_rows(db, pmid, record.conditions),
            "sample_sizes": _listed_rows(pmid, record.sample_sizes),
            "arms": _listed_rows(pmid, record.arms),
            "response_counts": _listed_rows(pmid, record.response_counts),
            "p_values": p_values,
            "effect_estimates": _listed_rows(pmid, record.effect_estimates),
            "results": _listed_rows(pmid, record.results),
            "checks": _check_rows(pmid, record),
            "doubts": _listed_rows(pmid, record.doubts),
        }
        for row in children["mesh_headings"]:
            row["qualifiers"] = json.dumps(row["qualifiers"])
        for row in children["results"]:
            row["response_counts"] = json.dumps(row["response_counts"])
        for row in children["arms"]:
            row["drugs"] = json.dumps(row["drugs"])
        for table, rows in children.items():
            if rows:
                db.table(table).insert_all(rows)
        db.execute("delete from failures where pmid = ?", [pmid])
        db.execute("delete from deleted_pmids where pmid = ?", [pmid])


def delete_article(db: Database, pmid: str, file: str) -> bool:
    """Remove ``pmid`` (its article, findings, raw record and failure), as a ``DeleteCitation``
    of ``file`` says, and remember the deletion; True when there was an article to remove."""
    with writing(db, f"cannot delete PMID {pmid}"):
        for table in ARTICLE_CHILD_TABLES:
            db.execute(f"delete from {table} where pmid = ?", [pmid])
        removed = db.execute("delete from articles where pmid = ?", [pmid]).rowcount > 0
        db.execute("delete from raw_records where pmid = ?", [pmid])
        db.execute("delete from failures where pmid = ?", [pmid])
        db.table("deleted_pmids").upsert(
            {"pmid": pmid, "file": file, "deleted_at": timestamp()}, pk="pmid")
    return removed


