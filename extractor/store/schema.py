"""The declared shape of the database and how it is made: tables, foreign keys, indexes,
full-text search, views (``views.py``), and ``open_db``.

Layout (see ``TABLES``):

- ``articles``: one row per PMID. Column names are the record's field names
  (``model_dump(mode="json")``); ``abstract`` is the sections joined by a space;
  ``record_json`` keeps the whole record exactly as ``extract --json`` prints it
  (``reads.load_record`` returns it). Full-text search on ``title`` and ``abstract``.
- ``sections``: ``Article.texts()`` as rows, so ``section_index`` 0 is the title and every
  finding's ``(pmid, section_index)`` joins to the text its ``start``/``end`` point into.
- one table per finding list (``sample_sizes``, ``response_counts``, ``p_values``, ``doubts``,
  ...) keyed by ``(pmid, position)``, ``position`` being the item's place in the record's list.
- ``drugs``/``conditions`` are lookup tables (one row per name and identifier);
  ``article_drugs`` and ``article_conditions`` link them to articles with the first mention as
  evidence.
- ``raw_records``: the bytes as fetched or read, keyed by PMID and deliberately *without* a
  foreign key to ``articles``: the pipeline saves the raw record once it parsed and before
  extraction, so it is kept even when extraction fails, and ``--reprocess`` can rebuild
  everything from it.
- ``failures``: the last error seen for a PMID (cleared when the PMID is saved).
- ``files``, ``leases``, ``deleted_pmids``: bulk files' progress (``progress.py``);
  ``searches``, ``search_pmids``: searches run (``searches.py``).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from extractor import defaults
from extractor.store.connection import StoreError, sqlite_errors, writing
from extractor.store.views import VIEWS

# Seconds a write waits for another connection's write lock before giving up (open_db).
# A run holds the lock for one batch at a time (milliseconds), so this is only reached when
# something keeps a write transaction open.
DEFAULT_LOCK_TIMEOUT = defaults.LOCK_TIMEOUT

Json = dict[str, Any]

# Each table: columns (name -> Python type), pk, foreign keys (column, other table, other
# column), not_null. Column order is the order shown in Datasette.
EVIDENCE_COLUMNS: dict[str, type] = {
    "text": str,
    "start": int,
    "end": int,
    "section": str,
    "section_index": int,
}
TO_ARTICLE = ("pmid", "articles", "pmid")

TABLES: dict[str, Json] = {
    "articles": {
        "columns": {
            "pmid": str,
            "title": str,
            "abstract": str,
            "journal": str,
            "year": int,
            "first_author": str,
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
        "foreign_keys": [TO_ARTICLE],
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
            **EVIDENCE_COLUMNS,
            "mention_count": int,
        },
        "pk": ("pmid", "drug_id", "source"),
        "foreign_keys": [TO_ARTICLE, ("drug_id", "drugs", "id")],
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
            **EVIDENCE_COLUMNS,
            "mention_count": int,
        },
        "pk": ("pmid", "condition_id", "source"),
        "foreign_keys": [TO_ARTICLE, ("condition_id", "conditions", "id")],
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
        "foreign_keys": [TO_ARTICLE],
        "not_null": ["name"],
    },
    "chemicals": {
        "columns": {"pmid": str, "position": int, "ui": str, "name": str, "registry_number": str},
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
        "not_null": ["name"],
    },
    "publication_types": {
        "columns": {"pmid": str, "name": str},
        "pk": ("pmid", "name"),
        "foreign_keys": [TO_ARTICLE],
    },
    "sample_sizes": {
        "columns": {
            "pmid": str,
            "position": int,
            "value": int,
            "role": str,
            "chosen": bool,
            "score": float,
            **EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
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
            **EVIDENCE_COLUMNS,
            "sentence": str,
            "total_text": str,  # where an arm's size used as the total was read
            "total_start": int,
            "total_end": int,
            "total_section_index": int,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
        "not_null": ["responders", "text"],
    },
    "arms": {
        "columns": {
            "pmid": str,
            "position": int,
            "label": str,
            "size": int,
            "drugs": str,  # JSON list of drug names
            **EVIDENCE_COLUMNS,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
        "not_null": ["size", "text"],
    },
    "p_values": {
        "columns": {
            "pmid": str,
            "position": int,
            "operator": str,
            "value": float,
            "significant": bool,  # models.reported_significance: true, false or null (cannot say)
            "threshold": bool,  # a significance level the methods state, no result
            **EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
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
            **EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
        "not_null": ["measure", "value", "lower", "upper", "level", "text"],
    },
    "results": {
        "columns": {
            "pmid": str,
            "position": int,
            "intervention": str,
            "comparator": str,  # null: against baseline
            "intervention_arm": int,  # position in arms, or null
            "comparator_arm": int,
            "against_baseline": bool,
            "outcome": str,
            "time_point": str,
            "direction": str,  # increased, decreased, no_difference
            "p_value": int,  # position in p_values, or null
            "effect_estimate": int,  # position in effect_estimates, or null
            "response_counts": str,  # JSON list of positions in response_counts
            **EVIDENCE_COLUMNS,
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
        "not_null": ["outcome", "direction", "text"],
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
            **EVIDENCE_COLUMNS,  # of the first input
            "inputs": str,  # JSON list: finding, position, text, start, end, section, section_index
            "sentence": str,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
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
            **EVIDENCE_COLUMNS,
        },
        "pk": ("pmid", "position"),
        "foreign_keys": [TO_ARTICLE],
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
    name for name, spec in TABLES.items() if TO_ARTICLE in spec.get("foreign_keys", [])
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



@dataclass(frozen=True)
class DatabaseState:
    """What is at a path given as the database, looked at read-only before opening it.

    ``kind``: ``missing``; ``empty`` (a file of no bytes, or an SQLite database of no tables);
    ``ours`` (this tool's tables); ``foreign`` (an SQLite database of other tables, listed in
    ``tables``); ``not_sqlite``. ``age``: seconds since the file last changed.
    """

    kind: str
    tables: tuple[str, ...] = ()
    age: float = 0.0


def inspect_database(path: str | Path) -> DatabaseState:
    """The state of the file at ``path`` (see ``DatabaseState``); changes nothing."""
    path = Path(path)
    if not path.exists():
        return DatabaseState("missing")
    age = max(0.0, time.time() - path.stat().st_mtime)
    if path.is_file() and path.stat().st_size == 0:
        return DatabaseState("empty", age=age)
    try:
        conn = sqlite3.connect(_readonly_uri(path), uri=True, timeout=5)
        try:
            tables = tuple(row[0] for row in conn.execute(
                "select name from sqlite_master where type = 'table' order by name"))
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return DatabaseState("not_sqlite", age=age)
    if not tables:
        return DatabaseState("empty", age=age)
    return DatabaseState("ours" if "articles" in tables and "raw_records" in tables else "foreign",
                         tables, age)


def is_writable(path: str | Path) -> bool:
    """Whether SQLite could write beside ``path``: the file and its folder (for the journal,
    the -wal and -shm files) are writable. Read-only media, a read-only copy: not."""
    path = Path(path)
    return os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK)


def _readonly_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only: immutable where SQLite could not write beside it
    (it then needs no -shm file; a file there changes under no writer)."""
    mode = "ro" if is_writable(path) else "ro&immutable=1"
    return f"{path.resolve().as_uri()}?mode={mode}"


