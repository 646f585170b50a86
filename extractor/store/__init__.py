"""Save ``ArticleRecord``s into SQLite with sqlite-utils, in a shape Datasette shows well.

The only package that imports ``sqlite_utils`` or ``sqlite3``. Its rooms:

- ``connection``: typed errors, write transactions that take the lock first, lock waits;
- ``schema``: the declared tables, indexes and full-text search, ``open_db``;
  ``views``: the Datasette views;
- ``records``: an article's rows written (and deleted) in one transaction, raw records,
  failures;
- ``progress``: bulk files' progress and the lease of the run writing them; ``merge``: a
  Dask shard merged into the target;
- ``reads``: what the other stages and ``extract checks`` read back; ``searches``: searches
  run.

The stages use the names below (``store.open_db``, ``store.save_record``, ...), not the
rooms.
"""

from sqlite_utils import Database

from extractor.store.connection import (
    DatabaseLocked,
    LeaseHeld,
    LeaseLost,
    RunStopped,
    StorageFailed,
    StoreError,
    transaction,
)
from extractor.store.merge import merge_shard
from extractor.store.progress import Lease, baseline_lease, file_state, save_file_state
from extractor.store.reads import (
    check_counts,
    count_raw_records,
    disagreeing_checks,
    iter_raw_records,
    iter_records,
    load_article_record,
    load_record,
    select_pmids,
    stored_pmids,
)
from extractor.store.records import delete_article, save_failure, save_raw, save_record
from extractor.store.schema import (
    ARTICLE_CHILD_TABLES,
    DEFAULT_LOCK_TIMEOUT,
    TABLES,
    DatabaseState,
    Json,
    ensure_db_shape,
    inspect_database,
    is_writable,
    open_db,
    open_readonly,
)
from extractor.store.searches import load_search, save_search

__all__ = [
    "ARTICLE_CHILD_TABLES",
    "DEFAULT_LOCK_TIMEOUT",
    "TABLES",
    "Database",
    "DatabaseLocked",
    "DatabaseState",
    "Json",
    "Lease",
    "LeaseHeld",
    "LeaseLost",
    "RunStopped",
    "StorageFailed",
    "StoreError",
    "baseline_lease",
    "check_counts",
    "count_raw_records",
    "delete_article",
    "disagreeing_checks",
    "ensure_db_shape",
    "file_state",
    "inspect_database",
    "is_writable",
    "iter_raw_records",
    "iter_records",
    "load_article_record",
    "load_record",
    "load_search",
    "merge_shard",
    "open_db",
    "open_readonly",
    "save_failure",
    "save_file_state",
    "save_raw",
    "save_record",
    "save_search",
    "select_pmids",
    "stored_pmids",
    "transaction",
]
