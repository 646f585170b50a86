"""`extract --query`: PubMed searches against the local NCBI stub (tests/ncbi_stub.py), whose
esearch serves the 29 fixture records (title and abstract words, newest PMID first).

PubMed's window of 9,999 ids per search is made small here (the stub's ``window`` and
``fetch.PUBMED_WINDOW`` together) so that splitting by PMID range runs on 29 records."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, select_rows
from ncbi_stub import NCBIStub

from extractor.errors import FetchError
from extractor.ncbi import fetch, search
from extractor.ncbi.fetch import PubMedClient
from extractor.ncbi.ratelimit import RateLimiter

pytestmark = pytest.mark.usefixtures("fast_client")

# Every fixture record the stub serves, newest (highest) PMID first.
ALL = ['38914053', '38833988', '38513076', '38329942', '38048813', '37729413', '37424520',
       '36987902', '36598232', '35649368', '35573891', '33889184', '32292800', '32160763',
       '31588070', '30108519', '29963580', '29768149', '29226023', '28775130', '28731372',
       '27797938', '23657305', '17638731', '12091962', '11748933', '11700088', '11618220', '9997']
PATIENTS = ['38329942', '37424520', '36987902', '32292800', '31588070', '29963580', '29768149',
            '28731372']   # the first 8 of the 10 records with "patients" in title or abstract


def client_for(stub: NCBIStub, **kwargs: Any) -> PubMedClient:
    return PubMedClient(eutils_url=stub.eutils_url, page_url=stub.page_url, backoff_base=0.001,
                        backoff_cap=0.01, limiter=RateLimiter(1000), **kwargs)



def small_window(stub: NCBIStub, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """PubMed's 9,999 made ``size``, at the stub and in the client alike."""
    stub.window = size
    monkeypatch.setattr(fetch, "PUBMED_WINDOW", size)




def stored(db: Path) -> list[str]:
    return sorted((r[0] for r in select_rows(db, "select pmid from articles")), key=int, reverse=True)


