"""Connections to the database: typed errors, write transactions that take the lock first,
and the wait for another writer.

Several connections may use one file at once (two ``extract`` runs, ``extract serve``): the
file is in WAL mode (``schema.open_db``), so readers neither block a writer nor see half a
record, and every write is one transaction that takes the write lock up front (``BEGIN
IMMEDIATE``, see ``writing``), waiting up to the lock timeout for another writer, then
``DatabaseLocked``. A full or failing disk is ``StorageFailed``. Both stop a run
(``RunStopped``): no later write could succeed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from extractor.errors import ExtractorError


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


@contextmanager
def sqlite_errors(action: str, db: Database | None = None) -> Iterator[None]:
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
def writing(db: Database, action: str) -> Iterator[None]:
    """One write transaction that takes the write lock before reading anything.

    ``BEGIN IMMEDIATE`` waits (up to the busy timeout) for another writer to finish, then
    holds the lock until ``COMMIT``. sqlite-utils' ``db.atomic()`` begins a DEFERRED
    transaction instead: it reads under a shared lock and must upgrade it at its first write,
    which SQLite refuses at once (no waiting) when another connection wrote in between.
    Inside a transaction already open, this is a savepoint of it. sqlite3 errors become a
    ``StoreError`` (``DatabaseLocked`` when the wait ran out) starting with ``action``.
    """
    with sqlite_errors(action, db):
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


@contextmanager
def transaction(db: Database, action: str = "cannot write to the database") -> Iterator[None]:
    """Several writes in one transaction (one COMMIT); each ``save_*`` inside is a savepoint,
    so one that fails is undone alone. Errors as in every write: ``StoreError`` naming
    ``action``, ``DatabaseLocked`` when another writer holds the lock too long."""
    with writing(db, action):
        yield

