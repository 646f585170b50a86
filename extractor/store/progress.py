"""Bulk files' progress: how far each file got (``files``), and which run writes them now
(``leases``), so that a run resumes where one stopped and two runs never interleave."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlite_utils import Database

from extractor import defaults
from extractor.store.connection import LeaseHeld, LeaseLost, StoreError, sqlite_errors, writing
from extractor.store.schema import Json, timestamp


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
        with sqlite_errors("cannot read the lease", db):
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
    with writing(db, f"cannot take the lease of {shown}"):
        held = db.execute_returning_dicts("select * from leases where name = ?", [name])
        if held and _lease_is_live(held[0], timeout):
            raise LeaseHeld(
                f"another extract {name} (process {held[0]['pid']} on {held[0]['host']}) is writing "
                f"{shown}; run again once it has finished (it is taken over once silent for "
                f"{timeout:g} s)")
        db.table("leases").upsert({
            "name": name, "holder": lease.holder, "pid": os.getpid(),
            "host": socket.gethostname(), "heartbeat": time.time(), "started_at": timestamp(),
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
        with suppress(StoreError), writing(db, "cannot release the lease"):
            db.execute("delete from leases where name = ? and holder = ?",
                       [lease.name, lease.holder])


def file_state(db: Database, name: str) -> Json | None:
    """The ``files`` row of the bulk file ``name``, or None when it was never started."""
    with sqlite_errors(f"cannot read the progress of {name}", db):
        rows = db.execute_returning_dicts("select * from files where name = ?", [name])
    return rows[0] if rows else None


def save_file_state(db: Database, name: str, path: str, size: int, position: int, stored: int,
                    deleted: int, failed: int, done: bool, lease: Lease | None = None) -> None:
    """Record how far the bulk file ``name`` got (inside the batch's transaction, so the
    position always matches what is stored); with ``lease``, only while this run holds it
    (``LeaseLost`` else, and the batch's transaction is rolled back with it)."""
    now = timestamp()
    started = file_state(db, name)
    row = {"name": name, "path": path, "size": size, "position": position, "stored": stored,
           "deleted": deleted, "failed": failed, "done": done,
           "started_at": started["started_at"] if started else now,
           "finished_at": now if done else None}
    with writing(db, f"cannot record the progress of {name}"):
        if lease is not None:
            lease.check(db)
        db.table("files").upsert(row, pk="name")


