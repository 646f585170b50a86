"""Several connections on one database file: two `extract` runs writing at once, a reader
(opened the way Datasette opens it) reading while a run writes, processes creating one fresh
database at the same moment, and the bounded wait for a lock held too long.

The runs are real `extract` processes against the local NCBI stub (tests/ncbi_stub.py); what
they store is compared with a clean single run, table by table (`table_rows`).
"""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    RUN_TIMEOUT,
    clean_run,
    extract_command,
    extract_env,
    finish,
    served_pmids,
    start_extract,
    stub_client,
    table_rows,
)
from ncbi_stub import NCBIStub

from extractor import store
from extractor.ncbi.fetch import PubMedClient
from extractor.ncbi.ratelimit import RateLimiter
from extractor.run import pipeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pubmed_xml"


# --- a reader that checks what it sees ------------------------------------------------------

# One statement, so one snapshot: each article with as many sections and P values as its
# record says. A reader that saw half of a record would count fewer.
HALF_RECORDS = """
select a.pmid from articles a
where (select count(*) from sections s where s.pmid = a.pmid)
        != 1 + json_array_length(a.record_json, '$.article.sections')
   or (select count(*) from p_values p where p.pmid = a.pmid)
        != json_array_length(a.record_json, '$.p_values')
"""


class Reader(threading.Thread):
    """Reads the database the way Datasette does (``mode=ro``, no busy timeout) until stopped,
    noting every error and every article it saw incomplete."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(daemon=True)
        self.db_path = db_path
        self.stop = threading.Event()
        self.reads = 0
        self.errors: list[str] = []
        self.half_records: set[str] = set()

    def run(self) -> None:
        while not self.stop.is_set() and not self._has_articles():
            time.sleep(0.01)
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=0)
        try:
            while not self.stop.is_set():
                try:
                    self.half_records.update(row[0] for row in conn.execute(HALF_RECORDS))
                    self.reads += 1
                except sqlite3.Error as error:
                    self.errors.append(str(error))
                time.sleep(0.02)
        finally:
            conn.close()

    def _has_articles(self) -> bool:
        if not self.db_path.exists():
            return False
        try:
            conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=0)
            try:
                found = conn.execute("select 1 from sqlite_master where name = 'articles'")
                return found.fetchone() is not None
            finally:
                conn.close()
        except sqlite3.Error:
            return False


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Reader]:
    """A `Reader` of tmp_path/shared.db, started; stopped after the test."""
    thread = Reader(tmp_path / "shared.db")
    thread.start()
    try:
        yield thread
    finally:
        thread.stop.set()
        thread.join(timeout=10)


# --- two writers ------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_runs_at_once_store_every_record_exactly_once(
        ncbi_stub: NCBIStub, tmp_path: Path, reader: Reader) -> None:
    """Two `extract` processes on one fresh database, overlapping PMIDs, one fetching a record
    per request and one all at once: both succeed and the database holds what one clean run
    stores, while a reader never sees half a record.

    (Both start together and spend their first seconds loading the vocabularies, so their
    writes overlap; on the code before BEGIN IMMEDIATE this failed in 5 runs out of 5.)
    """
    pmids = served_pmids(ncbi_stub)
    first, second = pmids[:20], pmids[9:]
    db_path = reader.db_path
    processes = [start_extract(ncbi_stub, db_path, first, "--batch-size", "1"),
                 start_extract(ncbi_stub, db_path, second, "--batch-size", "200")]
    outcomes = [finish(process) for process in processes]
    reader.stop.set()
    reader.join(timeout=10)

    assert outcomes == [(0, ""), (0, "")]
    assert table_rows(db_path) == table_rows(clean_run(ncbi_stub, tmp_path / "clean.db", pmids))
    assert (reader.errors, reader.half_records) == ([], set())
    assert reader.reads > 0


# --- a reader while a run writes --------------------------------------------------------------


def test_a_reader_holding_a_snapshot_neither_blocks_a_run_nor_sees_it_half_done(
        ncbi_stub: NCBIStub, tmp_path: Path) -> None:
    """A read transaction kept open (a slow Datasette query) while a run stores records: the run
    finishes, the reader keeps seeing the database as it was, then sees all of it. The reader
    is a connection made by Datasette itself (`extract serve`), read-only."""
    from datasette.app import Datasette

    db_path = tmp_path / "extractions.db"
    pmids = served_pmids(ncbi_stub)[:6]
    clean_run(ncbi_stub, db_path, pmids[:3])
    reading = Datasette([str(db_path)]).get_database("extractions").connect()
    reading.execute("begin")
    before = reading.execute("select pmid from articles order by pmid").fetchall()

    db = store.open_db(db_path)
    try:
        result = pipeline.run_pmids(db, stub_client(ncbi_stub), pmids)
    finally:
        db.close()

    assert result.ok, [failure.line() for failure in result.failures]
    assert reading.execute("select pmid from articles order by pmid").fetchall() == before
    reading.execute("commit")
    assert len(reading.execute("select pmid from articles").fetchall()) == len(pmids)
    assert reading.execute(HALF_RECORDS).fetchall() == []
    reading.close()


# --- one fresh database, several processes ----------------------------------------------------


def _open_when_released(path: str, barrier: Any, errors: Any) -> None:
    """In a child process: wait for the others, then open (and so shape) the database."""
    barrier.wait(timeout=30)
    try:
        store.open_db(path).close()
    except store.StoreError as error:
        errors.put(str(error))


@pytest.mark.slow
def test_processes_creating_one_database_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    context = multiprocessing.get_context("spawn")   # no threads of earlier tests copied
    barrier, errors = context.Barrier(4), context.Queue()
    children = [context.Process(target=_open_when_released, args=(str(path), barrier, errors))
                for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=60)
    messages = []
    while not errors.empty():
        messages.append(errors.get())
    assert messages == []
    assert [child.exitcode for child in children] == [0, 0, 0, 0]
    db = store.open_db(path)
    assert set(store.TABLES) <= set(db.table_names())
    assert db.journal_mode == "wal"
    db.close()


# --- a lock held too long ---------------------------------------------------------------------


@pytest.fixture
def locked_db(tmp_path: Path) -> Iterator[tuple[store.Database, Path]]:
    """A database opened with a 0.5 s lock timeout, and another connection holding its write
    lock (an open ``BEGIN IMMEDIATE``) until the test ends."""
    path = tmp_path / "locked.db"
    db = store.open_db(path, lock_timeout=0.5)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")
    try:
        yield db, path
    finally:
        holder.execute("rollback")
        holder.close()
        db.close()


def _worked_example() -> tuple[Any, bytes]:
    """The worked example's record and raw efetch XML."""
    from extractor.extract import build_record
    from extractor.parse.pubmed_xml import parse_article_xml

    raw = (FIXTURES / "17638731.xml").read_bytes()
    return build_record(parse_article_xml(raw)), raw


