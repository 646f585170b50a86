"""Shared pytest fixtures.

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

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ncbi_stub import NCBIStub


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
