"""One `extract baseline` writer per database: a lease kept in the database, with a heartbeat.

Two baseline runs on one database used to interleave: a run suspended in file 2 while a second
run finished every file would, once resumed, store file 2's remaining records again, bringing
back PMIDs that file 3 deleted and rolling back file 3's revisions, and both exited 0. Now the
second run takes the lease only once the first has gone silent (or its process is dead), and
the first, resumed, finds the lease gone inside its next batch's transaction: nothing of it
lands, and it stops with one line.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import extract_command, finish, select_rows, table_rows
from test_baseline import FILES, KILL_TIMEOUT, NAMES, baseline_db, progress

from extractor import store
from extractor.cli import cli
from extractor.run.baseline import run_baseline


def suspend_between_transactions(process: subprocess.Popen[str], db_path: Path) -> None:
    """SIGSTOP ``process`` at a moment it holds no write lock (a process suspended inside a
    transaction keeps every other writer out: the second run would stop, locked, as it should)."""
    for _ in range(200):
        process.send_signal(signal.SIGSTOP)
        conn = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return
        except sqlite3.OperationalError:
            process.send_signal(signal.SIGCONT)
            time.sleep(0.01)
        finally:
            conn.close()
    raise AssertionError("the run never let go of the write lock")


@pytest.mark.slow
def test_a_suspended_run_overtaken_by_another_stores_nothing_more(tmp_path: Path) -> None:
    db_path = tmp_path / "r.db"
    command = extract_command("baseline", str(FILES), "--db", str(db_path), "-w", "1", "--quiet")
    env = {**os.environ, "EXTRACT_LEASE_TIMEOUT": "1"}
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + KILL_TIMEOUT
        while progress(db_path)[0] < 70 and time.monotonic() < deadline:   # in the 2nd file
            time.sleep(0.005)
        suspend_between_transactions(first, db_path)
        time.sleep(1.5)   # its heartbeat is older than the lease timeout now
        second = subprocess.run(command, env=env, capture_output=True, text=True,
                                timeout=KILL_TIMEOUT)
    finally:
        first.send_signal(signal.SIGCONT)
    status, stderr = finish(first)
    assert (second.returncode, second.stderr) == (0, "")
    assert status == 1
    assert stderr.splitlines() == [
        f"Error: another run took over the database {db_path} (its lease holder is no longer "
        "this run); what this run stored before stays, the other run goes on from there"]
    assert select_rows(db_path, "pragma integrity_check") == [("ok",)]
    assert table_rows(db_path) == table_rows(baseline_db(tmp_path))


def test_a_second_run_is_refused_while_the_first_is_alive(tmp_path: Path) -> None:
    db_path = tmp_path / "held.db"
    db = store.open_db(db_path)
    try:
        with store.baseline_lease(db, timeout=60):   # this process is alive and beating
            result = CliRunner().invoke(cli, ["baseline", str(FILES), "--db", str(db_path)])
    finally:
        db.close()
    assert result.exit_code == 1
    host = socket.gethostname()
    assert result.stderr.splitlines() == [
        f"Error: another extract baseline (process {os.getpid()} on {host}) is writing "
        f"{db_path}; run again once it has finished (it is taken over once silent for 60 s)"]
    assert select_rows(db_path, "select count(*) from articles") == [(0,)]


def test_the_lease_of_a_dead_process_is_taken_over_at_once(tmp_path: Path) -> None:
    db_path = tmp_path / "dead.db"
    db = store.open_db(db_path)
    try:
        finished = subprocess.Popen(["true"])
        finished.wait()
        db.execute("insert into leases (name, holder, pid, host, heartbeat) values (?, ?, ?, ?, ?)",
                   ["baseline", "gone", finished.pid, socket.gethostname(), time.time()])
        db.conn.commit()
        result = run_baseline(db, [FILES / NAMES[0]], workers=1)
        assert result.run.failures == []
        assert [(f.name, f.stored) for f in result.files] == [(NAMES[0], 60)]
        assert select_rows(db_path, "select count(*) from leases") == [(0,)]   # released at the end
    finally:
        db.close()


def test_a_stale_lease_is_taken_over_and_its_holder_can_write_no_more(tmp_path: Path) -> None:
    db_path = tmp_path / "stale.db"
    db = store.open_db(db_path)
    other = store.open_db(db_path)
    try:
        with store.baseline_lease(db, timeout=60, heartbeat=False) as first:
            with pytest.raises(store.LeaseHeld), store.baseline_lease(other, timeout=60):
                pass
            db.execute("update leases set heartbeat = heartbeat - 61")
            db.conn.commit()
            with store.baseline_lease(other, timeout=60), pytest.raises(store.LeaseLost), \
                    store.transaction(db):
                store.save_file_state(db, NAMES[0], "p", 1, 1, 1, 0, 0, False, lease=first)
        assert select_rows(db_path, "select count(*) from files") == [(0,)]
    finally:
        other.close()
        db.close()

