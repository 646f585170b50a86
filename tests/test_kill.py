"""`kill -9` in the middle of a run, then the same run again: the database ends up holding
exactly what one clean run stores (timestamps aside), table by table."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import clean_run, finish, served_pmids, start_extract, table_rows
from ncbi_stub import NCBIStub

from extractor.cli import cli

SLOW_FETCH = 0.3  # seconds the stub waits before each answer of the run that is killed
KILL_TIMEOUT = 60.0


def stored_counts(db_path: Path) -> tuple[int, int]:
    """(articles, raw records) as a reader sees them now; (0, 0) before the tables exist."""
    if not db_path.exists():
        return 0, 0
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0)
    try:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        raw = conn.execute("select count(*) from raw_records").fetchone()[0]
        return int(articles), int(raw)
    except sqlite3.Error:
        return 0, 0
    finally:
        conn.close()


def wait_for_a_record_in_progress(db_path: Path, at_least: int) -> int:
    """Articles stored once ``at_least`` are and the next one's raw record is saved but not
    its findings (the kill then lands inside a record), or once ``at_least + 2`` are."""
    deadline = time.monotonic() + KILL_TIMEOUT
    while time.monotonic() < deadline:
        articles, raw = stored_counts(db_path)
        if (articles >= at_least and raw > articles) or articles >= at_least + 2:
            return articles
        time.sleep(0.005)
    raise AssertionError(f"the run stored fewer than {at_least} articles in {KILL_TIMEOUT:.0f} s")


@pytest.mark.slow
def test_a_killed_run_run_again_stores_what_a_clean_run_stores(ncbi_env: NCBIStub,
                                                              tmp_path: Path) -> None:
    pmids = served_pmids(ncbi_env)[:10]
    db_path = tmp_path / "killed.db"
    ncbi_env.slow_seconds = SLOW_FETCH
    ncbi_env.fail_next(["slow"] * len(pmids))
    process = start_extract(ncbi_env, db_path, pmids, "--batch-size", "1")
    stored = wait_for_a_record_in_progress(db_path, at_least=3)
    process.send_signal(signal.SIGKILL)
    status, _ = finish(process)
    assert status == -signal.SIGKILL
    assert 3 <= stored < len(pmids)

    ncbi_env.slow_seconds = 0.0
    again = CliRunner().invoke(cli, [*pmids, "--db", str(db_path), "--quiet"],
                               catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert table_rows(db_path) == table_rows(clean_run(ncbi_env, tmp_path / "clean.db", pmids))