def searches(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        found = [dict(r) for r in conn.execute("select * from searches order by id")]
        for row in found:
            row.pop("run_at")
            row["pmids"] = [r[0] for r in conn.execute(
                "select pmid from search_pmids where search_id = ? order by position", [row["id"]])]
    return found


def efetched(stub: NCBIStub) -> list[str]:
    return [pmid for request in stub.efetch_requests() for pmid in request.ids]


# --- a search end to end ----------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("efalizumab[tiab] AND lupus", ["17638731"]),
    ("Randomized", ["29226023", "28731372", "17638731"]),
    ("(trial[tiab]) AND \"patients\"", ["29768149", "28731372"]),
    ("all[sb]", ALL),
])
def test_a_search_stores_its_records_and_itself(ncbi_env: NCBIStub, tmp_path: Path, query: str,
                                                expected: list[str]) -> None:
    db = tmp_path / "t.db"
    result = run_cli(["--query", query, "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert stored(db) == expected
    assert sorted(efetched(ncbi_env)) == sorted(expected)     # each fetched once
    assert searches(db) == [{
        "id": 1, "query": query, "count": len(expected), "retrieved": len(expected),
        "max_records": None, "capped": 0, "slice_count": 1, "slices": "[]", "pmids": expected}]
    assert select_rows(db, "select stage, message from failures") == []


def test_a_search_says_what_it_found_and_prints_records(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    result = run_cli(["--query", "efalizumab lupus", "--db", str(tmp_path / "t.db"), "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["pmid"] for line in result.stdout.splitlines()] == ["17638731"]
    assert result.stderr.splitlines()[0] == "1 record matches 'efalizumab lupus'"


def test_the_query_is_read_from_the_history_server_in_pages(
        ncbi_env: NCBIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 4)
    db = tmp_path / "t.db"
    result = run_cli(["--query", "patients", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert searches(db)[0]["pmids"][:8] == PATIENTS and len(stored(db)) == 10
    pages = [(r.param("term"), r.param("retstart"), r.param("retmax"), r.param("usehistory"),
              r.param("WebEnv") is not None) for r in ncbi_env.esearch_requests()
             if r.param("rettype") != "count"]
    assert pages == [("patients", "0", "4", "y", False), ("#1", "4", "4", "y", True),
                     ("#1", "8", "2", "y", True)]


def test_query_file_holds_one_query_over_several_lines(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    strategy = tmp_path / "strategy.txt"
    strategy.write_text("efalizumab[tiab]\n  AND lupus\n", encoding="utf-8")
    db = tmp_path / "t.db"
    result = run_cli(["--query-file", str(strategy), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert [s["query"] for s in searches(db)] == ["efalizumab[tiab] AND lupus"]
    assert stored(db) == ["17638731"]


def test_no_hits_is_said_and_stored_and_exits_0(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = run_cli(["--query", "zzzqqq", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "no records match 'zzzqqq'"
    assert result.stdout == ""
    assert ncbi_env.efetch_requests() == []
    assert [(s["count"], s["retrieved"], s["slice_count"], s["pmids"]) for s in searches(db)] == [
        (0, 0, 0, [])]


# --- --max and --dry-run ----------------------------------------------------------------------


@pytest.mark.parametrize(("window", "max_records", "slices"), [
    (9_999, 1, 1), (9_999, 8, 1), (9_999, 29, 1), (9_999, 100, 1),
    (5, 5, 1),      # fits the window: the newest 5 of the unsplit search
    (5, 12, 4),     # more than the window: split (4 + 3 + 4 + 4), and no further once 12 are covered
])
def test_max_keeps_the_newest_records(ncbi_env: NCBIStub, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, window: int,
                                      max_records: int, slices: int) -> None:
    small_window(ncbi_env, monkeypatch, window)
    db = tmp_path / "t.db"
    result = run_cli(["--query", "all[sb]", "--max", str(max_records), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    newest = ALL[:max_records]
    assert stored(db) == newest
    assert sorted(efetched(ncbi_env)) == sorted(newest)
    [row] = searches(db)
    assert (row["count"], row["retrieved"], row["max_records"], row["capped"], row["pmids"]) == (
        29, len(newest), max_records, int(max_records < 29), newest)
    assert row["slice_count"] == slices


@pytest.mark.parametrize(("window", "args", "expected"), [
    (9_999, [], "29 records match 'all[sb]'"),
    (9_999, ["--max", "3"], "29 records match 'all[sb]'; --max 3: the newest 3"),
    (5, [], "29 records match 'all[sb]'; more than PubMed's 5 per search: split into 9 slices "
            "by PMID range"),
])
def test_dry_run_prints_the_count_and_stores_nothing(ncbi_env: NCBIStub, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, window: int,
                                                     args: list[str], expected: str) -> None:
    small_window(ncbi_env, monkeypatch, window)
    db = tmp_path / "t.db"
    result = run_cli(["--query", "all[sb]", "--dry-run", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == expected
    assert not db.exists()
    assert ncbi_env.efetch_requests() == []
    assert {r.param("rettype") for r in ncbi_env.esearch_requests()} == {"count"}


def test_dry_run_as_json(ncbi_env: NCBIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_window(ncbi_env, monkeypatch, 5)
    result = run_cli(["--query", "all[sb]", "--dry-run", "--json", "--max", "12"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["query"], answer["count"], answer["would_fetch"], len(answer["slices"])) == (
        "all[sb]", 29, 12, 4)


# --- more hits than PubMed serves per search --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("window", [2, 5, 7, 28])
def test_a_big_search_is_split_by_pmid_range_and_every_hit_fetched_once(
        ncbi_env: NCBIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    small_window(ncbi_env, monkeypatch, window)
    db = tmp_path / "t.db"
    result = run_cli(["--query", "all[sb]", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert stored(db) == ALL
    assert Counter(efetched(ncbi_env)) == Counter(ALL)      # every hit exactly once
    [row] = searches(db)
    assert row["pmids"] == ALL and row["count"] == 29 and row["capped"] == 0
    parts = json.loads(row["slices"])
    assert row["slice_count"] == len(parts) > 1
    assert all(0 < part["count"] <= window for part in parts)
    assert sum(part["count"] for part in parts) == 29
    # no request ever asked for ids past the window (NCBI's in-band error)
    assert all(int(r.param("retstart") or 0) + int(r.param("retmax") or 0) <= window
               for r in ncbi_env.esearch_requests())
    # the parts are disjoint PMID ranges, newest first
    ranges = [tuple(map(int, part["uid_range"].split(":"))) for part in parts]
    assert ranges == sorted(ranges, reverse=True)
    assert all(lower[1] < upper[0] for upper, lower in pairwise(ranges))


def test_the_split_is_said(ncbi_env: NCBIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_window(ncbi_env, monkeypatch, 5)
    result = run_cli(["--query", "all[sb]", "--db", str(tmp_path / "t.db"), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "29 records match 'all[sb]'; more than PubMed's 5 per search: split into 9 slices by PMID range")
    assert len(result.stdout.splitlines()) == 29


@pytest.mark.parametrize(("counts", "window", "wanted", "expected"), [
    ({(1, 10): 3}, 5, 3, [(1, 10, 3)]),
    # 1..10 halves into 1..5 and 6..10; the upper (newer) half comes first
    ({(1, 10): 8, (1, 5): 4, (6, 10): 4}, 5, 8, [(6, 10, 4), (1, 5, 4)]),
    # an empty half costs one count and is left out
    ({(1, 10): 6, (1, 5): 6, (6, 10): 0, (1, 3): 3, (4, 5): 3}, 5, 6, [(4, 5, 3), (1, 3, 3)]),
    # enough found in the upper half: the lower one is never split
    ({(1, 10): 8, (1, 5): 6, (6, 10): 2}, 5, 2, [(6, 10, 2)]),
])
def test_split_slices_halves_pmid_ranges(monkeypatch: pytest.MonkeyPatch,
                                         counts: dict[tuple[int, int], int], window: int,
                                         wanted: int, expected: list[tuple[int, int, int]]) -> None:
    monkeypatch.setattr(fetch, "PUBMED_WINDOW", window)
    asked: list[str] = []

    def count_of(term: str) -> int:
        asked.append(term)
        lo, hi = term.rsplit(" AND ", 1)[1].removesuffix("[uid]").split(":")
        return counts[(int(lo), int(hi))]

    whole = search.Slice(counts[(1, 10)], 1, 10)
    parts = search.split_slices("q", whole, wanted, count_of)
    assert [(p.lo, p.hi, p.count) for p in parts] == expected
    assert len(asked) == len(counts) - 1    # every range counted once, the whole one given


# --- re-runs ----------------------------------------------------------------------------------


def test_a_rerun_only_fetches_what_is_missing(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run_cli(["--query", "all[sb]", "--max", "3", "--db", str(db), "--quiet"]).exit_code == 0
    assert sorted(efetched(ncbi_env)) == sorted(ALL[:3])
    before = len(ncbi_env.efetch_requests())
    second = run_cli(["--query", "all[sb]", "--db", str(db)])
    assert second.exit_code == 0, second.output
    again = [p for r in ncbi_env.efetch_requests()[before:] for p in r.ids]
    assert sorted(again) == sorted(ALL[3:])
    assert "3 already stored, not fetched again" in second.stderr
    third = run_cli(["--query", "all[sb]", "--db", str(db), "--quiet"])
    assert third.exit_code == 0
    assert len(efetched(ncbi_env)) == 29        # nothing more fetched
    assert [(s["id"], s["retrieved"], s["capped"]) for s in searches(db)] == [
        (1, 3, 1), (2, 29, 0), (3, 29, 0)]


def test_a_search_with_pmids_and_force(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = run_cli(["17638731", "--query", "trial", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert stored(db) == ["29768149", "28731372", "17638731"]
    forced = run_cli(["--query", "trial", "--force", "--db", str(db), "--quiet"])
    assert forced.exit_code == 0
    assert efetched(ncbi_env).count("29768149") == 2


# --- errors -----------------------------------------------------------------------------------


def test_an_expired_history_set_is_one_line_and_stores_nothing(
        ncbi_env: NCBIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 4)
    ncbi_env.keep_history = False
    db = tmp_path / "t.db"
    result = run_cli(["--query", "patients", "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: esearch failed (NCBI: Unable to obtain query #1) for query '#1'")
    assert select_rows(db, "select count(*) from searches") == [(0,)]
    assert ncbi_env.efetch_requests() == []


@pytest.mark.parametrize(("query", "message"), [
    ("AND", "Error: esearch failed (HTTP 400: Empty term and query_key - nothing todo) for query 'AND'"),
    ("#7 AND lupus", "Error: esearch failed (NCBI: Unable to obtain query #7) for query '#7 AND lupus'"),
])
def test_a_query_ncbi_refuses_is_one_line_naming_it(ncbi_env: NCBIStub, tmp_path: Path,
                                                    query: str, message: str) -> None:
    result = run_cli(["--query", query, "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert len(ncbi_env.esearch_requests()) == 1      # NCBI's answer: not retried


def test_dry_run_error_is_one_line(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    result = run_cli(["--query", "AND", "--dry-run"])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: search failed: esearch failed (HTTP 400: Empty term "
                                     "and query_key - nothing todo) for query 'AND'")


def test_esearch_is_retried_like_efetch(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    ncbi_env.fail_next([503, "html", 429, "truncated"])
    db = tmp_path / "t.db"
    result = run_cli(["--query", "efalizumab", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert stored(db) == ["17638731"]
    assert [r.status for r in ncbi_env.esearch_requests()][:5] == [503, 200, 429, 200, 200]


def test_esearch_past_the_window_raises_ncbis_error_in_one_line(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.window = 5
    with client_for(ncbi_stub) as client, pytest.raises(FetchError) as caught:
        client.esearch("all[sb]", retstart=5, retmax=5)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("esearch failed (NCBI: Search Backend failed: Exception: "
                              "'retstart' cannot be larger than 4.")
    assert len(ncbi_stub.esearch_requests()) == 1


def test_efetch_by_history(ncbi_stub: NCBIStub) -> None:
    with client_for(ncbi_stub) as client:
        page = client.esearch("patients", usehistory=True)
        assert page.webenv and page.query_key == "1" and page.count == 10
        xml = client.fetch_efetch_history(page.webenv, page.query_key, retstart=2, retmax=3)
        assert xml.count(b"<PubmedArticle>") == 3
        assert [f"<PMID Version=\"1\">{p}</PMID>".encode() in xml for p in PATIENTS[2:5]] == [True] * 3
        with pytest.raises(FetchError, match=r"^efetch by history failed \(NCBI: Unable to obtain "
                                             r"query #1\) for records 1-200 of query #1$"):
            client.fetch_efetch_history("MCID_000000000000000000000000", "1")
    assert len(ncbi_stub.efetch_requests()) == 2        # the error was not retried


def test_esearch_json_with_raw_control_characters_is_read() -> None:
    body = b'{"esearchresult": {"count": "2", "retstart": "0", "idlist": ["2", "1"],' \
           b' "warninglist": {"outputmessages": ["a\nb"]}}}'
    page = fetch.parse_esearch_json(body)
    assert (page.count, page.pmids, page.warnings) == (2, ("2", "1"), ("a b",))


# --- usage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--max", "5", "17638731"], "--max and --dry-run need --query or --query-file"),
    (["--dry-run", "17638731"], "--max and --dry-run need --query or --query-file"),
    (["--query", "a", "--query-file", "-"], "give --query or --query-file, not both"),
    (["--query", "  "], "--query is empty"),
    (["--query", "a", "--dry-run", "17638731"], "--dry-run only counts the hits of a query"),
    (["--query", "a", "--max", "0"], "Invalid value for '--max'"),
    (["--query-file", "/nonexistent/q.txt"], "cannot read --query-file /nonexistent/q.txt"),
])
def test_usage_errors(ncbi_env: NCBIStub, tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli([*args, "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert ncbi_env.requests == []


def test_empty_query_file_is_a_usage_error(ncbi_env: NCBIStub, tmp_path: Path) -> None:
    result = run_cli(["--query-file", "-", "--db", str(tmp_path / "t.db")], stdin="\n  \n")
    assert result.exit_code == 2
    assert "--query-file - holds no query" in result.stderr


def test_help_shows_the_search_options() -> None:
    result = run_cli(["run", "--help"])
    assert result.exit_code == 0
    for text in ("--query TEXT", "--query-file FILE", "--max N", "--dry-run",
                 "extract --query 'efalizumab[tiab] AND lupus' --db trials.db"):
        assert text in result.output