def open_readonly(path: str | Path) -> Database:
    """The database at ``path`` for reading only: nothing in the file changes (no shape, not
    even the journal mode). Where SQLite could not write at all (read-only media, a read-only
    copy), the file is opened as immutable, so a database in WAL mode is read there too."""
    path = Path(path)
    with sqlite_errors(f"cannot open database {path}"):
        conn = sqlite3.connect(_readonly_uri(path), uri=True)
        db = Database(conn)
        db.execute("select count(*) from sqlite_master").fetchone()
    return db


def open_db(path: str | Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Database:
    """Open (creating if needed) the database at ``path`` and ensure its shape.

    The file is put in WAL mode (it stays so), so readers such as Datasette never block a
    writer nor see half a record. A write waits up to ``lock_timeout`` seconds for another
    writer (another ``extract`` run) to release the database, then raises ``DatabaseLocked``.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a directory")
    with sqlite_errors(f"cannot open database {path}"):
        db = Database(sqlite3.connect(str(path), timeout=lock_timeout))
    try:
        with sqlite_errors(f"cannot open database {path}", db):
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
    with sqlite_errors("cannot set up the database", db):
        if not db.conn.in_transaction:
            db.execute("PRAGMA foreign_keys = ON")
    # The checks read inside the write transaction, so two processes creating one fresh
    # database at the same moment take turns: the second finds the first's tables.
    with writing(db, "cannot set up the database"):
        _ensure_tables(db)
        _ensure_indexes(db)
        _ensure_fts(db)
        _ensure_views(db)



def timestamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

