"""Fault injection: the local NCBI stub answers badly, and `extract` must still end in time,
store only what was asked for and parsed, and say what happened in one line per failure.

Each case asserts the exit status, what is stored, what `failures` says and a bound on the
time taken (a bound on a stall, generous enough for a loaded machine; not a speed goal).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import select_rows

from extractor.cli import cli

pytestmark = pytest.mark.usefixtures("fast_client")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WORKED = "17638731"
OTHER = "31588070"          # a record and a page in fixtures
THIRD = "38513076"
SHORT = ["--retries", "2", "--connect-timeout", "2", "--read-timeout", "30", "--deadline", "1.5"]



@dataclass
class Outcome:
    exit_code: int
    stderr: list[str]
    stdout: str
    seconds: float


def run(args: list[str]) -> Outcome:
    started = time.monotonic()
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return Outcome(result.exit_code, result.stderr.splitlines(), result.stdout,
                   time.monotonic() - started)



def stored(db: Path) -> list[str]:
    return [pmid for (pmid,) in select_rows(db, "select pmid from articles order by pmid")]


def failures(db: Path) -> list[tuple]:
    return select_rows(db, "select pmid, stage, message from failures order by pmid")


# --- answers that never end, or end badly -----------------------------------------------------

FETCH_FAULTS = [
    # (faults, what the one error line and the failures row say)
    (["html", "html"], 'an HTML page "Service Temporarily Unavailable" instead of efetch XML'),
    (["truncated", "truncated"], "a cut-off efetch answer"),
    ([429, 429], "HTTP 429"),
    ([503, 503], "HTTP 503"),
    (["reset", "reset"], "connection"),
    (["hang", "hang"], "no whole answer within the 1.5 s deadline"),
    (["trickle", "trickle"], "no whole answer within the 1.5 s deadline"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("faults", "reason"), FETCH_FAULTS, ids=[f[1][:30] for f in FETCH_FAULTS])
def test_a_fetch_that_keeps_failing_fails_its_pmids_in_bounded_time(
        ncbi_env, tmp_path: Path, faults: list, reason: str) -> None:
    ncbi_env.trickle_seconds = 0.2     # a 10 kB answer would take half an hour
    ncbi_env.fail_next(faults)
    db = tmp_path / "t.db"
    outcome = run([WORKED, "--db", str(db), "-q", *SHORT])
    assert outcome.exit_code == 1
    assert stored(db) == []
    assert select_rows(db, "select count(*) from raw_records") == [(0,)]
    [(pmid, stage, message)] = failures(db)
    assert (pmid, stage) == (WORKED, "fetch")
    assert reason in message
    assert outcome.stderr == [f"Error: {message}"]
    assert "after 2 attempts" in message
    assert outcome.seconds < 15


@pytest.mark.parametrize("fault", ["html", "truncated", 429, "hang", "trickle"])
def test_one_bad_answer_is_retried_and_the_record_stored(ncbi_env, tmp_path: Path, fault) -> None:
    ncbi_env.trickle_seconds = 0.2
    ncbi_env.fail_next([fault])
    db = tmp_path / "t.db"
    outcome = run([WORKED, "--db", str(db), "-q", *SHORT])
    assert outcome.exit_code == 0, outcome.stderr
    assert stored(db) == [WORKED]
    assert failures(db) == []
    assert outcome.seconds < 10


def test_429_for_ever_gives_up_after_the_attempts_asked_for(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.set_down(True, status=429)
    db = tmp_path / "t.db"
    outcome = run([WORKED, OTHER, "--db", str(db), "-q", "--retries", "3"])
    assert outcome.exit_code == 1
    assert len(ncbi_env.efetch_requests()) == 3
    assert [(p, s) for p, s, _ in failures(db)] == [(WORKED, "fetch"), (OTHER, "fetch")]
    assert outcome.stderr == [f"Error: efetch failed after 3 attempts (HTTP 429) for PMIDs {WORKED}, {OTHER}"]
    assert outcome.seconds < 10


def test_the_deadline_and_timeouts_come_from_the_environment(ncbi_env, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBMED_DEADLINE", "1")
    ncbi_env.fail_next(["hang"])
    db = tmp_path / "t.db"
    outcome = run([WORKED, "--db", str(db), "-q", "--retries", "1"])
    assert outcome.exit_code == 1
    assert "within the 1 s deadline" in failures(db)[0][2]
    assert outcome.seconds < 10


def test_the_read_timeout_ends_a_silent_server_before_the_deadline(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.fail_next(["hang"])
    db = tmp_path / "t.db"
    outcome = run([WORKED, "--db", str(db), "-q", "--retries", "1", "--read-timeout", "0.5",
                   "--deadline", "60"])
    assert outcome.exit_code == 1
    assert "(timed out)" in failures(db)[0][2]
    assert outcome.seconds < 10


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_bad_timeout_is_a_usage_error(tmp_path: Path, value: str) -> None:
    outcome = run([WORKED, "--db", str(tmp_path / "t.db"), "--deadline", value])
    assert outcome.exit_code == 2
    assert "--deadline" in outcome.stderr[-1]


# --- answers holding what nobody asked for ------------------------------------------------------


def test_records_nobody_asked_for_are_dropped_with_one_warning(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.extra_pmids = [OTHER, THIRD]
    ncbi_env.fail_next(["extra"])
    db = tmp_path / "t.db"
    outcome = run([WORKED, "--db", str(db), "-q"])
    assert outcome.exit_code == 0
    assert stored(db) == [WORKED]
    assert [pmid for (pmid,) in select_rows(db, "select pmid from raw_records")] == [WORKED]
    assert outcome.stderr == [
        f"Warning: NCBI's answer held 2 records nobody asked for (PMIDs {OTHER}, {THIRD}); not stored"]


def test_an_unrequested_record_never_overwrites_a_stored_one(ncbi_env, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run([OTHER, "--db", str(db), "-q"]).exit_code == 0
    title = select_rows(db, f"select title from articles where pmid = '{OTHER}'")
    forged = ncbi_env.records[OTHER].replace(b"<ArticleTitle>", b"<ArticleTitle>FORGED ")
    assert forged != ncbi_env.records[OTHER]
    ncbi_env.records[OTHER] = forged
    ncbi_env.extra_pmids = [OTHER]
    ncbi_env.fail_next(["extra"])
    outcome = run([WORKED, "--db", str(db), "-q"])
    assert outcome.exit_code == 0
    assert stored(db) == sorted([WORKED, OTHER])
    assert select_rows(db, f"select title from articles where pmid = '{OTHER}'") == title
    assert "FORGED" not in select_rows(db, f"select content from raw_records where pmid = '{OTHER}'")[0][0]
    assert outcome.stderr[-1].startswith("Warning: NCBI's answer held 1 records nobody asked for")


# --- wrong answers are not kept as raw records -------------------------------------------------


@pytest.fixture
def wrong_pages(ncbi_env, tmp_path: Path):
    """The stub answers for WORKED with the page of OTHER, and for THIRD with its own page."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / f"{WORKED}.html").write_bytes((FIXTURES / "pages" / f"{OTHER}.html").read_bytes())
    (pages / f"{THIRD}.html").write_bytes((FIXTURES / "pages" / f"{THIRD}.html").read_bytes())
    ncbi_env.pages_dir = pages
    return ncbi_env