def test_a_write_waits_for_the_lock_then_names_the_database_and_the_wait(
        locked_db: tuple[store.Database, Path]) -> None:
    db, path = locked_db
    record, raw = _worked_example()
    started = time.monotonic()
    expected = (f"cannot save PMID 17638731: database {re.escape(str(path))} is locked by another "
                r"writer for more than 0\.5 s; try again once the other run \(or program\) has "
                "finished writing")
    with pytest.raises(store.DatabaseLocked, match=f"^{expected}$"):
        store.save_record(db, record, raw, "efetch")
    waited = time.monotonic() - started
    assert 0.45 <= waited < 3.0
    assert not db.conn.in_transaction  # usable again once the lock is released


def test_a_run_that_waits_out_the_lock_stops_and_names_what_is_left(
        locked_db: tuple[store.Database, Path], ncbi_stub: NCBIStub) -> None:
    """One wait, not one per record: the run stops and one failure names every PMID not done.
    The failures table cannot say so (writing it needs the very lock that is held)."""
    db, path = locked_db
    client = PubMedClient(eutils_url=ncbi_stub.eutils_url, limiter=RateLimiter(1000))
    started = time.monotonic()
    result = pipeline.run_pmids(db, client, ["17638731", "31588070", "38513076"], batch_size=1)
    assert time.monotonic() - started < 3.0
    assert result.stored == []
    [failure] = result.failures
    assert failure.stage == "store" and isinstance(failure.error, store.DatabaseLocked)
    assert failure.line() == (
        f"PMIDs 17638731, 31588070, 38513076: store failed: cannot store a batch of records: "
        f"database {path} is locked by another writer for more than 0.5 s; try again "
        "once the other run (or program) has finished writing")
    assert len(ncbi_stub.efetch_requests()) == 1


def test_the_cli_lock_timeout_ends_a_run_in_one_line(tmp_path: Path, ncbi_stub: NCBIStub) -> None:
    path = tmp_path / "t.db"
    store.open_db(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")
    try:
        done = subprocess.run(extract_command("17638731", "--db", str(path), "--lock-timeout", "0.5"),
                              env=extract_env(ncbi_stub), capture_output=True, text=True,
                              timeout=RUN_TIMEOUT)
    finally:
        holder.execute("rollback")
        holder.close()
    assert done.returncode == 1
    # opening checks the database's shape under the write lock, so the run stops there
    assert done.stderr.splitlines() == [
        f"Error: cannot set up the database: database {path} is locked by another writer for "
        "more than 0.5 s; try again once the other run (or program) has finished writing"]
