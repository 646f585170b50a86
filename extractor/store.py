"""Save ``ArticleRecord``s into SQLite with sqlite-utils, in a shape Datasette shows well.

The only module that imports ``sqlite_utils``. Layout (see ``TABLES``):

- ``articles``: one row per PMID. Column names are the record's field names
  (``model_dump(mode="json")``); ``abstract`` is the sections joined by a space;
  ``record_json`` keeps the whole record exactly as ``extract --json`` prints it
  (``load_record`` returns it). Full-text search on ``title`` and ``abstract``.
- ``sections``: ``Article.texts()`` as rows, so ``section_index`` 0 is the title and every
  finding's ``(pmid, section_index)`` joins to the text its ``start``/``end`` point into.
- one table per finding list (``sample_sizes``, ``response_counts``, ``p_values``, ``doubts``)
  keyed by ``(pmid, position)``, ``position`` being the item's place in the record's list.
- ``drugs``/``conditions`` are lookup tables (unique ``name``); ``article_drugs`` and
  ``article_conditions`` link them to articles with the first mention as evidence.
- ``raw_records``: the bytes as fetched or read, keyed by PMID and deliberately *without* a
  foreign key to ``articles``: the pipeline saves the raw record once it parsed and before
  extraction, so it is kept even when extraction fails, and ``--reprocess`` can rebuild
  everything from it.
- ``failures``: the last error seen for a PMID (cleared when the PMID is saved).

Re-saving a PMID replaces all of its rows in one transaction, so there are never duplicates.

Several connections may use one file at once (two ``extract`` runs, ``extract serve``):
``open_db`` puts it in WAL mode, so readers neither block a writer nor see half a record, and
every write is one transaction that takes the write lock up front (``BEGIN IMMEDIATE``, see
``_writing``), waiting up to the lock timeout for another writer, then ``DatabaseLocked``.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database as Database  # re-exported: the stages pass it around

from extractor import defaults
from extractor.errors import ExtractorError
from extractor.kinds import SOURCES
from extractor.models import ArticleRecord, Drug, Mention, NamedEntity

# Seconds a write waits for another connection's write lock before giving up (open_db).
# A run holds the lock for one record at a time (milliseconds), so this is only reached when
# something keeps a write transaction open.
DEFAULT_LOCK_TIMEOUT = defaults.LOCK_TIMEOUT

Json = dict[str, Any]


class StoreError(ExtractorError):
    """The SQLite database could not be opened, read or written."""


class RunStopped(StoreError):
    """No later write of this run can succeed: the run stops (what it stored stays)."""


class DatabaseLocked(RunStopped):
    """Another connection held the database's lock for longer than the lock timeout."""


class StorageFailed(RunStopped):
    """The disk is full or failing (SQLITE_FULL, SQLITE_IOERR): no later write can succeed,
    and SQLite has undone the transaction it happened in."""


class LeaseHeld(StoreError):
    """Another live ``extract baseline`` holds the database's lease."""


class LeaseLost(RunStopped):
    """Another run took over this run's lease (this one was silent too long)."""


# ---------------------------------------------------------------------------------------------
# The declared shape. Each table: columns (name -> Python type), pk, foreign keys
# (column, other table, other column), not_null. Column order is the order shown in Datasette.
# ---------------------------------------------------------------------------------------------

_EVIDENCE_COLUMNS: dict[str, type] = {
    "text": str,
    "start": int,
    "end": int,
    "section": str,
    "section_index": int,
}
_TO_ARTICLE = ("pmid", "articles", "pmid")