def test_a_page_of_another_pmid_is_not_kept_and_reprocess_still_works(wrong_pages, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    outcome = run(["--source", "page", WORKED, THIRD, "--db", str(db), "-q"])
    assert outcome.exit_code == 1
    assert [pmid for (pmid,) in select_rows(db, "select pmid from raw_records")] == [THIRD]
    assert [(p, s) for p, s, _ in failures(db)] == [(WORKED, "parse")]
    again = run(["--reprocess", "--db", str(db), "-q"])
    assert again.exit_code == 0, again.stderr
    assert stored(db) == [THIRD]


def test_an_error_page_with_status_200_is_not_kept(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.fail_next(["html"])
    db = tmp_path / "t.db"
    outcome = run(["--source", "page", WORKED, "--db", str(db), "-q"])
    assert outcome.exit_code == 1
    assert select_rows(db, "select count(*) from raw_records") == [(0,)]
    [(pmid, stage, message)] = failures(db)
    assert (pmid, stage) == (WORKED, "parse")
    assert "not a PubMed abstract page" in message


def test_a_wrong_refetch_keeps_the_good_raw_record(wrong_pages, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run(["--xml", str(FIXTURES / "pubmed_xml" / f"{WORKED}.xml"), "--db", str(db), "-q"]).exit_code == 0
    before = select_rows(db, "select source, content from raw_records")
    outcome = run(["--source", "page", "--force", WORKED, "--db", str(db), "-q"])
    assert outcome.exit_code == 1
    assert select_rows(db, "select source, content from raw_records") == before
    assert run(["--reprocess", "--db", str(db), "-q"]).exit_code == 0


# --- the JSON of what was stored is still printed after a failure --------------------------------


def test_json_output_lists_the_stored_records_despite_a_failed_batch(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.fail_next([503, 503])
    db = tmp_path / "t.db"
    outcome = run([WORKED, OTHER, "--db", str(db), "--json", "--batch-size", "1", *SHORT])
    assert outcome.exit_code == 1
    assert [json.loads(line)["pmid"] for line in outcome.stdout.splitlines()] == [OTHER]
    assert [(p, s) for p, s, _ in failures(db)] == [(WORKED, "fetch")]


# --- Ctrl-C -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ctrl_c_exits_130_and_keeps_what_was_stored(ncbi_stub, tmp_path: Path) -> None:
    """A real process and a real SIGINT while the second batch waits for an answer."""
    ncbi_stub.fail_next(["ok", "hang"])
    db = tmp_path / "t.db"
    env = {**os.environ, "PUBMED_EUTILS_URL": ncbi_stub.eutils_url, "NCBI_EMAIL": "t@example.org"}
    env.pop("NCBI_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from extractor.cli import cli; cli()",
         WORKED, OTHER, "--batch-size", "1", "--db", str(db), "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waited = 0.0
    while len(ncbi_stub.efetch_requests()) < 2 and waited < 60:
        time.sleep(0.05)
        waited += 0.05
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        f"Interrupted: what was stored stays in {db}; run the same command again to do the rest.")
    assert stored(db) == [WORKED]
