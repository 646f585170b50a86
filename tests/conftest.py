"""Shared pytest fixtures and the helpers several test files use.

Helpers (``from conftest import ...``): ``run_cli`` (the click command in this process),
``select_rows`` (rows of a database file), ``extract_command``/``extract_env``/``start_extract``/
``finish`` (a real `extract` process), ``stub_client``/``clean_run`` (the reference run), and
``table_rows`` (every row of a database, comparable between runs). Fixture ``fast_client``:
the CLI's NCBI client with tiny backoff and a loose limiter.

`ncbi_stub`: a local NCBI stand-in (tests/ncbi_stub.py), started before and stopped after
each test. Point the code under test at it with

    PubMedClient(eutils_url=ncbi_stub.eutils_url, page_url=ncbi_stub.page_url)

or, for the CLI, the environment variables PUBMED_EUTILS_URL and PUBMED_PAGE_URL
(`ncbi_env` sets both, with monkeypatch). It serves the records of fixtures/pubmed_xml
and the pages of fixtures/pages. Useful members:
    ncbi_stub.requests                      every StubRequest (method, path, endpoint, params, ids, time, status)
    ncbi_stub.efetch_requests()             only the efetch ones
    ncbi_stub.fail_next([429, 503])         scripted faults, then normal answers
                                            (also "slow", "reset", "truncated"; slow_seconds sets the delay)
    ncbi_stub.set_rate_limit(3)             NCBI's 429 over 3 requests in any sliding second
    ncbi_stub.set_down(True)                503 for everything
    ncbi_stub.stop()                        then requests get "connection refused"
    ncbi_stub.records                       PMID -> the record bytes it serves
"""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ncbi_stub import NCBIStub

from extractor import cli as cli_module
from extractor import store
from extractor.ncbi.fetch import PubMedClient
from extractor.ncbi.ratelimit import RateLimiter
from extractor.run import pipeline

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ncbi_stub() -> Iterator[NCBIStub]:
    stub = NCBIStub().start()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def ncbi_env(ncbi_stub: NCBIStub, monkeypatch: pytest.MonkeyPatch) -> NCBIStub:
    """The stub, with PUBMED_EUTILS_URL and PUBMED_PAGE_URL pointing at it and no NCBI_API_KEY."""
    monkeypatch.setenv("PUBMED_EUTILS_URL", ncbi_stub.eutils_url)
    monkeypatch.setenv("PUBMED_PAGE_URL", ncbi_stub.page_url)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    return ncbi_stub


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite fixtures/expected/*.json from the current extractor "
                          "(tests/test_snapshots.py)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``live`` talk to NCBI: they run only when ``-m`` names them (``pytest -m
    live``), whatever else ``-m`` selects (``pytest -m "not slow"`` leaves them out too)."""
    if "live" in (config.getoption("markexpr") or ""):
        return
    live = [item for item in items if item.get_closest_marker("live") is not None]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if item.get_closest_marker("live") is None]


# --- helpers -----------------------------------------------------------------------------------

RUN_TIMEOUT = 120.0
# Columns that hold the time of the run, not its result.
TIMESTAMP_COLUMNS = {"fetched_at", "extracted_at", "failed_at", "started_at", "finished_at",
                     "deleted_at"}
# Lookup ids depend on which record first named a drug or condition: compare names instead.
LOOKUP_COLUMNS = {"drug_id": "drugs", "condition_id": "conditions"}

Row = tuple[Any, ...]


def run_cli(args: list[str], stdin: str | None = None) -> Result:
    """`extract ARGS` run in this process (click's runner; exceptions are not caught)."""
    return CliRunner().invoke(cli_module.cli, args, input=stdin, catch_exceptions=False)


def select_rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows ``sql`` gives on the database file ``db_path``."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def fast_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's NCBI client with tiny backoff and a loose limiter, so that retry tests take
    milliseconds, not seconds (``pytestmark = pytest.mark.usefixtures("fast_client")``)."""
    monkeypatch.setattr(cli_module, "PubMedClient",
                        functools.partial(PubMedClient, backoff_base=0.001, backoff_cap=0.01,
                                          limiter=RateLimiter(1000)))


def extract_command(*args: str) -> list[str]:
    """`extract ARGS`: the installed console script when there is one, else the same click
    command run by this interpreter."""
    script = Path(sys.executable).parent / "extract"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from extractor.cli import cli; cli()", *args]


def extract_env(stub: NCBIStub) -> dict[str, str]:
    """The environment of an `extract` process: this checkout's package first, the stub as
    NCBI, and an API key so the rate limiter allows 10 requests a second."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PUBMED_EUTILS_URL": stub.eutils_url,
        "PUBMED_PAGE_URL": stub.page_url,
        "NCBI_API_KEY": "stub-key",
    }


def start_extract(stub: NCBIStub, db_path: Path, pmids: list[str],
                  *options: str) -> subprocess.Popen[str]:
    """Start `extract PMIDS --db DB --quiet OPTIONS` in the background."""
    return subprocess.Popen(extract_command(*pmids, "--db", str(db_path), "--quiet", *options),
                            env=extract_env(stub), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for an `extract` process (bounded); its exit status and stderr."""
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError(f"extract ran over {RUN_TIMEOUT:.0f} s") from None
    return process.returncode, stderr


def stub_client(stub: NCBIStub) -> PubMedClient:
    """An in-process client of the stub with a loose limiter."""
    return PubMedClient(eutils_url=stub.eutils_url, page_url=stub.page_url,
                        limiter=RateLimiter(1000), backoff_base=0.001, backoff_cap=0.01)


def clean_run(stub: NCBIStub, db_path: Path, pmids: list[str]) -> Path:
    """The reference: `pmids` fetched and stored by one run, alone, into a new database."""
    db = store.open_db(db_path)
    try:
        result = pipeline.run_pmids(db, stub_client(stub), pmids)
    finally:
        db.close()
    assert result.ok and sorted(result.stored) == sorted(pmids), result.failures
    return db_path


def table_rows(db_path: Path) -> dict[str, list[Row]]:
    """Every row of every table of ``store.TABLES`` and of the full-text index, sorted, without
    timestamps, with drug and condition ids replaced by their names (ids are per database)."""
    conn = sqlite3.connect(db_path)
    try:
        names = {table: dict(conn.execute(f"select id, name from {table}").fetchall())
                 for table in LOOKUP_COLUMNS.values()}
        tables: dict[str, list[Row]] = {}
        for table in store.TABLES:
            cursor = conn.execute(f"select * from {table}")
            columns = [d[0] for d in cursor.description]
            tables[table] = sorted(
                (tuple(_comparable(table, column, value, names)
                       for column, value in zip(columns, row)
                       if column not in TIMESTAMP_COLUMNS and not _is_lookup_id(table, column)))
                for row in cursor
            )
        tables["articles_fts"] = sorted(conn.execute(
            "select a.pmid, f.title, f.abstract from articles_fts f "
            "join articles a on a.rowid = f.rowid").fetchall())
        return tables
    finally:
        conn.close()


def _is_lookup_id(table: str, column: str) -> bool:
    return column == "id" and table in LOOKUP_COLUMNS.values()


def _comparable(table: str, column: str, value: Any, names: dict[str, dict[int, str]]) -> Any:
    if column in LOOKUP_COLUMNS:
        return names[LOOKUP_COLUMNS[column]][value]
    return value


def served_pmids(stub: NCBIStub) -> list[str]:
    """Every PMID the stub serves, in numeric order."""
    return sorted(stub.records, key=int)