TABLES: dict[str, Json] = {
    "articles": {
        "columns": {
            "pmid": str,
            "title": str,
            "abstract": str,
            "journal": str,
            "year": int,
            "doi": str,
            "pmcid": str,
            "language": str,
            "publication_types": str,  # JSON list, for Datasette's _facet_array
            "keywords": str,  # JSON list
            "retracted": bool,
            "kind": str,
            "has_abstract": bool,
            "sample_size": int,  # the chosen total, or null
            "extractor_version": str,
            "source": str,
            "fetched_at": str,
            "extracted_at": str,
            "record_json": str,
        },
        "pk": "pmid",
        "not_null": ["title", "kind", "extractor_version", "source", "record_json"],
    },
    "sections": {
        "columns": {
            "pmid": str,
            "section_index": int,
            "section": str,  # the name findings use: "title", the label, or "abstract"
            "label": str,  # the label as printed, null when unlabelled
            "category": str,  # NLM category (BACKGROUND, METHODS, ...)
            "text": str,
        },
        "pk": ("pmid", "section_index"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["section", "text"],
    },
    "drugs": {
        "columns": {"id": int, "name": str, "identifier": str},
        "pk": "id",
        "not_null": ["name"],
    },
    "article_drugs": {
        "columns": {
            "pmid": str,
            "drug_id": int,
            "source": str,
            "role": str,  # studied, background, measured, mentioned
            "studied": bool,
            **_EVIDENCE_COLUMNS,
            "mention_count": int,
        },
        "pk": ("pmid", "drug_id", "source"),
        "foreign_keys": [_TO_ARTICLE, ("drug_id", "drugs", "id")],
        "not_null": ["mention_count"],
    },
    "conditions": {
        "columns": {"id": int, "name": str, "identifier": str},
        "pk": "id",
        "not_null": ["name"],
    },
    "article_conditions": {
        "columns": {
            "pmid": str,
            "condition_id": int,
            "source": str,
            "role": str,  # population, outcome, mentioned
            "studied": bool,
            **_EVIDENCE_COLUMNS,
            "mention_count": int,
        },
        "pk": ("pmid", "condition_id", "source"),
        "foreign_keys": [_TO_ARTICLE, ("condition_id", "conditions", "id")],
        "not_null": ["mention_count"],
    },
    "mesh_headings": {
        "columns": {
            "pmid": str,
            "position": int,
            "ui": str,
            "name": str,
            "major_topic": bool,
            "qualifiers": str,  # JSON list
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["name"],
    },
    "chemicals": {
        "columns": {"pmid": str, "position": int, "ui": str, "name": str, "registry_number": str},
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["name"],
    },
    "publication_types": {
        "columns": {"pmid": str, "name": str},
        "pk": ("pmid", "name"),
        "foreign_keys": [_TO_ARTICLE],
    },
    "sample_sizes": {
        "columns": {
            "pmid": str,
            "position": int,
            "value": int,
            "role": str,
            "chosen": bool,
            "score": float,
            **_EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["value", "text"],
    },
    "response_counts": {
        "columns": {
            "pmid": str,
            "position": int,
            "responders": int,
            "total": int,
            "total_source": str,
            "percent": float,
            "arm": str,
            **_EVIDENCE_COLUMNS,
            "sentence": str,
            "total_text": str,  # where an arm's size used as the total was read
            "total_start": int,
            "total_end": int,
            "total_section_index": int,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["responders", "text"],
    },
    "arms": {
        "columns": {
            "pmid": str,
            "position": int,
            "label": str,
            "size": int,
            "drugs": str,  # JSON list of drug names
            **_EVIDENCE_COLUMNS,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["size", "text"],
    },
    "p_values": {
        "columns": {
            "pmid": str,
            "position": int,
            "operator": str,
            "value": float,
            "significant": bool,  # models.reported_significance: true, false or null (cannot say)
            **_EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["operator", "value", "text"],
    },
    "effect_estimates": {
        "columns": {
            "pmid": str,
            "position": int,
            "measure": str,  # OR, RR, HR, IRR, RD, MD, SMD, difference
            "adjusted": bool,
            "value": float,
            "lower": float,
            "upper": float,
            "level": float,
            "value_decimals": int,
            "lower_decimals": int,
            "upper_decimals": int,
            "p_value": int,  # position of its P value in p_values, or null
            "comparison": str,
            **_EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["measure", "value", "lower", "upper", "level", "text"],
    },
    "checks": {
        "columns": {
            "pmid": str,
            "position": int,
            "kind": str,
            "verdict": str,  # consistent, discrepant, decision_error, not_checkable
            "reported": str,
            "recomputed": str,
            "tolerance": str,
            **_EVIDENCE_COLUMNS,  # of the first input
            "inputs": str,  # JSON list: finding, position, text, start, end, section, section_index
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["kind", "verdict", "reported", "recomputed", "inputs"],
    },
    "doubts": {
        "columns": {
            "pmid": str,
            "position": int,
            "field": str,
            "code": str,  # kinds.DoubtCode
            "reason": str,
            "value": float,
            "bound": float,
            **_EVIDENCE_COLUMNS,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [_TO_ARTICLE],
        "not_null": ["field", "code", "reason"],
    },
    "raw_records": {
        "columns": {"pmid": str, "source": str, "content": str, "fetched_at": str},
        "pk": "pmid",
        "not_null": ["source", "content"],
    },
    "failures": {
        "columns": {"pmid": str, "stage": str, "error": str, "message": str, "failed_at": str},
        "pk": "pmid",
        "not_null": ["stage", "message"],
    },
    # One row per search run (`extract --query`), so a review can cite and re-run it.
    "searches": {
        "columns": {
            "id": int,
            "query": str,
            "run_at": str,
            "count": int,  # hits NCBI counted when it ran
            "retrieved": int,  # PMIDs listed in search_pmids
            "max_records": int,
            "capped": bool,  # max_records left hits out
            "slice_count": int,
            "slices": str,  # JSON list of {"uid_range": "lo:hi", "count": n}; [] when not split
        },
        "pk": "id",
        "not_null": ["query", "run_at", "count", "retrieved", "capped", "slice_count", "slices"],
    },
    # One row per bulk file read by `extract baseline`: how far it got, so a run resumes.
    "files": {
        "columns": {
            "name": str,  # the file's name (pubmed25n0001.xml.gz): a file is known by its name
            "path": str,  # where it was read last
            "size": int,  # bytes on disk
            "position": int,  # records (and deleted PMIDs) of the file done, in file order
            "stored": int,
            "deleted": int,  # DeleteCitation PMIDs applied
            "failed": int,
            "done": bool,
            "started_at": str,
            "finished_at": str,
        },
        "pk": "name",
        "not_null": ["path", "position", "stored", "deleted", "failed", "done"],
    },
    # Who writes a database's bulk files now (one row per kind of writer, "baseline"): taken at
    # the start of a run, its heartbeat renewed every few seconds, checked inside every batch's
    # transaction, so that a run silent for too long (suspended) and overtaken writes no more.
    "leases": {
        "columns": {
            "name": str,
            "holder": str,  # a token of the holding run
            "pid": int,
            "host": str,
            "heartbeat": float,  # Unix time of the holder's last sign of life
            "started_at": str,
        },
        "pk": "name",
        "not_null": ["holder", "pid", "host", "heartbeat"],
    },
    # PMIDs a DeleteCitation removed (with the file that said so); a later record brings one back.
    "deleted_pmids": {
        "columns": {"pmid": str, "file": str, "deleted_at": str},
        "pk": "pmid",
    },
    # The PMIDs a search found, in esearch's order (newest first). No foreign key to articles:
    # a PMID found may be one that failed or is not stored yet.
    "search_pmids": {
        "columns": {"search_id": int, "position": int, "pmid": str},
        "pk": ("search_id", "position"),
        "foreign_keys": [("search_id", "searches", "id")],
        "not_null": ["pmid"],
    },
}

# Columns renamed since an earlier version wrote them: table -> {old name: new name}.
RENAMED_COLUMNS: dict[str, dict[str, str]] = {"conditions": {"mesh_id": "identifier"}}

# Child tables of an article, in the order they are emptied before a re-save.
ARTICLE_CHILD_TABLES = tuple(
    name for name, spec in TABLES.items() if _TO_ARTICLE in spec.get("foreign_keys", [])
)

# (table, columns, unique). Every foreign-key column gets an index as well (see _index_specs).
INDEXES: list[tuple[str, tuple[str, ...], bool]] = [
    # One lookup row per (name, identifier): the vocabularies may give one name two ids in two
    # records, and each article keeps its own (a key on the name alone kept whichever record
    # came first, so the rows depended on the order records were stored in).
    ("drugs", ("name", "identifier"), True),
    ("conditions", ("name", "identifier"), True),
    ("articles", ("year",), False),
    ("articles", ("extractor_version",), False),
    ("p_values", ("value",), False),
    ("checks", ("verdict",), False),
    ("effect_estimates", ("measure",), False),
    ("search_pmids", ("pmid",), False),
]

FTS: dict[str, list[str]] = {"articles": ["title", "abstract"]}

VIEWS: dict[str, str] = {
    # One row per article: what was found, in a line each.
    "article_findings": """
select
  a.pmid,
  a.title,
  a.journal,
  a.year,
  a.kind,
  a.retracted,
  (select group_concat(name, '; ') from (
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid and ad.studied order by d.name)) as studied_drugs,
  (select group_concat(name, '; ') from (
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid order by d.name)) as drugs,
  (select group_concat(name, '; ') from (
     select distinct c.name from article_conditions ac join conditions c on c.id = ac.condition_id
     where ac.pmid = a.pmid and ac.role = 'population' order by c.name)) as population_conditions,
  (select group_concat(name, '; ') from (
     select distinct c.name from article_conditions ac join conditions c on c.id = ac.condition_id
     where ac.pmid = a.pmid order by c.name)) as conditions,
  (select group_concat(name, '; ') from (
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid and ad.role = 'measured' order by d.name)) as measured,
  a.sample_size,
  (select group_concat(arm, '; ') from (
     select coalesce(ar.label, '?') || ' ' || ar.size as arm from arms ar
     where ar.pmid = a.pmid order by ar.position)) as arms,
  (select group_concat(counts, '; ') from (
     select rc.responders || '/' || coalesce(rc.total, '?') as counts from response_counts rc
     where rc.pmid = a.pmid order by rc.position)) as response_counts,
  (select group_concat(text, '; ') from (
     select p.text from p_values p where p.pmid = a.pmid order by p.position)) as p_values,
  (select min(p.value) from p_values p where p.pmid = a.pmid) as min_p_value,
  (select count(*) from p_values p where p.pmid = a.pmid and p.significant) as significant_p_values,
  (select count(*) from doubts dt where dt.pmid = a.pmid) as doubts,
  a.extractor_version,
  a.extracted_at
from articles a
""",
    # The reviewer's list of articles in Datasette: drugs, conditions and publication types as
    # JSON lists (for facets), a PubMed link, and ``rowid`` so the articles_fts search box works
    # here too (extractor/data/metadata.yml names articles_fts as this view's fts_table).
    "article_overview": """
select
  a.pmid,
  'https://pubmed.ncbi.nlm.nih.gov/' || a.pmid || '/' as pubmed_url,
  a.title,
  a.journal,
  a.year,
  (select json_group_array(name) from (
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid and ad.studied order by d.name)) as studied_drugs,
  (select json_group_array(name) from (
     select distinct c.name from article_conditions ac join conditions c on c.id = ac.condition_id
     where ac.pmid = a.pmid and ac.role = 'population' order by c.name)) as population_conditions,
  a.publication_types,
  (select json_group_array(name) from (
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid and ad.role = 'measured' order by d.name)) as measured,
  (select json_group_array(name) from (
     select distinct d.name from article_drugs ad join drugs d on d.id = ad.drug_id
     where ad.pmid = a.pmid order by d.name)) as drugs,
  (select json_group_array(name) from (
     select distinct c.name from article_conditions ac join conditions c on c.id = ac.condition_id
     where ac.pmid = a.pmid order by c.name)) as conditions,
  a.sample_size,
  (select group_concat(arm, '; ') from (
     select coalesce(ar.label, '?') || ' ' || ar.size as arm from arms ar
     where ar.pmid = a.pmid order by ar.position)) as arms,
  (select group_concat(counts, '; ') from (
     select rc.responders || '/' || coalesce(rc.total, '?') as counts from response_counts rc
     where rc.pmid = a.pmid order by rc.position)) as response_counts,
  (select group_concat(text, '; ') from (
     select p.text from p_values p where p.pmid = a.pmid order by p.position)) as p_values,
  case when exists (select 1 from p_values p where p.pmid = a.pmid)
    then exists (select 1 from p_values p where p.pmid = a.pmid and p.significant)
  end as significant,
  a.retracted,
  (select count(*) from doubts dt where dt.pmid = a.pmid) as doubts,
  a.language,
  a.kind,
  a.rowid as rowid
from articles a
order by a.year desc, cast(a.pmid as integer) desc
""",
    # Every finding with its evidence, one row each, for review against the section text.
    "evidence": """
select ad.pmid, 'drugs' as field, d.name as value, ad.text, ad.section, ad.section_index,
  ad.start, ad."end"
from article_drugs ad join drugs d on d.id = ad.drug_id where ad.text is not null
union all
select ac.pmid, 'conditions', c.name, ac.text, ac.section, ac.section_index, ac.start, ac."end"
from article_conditions ac join conditions c on c.id = ac.condition_id where ac.text is not null
union all
select pmid, 'sample_size', cast(value as text), text, section, section_index, start, "end"
from sample_sizes
union all
select pmid, 'arms', coalesce(label, '?') || ' - ' || size, text, section, section_index, start,
  "end"
from arms
union all
select pmid, 'response_counts', responders || '/' || coalesce(total, '?'), text, section, section_index,
  start, "end"
from response_counts
union all
select pmid, 'p_values', operator || ' ' || value, text, section, section_index, start, "end"
from p_values
""",
}


# ---------------------------------------------------------------------------------------------
# Opening and shaping the database
# ---------------------------------------------------------------------------------------------


@contextmanager
def _sqlite_errors(action: str, db: Database | None = None) -> Iterator[None]:
    """Turn sqlite3 errors (unwritable file, locked database, ...) into a one-line StoreError.

    A lock still held by another connection once ``db``'s busy timeout has run out becomes a
    ``DatabaseLocked`` that names the file and the timeout.
    """
    try:
        yield
    except sqlite3.Error as error:
        if db is not None and _is_lock_error(error):
            raise DatabaseLocked(f"{action}: {_locked_message(db)}") from error
        if _primary_code(error) in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
            raise StorageFailed(f"{action}: {error}") from error
        raise StoreError(f"{action}: {error}") from error


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_lock_error(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED (any extended code): another connection holds the lock."""
    code = _primary_code(error)
    if code is None:
        return "database is locked" in str(error)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _locked_message(db: Database) -> str:
    """``database PATH is locked by another writer for more than N s; ...``."""
    try:
        files = [row[2] for row in db.conn.execute("PRAGMA database_list") if row[1] == "main"]
        timeout_ms = int(db.conn.execute("PRAGMA busy_timeout").fetchone()[0])
    except sqlite3.Error:  # the connection is unusable: say what can still be said
        files, timeout_ms = [], 0
    name = files[0] if files and files[0] else "(in memory)"
    return (f"database {name} is locked by another writer for more than {timeout_ms / 1000:g} s;"
            " try again once the other run (or program) has finished writing")


@contextmanager
def _writing(db: Database, action: str) -> Iterator[None]:
    """One write transaction that takes the write lock before reading anything.

    ``BEGIN IMMEDIATE`` waits (up to the busy timeout) for another writer to finish, then
    holds the lock until ``COMMIT``. sqlite-utils' ``db.atomic()`` begins a DEFERRED
    transaction instead: it reads under a shared lock and must upgrade it at its first write,
    which SQLite refuses at once (no waiting) when another connection wrote in between.
    Inside a transaction already open, this is a savepoint of it. sqlite3 errors become a
    ``StoreError`` (``DatabaseLocked`` when the wait ran out) starting with ``action``.
    """
    with _sqlite_errors(action, db):
        if db.conn.in_transaction:
            with db.atomic():
                yield
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.rollback()
            raise
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise


def open_db(path: str | Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Database:
    """Open (creating if needed) the database at ``path`` and ensure its shape.

    The file is put in WAL mode (it stays so), so readers such as Datasette never block a
    writer nor see half a record. A write waits up to ``lock_timeout`` seconds for another
    writer (another ``extract`` run) to release the database, then raises ``DatabaseLocked``.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a directory")
    with _sqlite_errors(f"cannot open database {path}"):
        db = Database(sqlite3.connect(str(path), timeout=lock_timeout))
    try:
        with _sqlite_errors(f"cannot open database {path}", db):
            db.execute("select count(*) from sqlite_master").fetchone()
            db.enable_wal()
        ensure_db_shape(db)
    except StoreError:
        db.close()
        raise
    return db


def _index_specs() -> list[tuple[str, tuple[str, ...], bool]]:
    specs = list(INDEXES)
    for table, spec in TABLES.items():
        for column, _, _ in spec.get("foreign_keys", []):
            specs.append((table, (column,), False))
    return specs


def _ensure_tables(db: Database) -> None:
    for name, spec in TABLES.items():
        table = db.table(name)
        if not table.exists():
            db.create_table(name, spec["columns"], pk=spec["pk"],
                            foreign_keys=spec.get("foreign_keys"), not_null=spec.get("not_null"))
            continue
        # a database made by an older version: rename old columns, add the ones it lacks
        existing = table.columns_dict
        for old, new in RENAMED_COLUMNS.get(name, {}).items():
            if old in existing and new not in existing:
                db.execute(f'alter table "{name}" rename column "{old}" to "{new}"')
        existing = table.columns_dict
        for column, column_type in spec["columns"].items():
            if column not in existing:
                table.add_column(column, column_type)


# Indexes an earlier version made and this one does not want: dropped when found.
RETIRED_INDEXES = ("idx_drugs_name", "idx_conditions_name")


def _ensure_indexes(db: Database) -> None:
    for index in RETIRED_INDEXES:
        db.execute(f"drop index if exists {index}")
    for name, columns, unique in _index_specs():
        db.table(name).create_index(columns, index_name=f"idx_{name}_{'_'.join(columns)}",
                                    unique=unique, if_not_exists=True)


def _ensure_fts(db: Database) -> None:
    for name, columns in FTS.items():
        table = db.table(name)
        if table.detect_fts() is None:
            table.enable_fts(columns, create_triggers=True, tokenize="porter")


def _ensure_views(db: Database) -> None:
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def ensure_db_shape(db: Database) -> None:
    """Create the tables, foreign keys, indexes, full-text search and views. Safe to re-run.

    Existing tables keep their rows; columns added to ``TABLES`` since they were created are
    added, and changed views replaced. Also turns on foreign-key enforcement for this
    connection. ``save_record`` and ``save_raw`` expect a database shaped by this (or by
    ``open_db``).
    """
    with _sqlite_errors("cannot set up the database", db):
        if not db.conn.in_transaction:
            db.execute("PRAGMA foreign_keys = ON")
    # The checks read inside the write transaction, so two processes creating one fresh
    # database at the same moment take turns: the second finds the first's tables.
    with _writing(db, "cannot set up the database"):
        _ensure_tables(db)
        _ensure_indexes(db)
        _ensure_fts(db)
        _ensure_views(db)


# ---------------------------------------------------------------------------------------------
# Rows from a record
# ---------------------------------------------------------------------------------------------


def _timestamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _article_row(record: ArticleRecord, source: str, fetched_at: str | None,
                 extracted_at: str) -> Json:
    article = record.article
    return {
        "pmid": record.pmid,
        "title": record.title,
        "abstract": article.abstract,
        "journal": article.journal,
        "year": article.year,
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
            **{column: getattr(first, column) for column in _EVIDENCE_COLUMNS},
            "inputs": json.dumps([i.model_dump(mode="json") for i in check.inputs]),
            "sentence": check.sentence,
        })
    return rows


def _first_mention(mentions: list[Mention]) -> Json:
    """The evidence columns of the earliest mention (all null when there is none)."""
    if not mentions:
        return dict.fromkeys(_EVIDENCE_COLUMNS)
    first = min(mentions, key=lambda m: (m.section_index, m.start))
    return {column: getattr(first, column) for column in _EVIDENCE_COLUMNS}


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


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


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
    row = _raw_row(pmid, raw, source, _timestamp(fetched_at))
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
    with _writing(db, f"cannot save the raw record of PMID {pmid}"):
        _upsert_raw(db, pmid, raw, source, fetched_at)


def save_failure(db: Database, pmid: str, stage: str, error: Exception) -> None:
    """Remember why ``pmid`` failed (``stage``: "fetch", "parse", "extract", ...)."""
    row = {
        "pmid": pmid,
        "stage": stage,
        "error": type(error).__name__,
        "message": str(error),
        "failed_at": _timestamp(),
    }
    with _writing(db, f"cannot save the failure of PMID {pmid}"):
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
    with _writing(db, f"cannot save PMID {pmid}"):
        fetched: str | None
        if raw is not None:
            fetched = _upsert_raw(db, pmid, raw, source, fetched_at)
        elif fetched_at is not None:
            fetched = _timestamp(fetched_at)
        else:
            row = db.execute("select fetched_at from raw_records where pmid = ?", [pmid]).fetchone()
            fetched = row[0] if row else None
        db.table("articles").upsert(
            _article_row(record, source, fetched, _timestamp(extracted_at)), pk="pmid"
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
            "checks": _check_rows(pmid, record),
            "doubts": _listed_rows(pmid, record.doubts),
        }
        for row in children["mesh_headings"]:
            row["qualifiers"] = json.dumps(row["qualifiers"])
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
    with _writing(db, f"cannot delete PMID {pmid}"):
        for table in ARTICLE_CHILD_TABLES:
            db.execute(f"delete from {table} where pmid = ?", [pmid])
        removed = db.execute("delete from articles where pmid = ?", [pmid]).rowcount > 0
        db.execute("delete from raw_records where pmid = ?", [pmid])
        db.execute("delete from failures where pmid = ?", [pmid])
        db.table("deleted_pmids").upsert(
            {"pmid": pmid, "file": file, "deleted_at": _timestamp()}, pk="pmid")
    return removed


@contextmanager
def transaction(db: Database, action: str = "cannot write to the database") -> Iterator[None]:
    """Several writes in one transaction (one COMMIT); each ``save_*`` inside is a savepoint,
    so one that fails is undone alone. Errors as in every write: ``StoreError`` naming
    ``action``, ``DatabaseLocked`` when another writer holds the lock too long."""
    with _writing(db, action):
        yield


# ---------------------------------------------------------------------------------------------
# Bulk files
# ---------------------------------------------------------------------------------------------

# Link table -> (its column, the lookup table it points at), from the declared foreign keys:
# a lookup table is one of (name, identifier) rows. Ids are per database, names are not.
_LOOKUPS = {table: (column, other) for table, spec in TABLES.items()
            for column, other, _ in spec.get("foreign_keys", [])
            if "identifier" in TABLES[other]["columns"]}


def merge_shard(db: Database, shard: str | Path, lease: Lease | None = None) -> list[Json]:
    """Copy a shard database (one bulk file read elsewhere, by ``extract baseline --dask``)
    into ``db``, as if its file had been read into ``db``: ATTACH, then in one transaction
    every article of the shard replaces the stored one, its ``DeleteCitation`` PMIDs are
    removed, and its failures, raw records, deletions and ``files`` row are copied. Drug and
    condition rows are matched by (name, identifier), since their ids differ between files.
    With ``lease``, only while this run holds it (``LeaseLost``). Returns the shard's ``files``
    rows: what the merge brought in.
    """
    with _sqlite_errors(f"cannot open the shard {shard}", db):
        db.execute("attach database ? as shard", [str(shard)])
    try:
        with _writing(db, f"cannot merge the shard {shard}"):
            if lease is not None:
                lease.check(db)
            _merge_attached(db)
            return db.execute_returning_dicts("select * from shard.files order by name")
    finally:
        with _sqlite_errors(f"cannot close the shard {shard}", db):
            db.execute("detach database shard")


def _merge_attached(db: Database) -> None:
    touched = "select pmid from shard.articles union select pmid from shard.deleted_pmids"
    for table in (*ARTICLE_CHILD_TABLES, "articles", "failures", "deleted_pmids"):
        db.execute(f"delete from main.{table} where pmid in ({touched})")
    db.execute("delete from main.raw_records where pmid in (select pmid from shard.deleted_pmids)")
    for table in sorted({lookup for _, lookup in _LOOKUPS.values()}):
        db.execute(f"insert into main.{table} (name, identifier) "
                   f"select name, identifier from shard.{table} s where not exists ("
                   f"select 1 from main.{table} m where m.name = s.name and m.identifier is s.identifier)")
    for table in ("articles", *ARTICLE_CHILD_TABLES):
        columns = list(TABLES[table]["columns"])
        if table in _LOOKUPS:
            link, lookup = _LOOKUPS[table]
            chosen = ", ".join("m.id" if c == link else f"t.{_quoted(c)}" for c in columns)
            source = (f"shard.{table} t join shard.{lookup} s on s.id = t.{link} join main.{lookup} m "
                      f"on m.name = s.name and m.identifier is s.identifier")
        else:
            chosen, source = ", ".join(f"t.{_quoted(c)}" for c in columns), f"shard.{table} t"
        names = ", ".join(_quoted(c) for c in columns)
        db.execute(f"insert into main.{table} ({names}) select {chosen} from {source}")
    for table in ("raw_records", "failures", "deleted_pmids", "files"):
        names = ", ".join(_quoted(c) for c in TABLES[table]["columns"])
        db.execute(f"insert or replace into main.{table} ({names}) select {names} from shard.{table}")


def _quoted(column: str) -> str:
    return f'"{column}"'



@dataclass(frozen=True)
class Lease:
    """This run's hold on a database (``baseline_lease``): ``check`` it inside a transaction
    before the transaction's writes may count."""

    name: str
    holder: str
    database: str

    def check(self, db: Database) -> None:
        """Raise ``LeaseLost`` unless this run still holds the lease (call it inside the
        transaction whose writes it guards: a taken-over run's batch is rolled back)."""
        with _sqlite_errors("cannot read the lease", db):
            row = db.execute("select holder from leases where name = ?", [self.name]).fetchone()
        if row is None or row[0] != self.holder:
            raise LeaseLost(f"another run took over the database {self.database} (its lease holder "
                            "is no longer this run); what this run stored before stays, the other "
                            "run goes on from there")


def _database_file(db: Database) -> str | None:
    """The file of ``db``'s main database, or None in memory."""
    for _, name, file in db.conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file) or None
    return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # alive, someone else's
        return True
    return True


def _lease_is_live(row: Json, timeout: float) -> bool:
    """A holder is live while its heartbeat is recent and, on this host, its process exists."""
    if time.time() - float(row["heartbeat"]) > timeout:
        return False
    return row["host"] != socket.gethostname() or _process_alive(int(row["pid"]))


def _take_lease(db: Database, name: str, timeout: float, shown: str) -> Lease:
    lease = Lease(name, uuid.uuid4().hex, shown)
    with _writing(db, f"cannot take the lease of {shown}"):
        held = db.execute_returning_dicts("select * from leases where name = ?", [name])
        if held and _lease_is_live(held[0], timeout):
            raise LeaseHeld(
                f"another extract {name} (process {held[0]['pid']} on {held[0]['host']}) is writing "
                f"{shown}; run again once it has finished (it is taken over once silent for "
                f"{timeout:g} s)")
        db.table("leases").upsert({
            "name": name, "holder": lease.holder, "pid": os.getpid(),
            "host": socket.gethostname(), "heartbeat": time.time(), "started_at": _timestamp(),
        }, pk="name")
    return lease


class _Heartbeat(threading.Thread):
    """Renews a lease's heartbeat every ``interval`` seconds on a connection of its own, until
    stopped or the lease is found taken over (the run learns it at its next check)."""

    def __init__(self, path: str, lease: Lease, interval: float) -> None:
        super().__init__(name=f"lease heartbeat of {path}", daemon=True)
        self.path, self.lease, self.interval = path, lease, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=self.interval, isolation_level=None)
        try:
            while not self.stopped.wait(self.interval):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    renewed = conn.execute(
                        "update leases set heartbeat = ? where name = ? and holder = ?",
                        [time.time(), self.lease.name, self.lease.holder]).rowcount
                    conn.execute("COMMIT")
                except sqlite3.Error:   # busy, or the disk: the next beat tries again
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    continue
                if not renewed:
                    return
        finally:
            conn.close()


@contextmanager
def baseline_lease(db: Database, timeout: float = defaults.LEASE_TIMEOUT,
                   heartbeat: bool = True) -> Iterator[Lease]:
    """Hold ``db``'s baseline lease for the block: one ``extract baseline`` writer at a time.

    Taken when free, when its holder has been silent for ``timeout`` seconds (suspended, or on
    a machine that went away) or when its holder's process on this host has ended (``kill
    -9``); else ``LeaseHeld``. A thread renews the heartbeat (unless ``heartbeat`` is False
    or the database is in memory). Writes that must not land once overtaken check the lease in
    their own transaction (``Lease.check``). Released at the end of the block.
    """
    path = _database_file(db)
    lease = _take_lease(db, "baseline", timeout, path or "(in memory)")
    beat = None
    if heartbeat and path is not None:
        beat = _Heartbeat(path, lease, min(defaults.HEARTBEAT, timeout / 4))
        beat.start()
    try:
        yield lease
    finally:
        if beat is not None:
            beat.stopped.set()
            beat.join()
        # Best effort: a lease left behind (the disk is full) is taken over at once on this
        # host, since this process will have ended.
        with suppress(StoreError), _writing(db, "cannot release the lease"):
            db.execute("delete from leases where name = ? and holder = ?",
                       [lease.name, lease.holder])


def file_state(db: Database, name: str) -> Json | None:
    """The ``files`` row of the bulk file ``name``, or None when it was never started."""
    with _sqlite_errors(f"cannot read the progress of {name}", db):
        rows = db.execute_returning_dicts("select * from files where name = ?", [name])
    return rows[0] if rows else None


def save_file_state(db: Database, name: str, path: str, size: int, position: int, stored: int,
                    deleted: int, failed: int, done: bool, lease: Lease | None = None) -> None:
    """Record how far the bulk file ``name`` got (inside the batch's transaction, so the
    position always matches what is stored); with ``lease``, only while this run holds it
    (``LeaseLost`` else, and the batch's transaction is rolled back with it)."""
    now = _timestamp()
    started = file_state(db, name)
    row = {"name": name, "path": path, "size": size, "position": position, "stored": stored,
           "deleted": deleted, "failed": failed, "done": done,
           "started_at": started["started_at"] if started else now,
           "finished_at": now if done else None}
    with _writing(db, f"cannot record the progress of {name}"):
        if lease is not None:
            lease.check(db)
        db.table("files").upsert(row, pk="name")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def stored_pmids(db: Database, extractor_version: str | None = None) -> set[str]:
    """PMIDs with a stored article (made by ``extractor_version``, when given)."""
    if not db.table("articles").exists():
        return set()
    with _sqlite_errors("cannot read the stored PMIDs", db):
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
    with _sqlite_errors(f"cannot read PMID {pmid}", db):
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
    with _sqlite_errors("cannot count the raw records", db):
        return int(db.execute("select count(*) from raw_records").fetchone()[0])


def iter_raw_records(db: Database,
                     pmids: list[str] | None = None) -> Iterator[tuple[str, str, bytes]]:
    """``(pmid, source, raw bytes)`` of the stored raw records (only ``pmids``, when given),
    in PMID order. Reads one record at a time, so the caller may save while iterating."""
    if not db.table("raw_records").exists():
        return
    with _sqlite_errors("cannot read the raw records", db):
        stored = [row[0] for row in db.execute("select pmid from raw_records")]
    wanted = stored if pmids is None else sorted(set(stored) & set(pmids))
    for pmid in sorted(wanted, key=int):
        with _sqlite_errors(f"cannot read the raw record of PMID {pmid}", db):
            source, content = db.execute(
                "select source, content from raw_records where pmid = ?", [pmid]
            ).fetchone()
        yield pmid, source, content.encode("utf-8") if isinstance(content, str) else bytes(content)


def check_counts(db: Database) -> dict[tuple[str, str], int]:
    """How many checks of each (kind, verdict) the database holds."""
    with _sqlite_errors("cannot read the checks", db):
        rows = db.execute("select kind, verdict, count(*) from checks group by kind, verdict")
        return {(kind, verdict): int(n) for kind, verdict, n in rows}


def disagreeing_checks(db: Database, kinds: Sequence[str] = ()) -> list[Json]:
    """Checks whose numbers disagree (discrepant, decision_error), decision errors first, then
    by PMID: pmid, kind, verdict, reported, recomputed, evidence text, section and sentence."""
    where = "verdict in ('discrepant', 'decision_error')"
    params: list[str] = list(kinds)
    if kinds:
        where += f" and kind in ({', '.join('?' for _ in kinds)})"
    with _sqlite_errors("cannot read the checks", db):
        return db.execute_returning_dicts(
            "select pmid, kind, verdict, reported, recomputed, text, section, sentence from checks "
            f"where {where} order by verdict = 'decision_error' desc, cast(pmid as integer), "
            "position", params)


# ---------------------------------------------------------------------------------------------
# Searches
# ---------------------------------------------------------------------------------------------


def save_search(db: Database, query: str, count: int, pmids: Sequence[str],
                slices: Sequence[tuple[str, int]] = (), max_records: int | None = None,
                capped: bool = False, run_at: datetime | None = None) -> int:
    """Store one search run and the PMIDs it found (in order); returns its ``id``.

    ``slices``: ``(uid_range, count)`` of each part when the search was split by PMID range.
    """
    row = {
        "query": query,
        "run_at": _timestamp(run_at),
        "count": count,
        "retrieved": len(pmids),
        "max_records": max_records,
        "capped": capped,
        "slice_count": max(len(slices), 1 if count else 0),
        "slices": json.dumps([{"uid_range": uid_range, "count": n} for uid_range, n in slices]),
    }
    with _writing(db, "cannot save the search"):
        search_id = db.table("searches").insert(row).last_pk
        assert search_id is not None
        db.table("search_pmids").insert_all(
            {"search_id": search_id, "position": position, "pmid": pmid}
            for position, pmid in enumerate(pmids)
        )
    return int(search_id)


def load_search(db: Database, search_id: int) -> Json | None:
    """The ``searches`` row of ``search_id`` with ``pmids`` (in order) and ``slices`` decoded,
    or None."""
    if not db.table("searches").exists():
        return None
    with _sqlite_errors(f"cannot read search {search_id}", db):
        rows = db.execute_returning_dicts("select * from searches where id = ?", [search_id])
        if not rows:
            return None
        pmids = [r[0] for r in db.execute(
            "select pmid from search_pmids where search_id = ? order by position", [search_id])]
    return {**rows[0], "slices": json.loads(rows[0]["slices"]), "pmids": pmids}
