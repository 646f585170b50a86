"""The `extract` command end to end, against the local NCBI stub (tests/ncbi_stub.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli, select_rows

from extractor import cli as cli_module
from extractor.ncbi.fetch import PubMedClient
from extractor.ncbi.ratelimit import RateLimiter

pytestmark = pytest.mark.usefixtures("fast_client")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WORKED = "17638731"





def counts(db: Path) -> dict[str, int]:
    tables = ["articles", "sections", "article_drugs", "article_conditions", "sample_sizes",
              "response_counts", "p_values", "raw_records"]
    return {t: select_rows(db, f"select count(*) from {t}")[0][0] for t in tables}


def test_worked_example_is_fetched_extracted_and_stored(ncbi_env, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = run_cli([WORKED, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["pmid"] == WORKED
    assert [d["name"].lower() for d in record["drugs"] if d["studied"]] == ["efalizumab"]
    assert "Lupus Erythematosus, Discoid" in [c["name"] for c in record["conditions"]]
    assert record["sample_size"] == 13
    assert [(r["responders"], r["total"]) for r in record["response_counts"]] == [(12, 13)]
    assert [(p["operator"], p["value"], p["text"]) for p in record["p_values"]] == [("=", 0.002, "P = .002")]
    # the database holds the same
    assert select_rows(db, "select sample_size from articles where pmid = ?".replace("?", WORKED)) == [(13,)]
    assert select_rows(db, "select operator, value, text from p_values") == [("=", 0.002, "P = .002")]
    assert select_rows(db, "select responders, total from response_counts") == [(12, 13)]
    assert len(ncbi_env.efetch_requests()) == 1


def test_json_prints_one_object_per_article_and_nothing_else(ncbi_env, tmp_path: Path) -> None:
    result = run_cli([WORKED, "9997", "--db", str(tmp_path / "t.db"), "--json"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["pmid"] for line in lines] == [WORKED, "9997"]


def test_summary_is_printed_without_json(ncbi_env, tmp_path: Path) -> None:
    result = run_cli([WORKED, "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(f"{WORKED}  Efalizumab")
    assert "= 0.002" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize("bad", ["abc", "0", "-5", "1" * 25, "12a", "1.5", "017638731"])
def test_malformed_pmid_is_a_usage_error_before_any_request(ncbi_env, tmp_path: Path, bad: str) -> None:
    result = run_cli([WORKED, bad, "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 2
    assert f"invalid PMID {bad!r}" in result.output
    assert ncbi_env.requests == []
    assert not (tmp_path / "t.db").exists()


def test_unknown_long_option_is_still_an_option_error(tmp_path: Path) -> None:
    result = run_cli([WORKED, "--jsn"])
    assert result.exit_code == 2
    assert "No such option '--jsn'" in result.output


def test_no_input_is_a_usage_error() -> None:
    result = run_cli(["--db", "x.db"])
    assert result.exit_code == 2
    assert "give at least one PMID" in result.output


def test_rerun_is_idempotent_and_fetches_nothing(ncbi_env, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run_cli([WORKED, "9997", "--db", str(db)]).exit_code == 0
    before = counts(db)
    requests_before = len(ncbi_env.requests)
    again = run_cli([WORKED, "9997", "--db", str(db)])
    assert again.exit_code == 0
    assert "2 already stored" in again.stderr
    assert len(ncbi_env.requests) == requests_before
    assert counts(db) == before
    forced = run_cli([WORKED, "9997", "--db", str(db), "--force"])
    assert forced.exit_code == 0
    assert len(ncbi_env.requests) == requests_before + 1
    assert counts(db) == before


def test_pmids_from_file_and_stdin(ncbi_env, tmp_path: Path) -> None:
    listing = tmp_path / "pmids.txt"
    listing.write_text(f"# my list\n{WORKED}\n\n9997\n")
    db = tmp_path / "t.db"
    assert run_cli(["--from-file", str(listing), "--db", str(db), "-q"]).exit_code == 0
    assert select_rows(db, "select pmid from articles order by pmid") == [(WORKED,), ("9997",)]
    db2 = tmp_path / "t2.db"
    assert run_cli(["-", "--db", str(db2), "-q"], stdin="12091962\n").exit_code == 0
    assert select_rows(db2, "select pmid from articles") == [("12091962",)]


def test_not_found_pmid_exits_1_and_stores_the_others(ncbi_env, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = run_cli([WORKED, "99999999", "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert "Error: not found in PubMed: 99999999" in result.stderr
    assert select_rows(db, "select pmid from articles") == [(WORKED,)]
    assert select_rows(db, "select pmid, stage, error from failures") == [("99999999", "fetch", "PMIDNotFound")]


def test_retry_on_429_and_503_then_success(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.fail_next([429, 503])
    db = tmp_path / "t.db"
    result = run_cli([WORKED, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert [r.status for r in ncbi_env.efetch_requests()] == [429, 503, 200]
    assert "retrying after HTTP 429" in result.stderr
    assert select_rows(db, "select pmid from articles") == [(WORKED,)]


def test_giving_up_exits_1_names_pmids_and_keeps_earlier_batches(ncbi_env, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    # batch 1 (WORKED) fails on every attempt; batch 2 (9997) succeeds
    ncbi_env.fail_next([503] * 3)
    result = run_cli([WORKED, "9997", "--db", str(db), "--batch-size", "1", "--retries", "3", "-q"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: efetch failed after 3 attempts (HTTP 503) for PMID {WORKED}"
    ]
    assert select_rows(db, "select pmid from articles") == [("9997",)]
    assert select_rows(db, "select pmid, error from failures") == [(WORKED, "FetchError")]
    # the re-run only fetches what is missing, and stores nothing twice
    again = run_cli([WORKED, "9997", "--db", str(db), "--batch-size", "1", "-q"])
    assert again.exit_code == 0
    assert [r.ids for r in ncbi_env.efetch_requests()][-1] == [WORKED]
    assert select_rows(db, "select pmid from articles order by pmid") == [(WORKED,), ("9997",)]
    assert select_rows(db, "select count(*) from failures") == [(0,)]


def test_server_gone_is_a_one_line_error(ncbi_env, tmp_path: Path) -> None:
    ncbi_env.stop()
    result = run_cli([WORKED, "--db", str(tmp_path / "t.db"), "--retries", "2", "-q"])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: efetch failed after 2 attempts (connection refused)")
    assert "Traceback" not in result.output


def test_reprocess_works_with_the_network_unreachable(ncbi_env, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "t.db"
    assert run_cli([WORKED, "9997", "--db", str(db), "-q"]).exit_code == 0
    before = counts(db)
    with sqlite3.connect(db) as conn:
        conn.execute("delete from p_values")
    ncbi_env.stop()
    monkeypatch.setenv("PUBMED_EUTILS_URL", "http://127.0.0.1:9/unreachable")
    result = run_cli(["--reprocess", "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert counts(db) == before
    assert select_rows(db, "select text from p_values") == [("P = .002",)]


def test_offline_xml_and_html_inputs(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    xml = FIXTURES / "pubmed_xml" / "pubmed1.xml"
    result = run_cli(["--xml", str(xml), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert select_rows(db, "select pmid, source from articles order by pmid") == [
        ("12091962", "xml-file"), ("9997", "xml-file")]
    db2 = tmp_path / "t2.db"
    result = run_cli(["--html", str(FIXTURES / "pages" / f"{WORKED}.html"), "--db", str(db2), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["sample_size"], record["p_values"][0]["value"]) == (13, 0.002)
    assert select_rows(db2, "select source from raw_records") == [("html-file",)]


def test_page_source(ncbi_env, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = run_cli(["--source", "page", WORKED, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sample_size"] == 13
    assert [r.path for r in ncbi_env.requests] == [f"/{WORKED}/"]


def test_malformed_xml_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<PubmedArticleSet><PubmedArticle>")
    result = run_cli(["--xml", str(bad), "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}:")
    assert len(result.output.strip().splitlines()) == 1


def test_unwritable_database_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli(["--xml", str(FIXTURES / "pubmed_xml" / "pubmed1.xml"), "--db", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error:")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [[], ["run"], ["evaluate"], ["serve"]])
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = run_cli([*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert len(result.output.splitlines()) > 5


def test_missing_contact_email_is_noted_only_for_real_ncbi(ncbi_stub, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The E-utilities URL is NCBI's default (no option, no env); the client is pointed at the
    # stub behind the CLI's back so no real request leaves the machine.
    for name in ("PUBMED_EUTILS_URL", "NCBI_EMAIL", "NCBI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    def stub_client(**options: object) -> PubMedClient:
        return PubMedClient(**{**options, "eutils_url": ncbi_stub.eutils_url},
                            limiter=RateLimiter(1000))

    monkeypatch.setattr(cli_module, "PubMedClient", stub_client)
    noted = run_cli([WORKED, "--db", str(tmp_path / "a.db")])
    assert noted.exit_code == 0
    assert "set NCBI_EMAIL or --email" in noted.stderr
    with_email = run_cli([WORKED, "--db", str(tmp_path / "b.db"), "--email", "me@example.org"])
    assert "NCBI_EMAIL" not in with_email.stderr
    quiet = run_cli([WORKED, "--db", str(tmp_path / "c.db"), "-q"])
    assert quiet.stderr == ""


# --- one bad record never stops the run ----------------------------------------------------


@pytest.fixture
def failing_p_values(monkeypatch: pytest.MonkeyPatch) -> str:
    """The P value extractor raises a programming error on one PMID (12091962) only."""
    from extractor import extract

    real = extract.extract_p_values
    failing_pmid = "12091962"

    def extract_p_values(analysed):  # type: ignore[no-untyped-def]
        if analysed.article.pmid == failing_pmid:
            raise ZeroDivisionError("division by zero")
        return real(analysed)

    monkeypatch.setattr(extract, "extract_p_values", extract_p_values)
    return failing_pmid


def test_an_extractor_raising_on_one_record_fails_that_record_only(
        failing_p_values: str, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    # pubmed1.xml holds 12091962 (first) and 9997; pubmed2.xml two more records
    result = run_cli(["--xml", str(FIXTURES / "pubmed_xml" / "pubmed1.xml"),
                  "--xml", str(FIXTURES / "pubmed_xml" / "pubmed2.xml"), "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert select_rows(db, "select pmid from articles order by cast(pmid as integer)") == [
        ("9997",), ("11700088",), ("11748933",)]
    assert select_rows(db, "select pmid, stage, error, message from failures") == [
        (failing_p_values, "extract", "ZeroDivisionError", "division by zero")]
    assert result.stderr.splitlines() == [
        f"Error: PMID {failing_p_values}: extract failed: ZeroDivisionError: division by zero"]
    assert "Traceback" not in result.output
    # its raw record is kept: once the bug is fixed, --reprocess rebuilds it offline
    assert select_rows(db, f"select count(*) from raw_records where pmid = '{failing_p_values}'") == [(1,)]


def test_debug_shows_the_traceback_of_a_programming_error(failing_p_values: str,
                                                          tmp_path: Path) -> None:
    result = run_cli(["--xml", str(FIXTURES / "pubmed_xml" / "pubmed1.xml"),
                  "--db", str(tmp_path / "t.db"), "-q", "--debug"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"Error: PMID {failing_p_values}: extract failed: ZeroDivisionError: "
                        "division by zero")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ZeroDivisionError: division by zero"


def test_a_page_for_another_pmid_fails_at_the_parse_stage(ncbi_env, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    # the stub answers for WORKED with the page of PMID 31588070
    (pages / f"{WORKED}.html").write_bytes((FIXTURES / "pages" / "31588070.html").read_bytes())
    (pages / "38513076.html").write_bytes((FIXTURES / "pages" / "38513076.html").read_bytes())
    ncbi_env.pages_dir = pages
    db = tmp_path / "t.db"
    result = run_cli(["--source", "page", WORKED, "38513076", "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert select_rows(db, "select pmid from articles") == [("38513076",)]
    assert select_rows(db, "select pmid, stage, error from failures") == [(WORKED, "parse", "ParseError")]
    assert result.stderr.splitlines() == [
        f"Error: PMID {WORKED}: parse failed: could not parse record: page is for PMID "
        f"31588070, expected {WORKED}"]


def test_a_malformed_file_does_not_stop_the_next_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<PubmedArticleSet><PubmedArticle>")
    db = tmp_path / "t.db"
    result = run_cli(["--xml", str(bad), "--xml", str(FIXTURES / "pubmed_xml" / "pubmed1.xml"),
                  "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert select_rows(db, "select pmid from articles order by pmid") == [("12091962",), ("9997",)]
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {bad}: malformed XML")


# --- what a wrong input is called (issue 9) ---------------------------------------------------


@pytest.mark.parametrize(("option", "path", "message"), [
    ("--html", FIXTURES / "pubmed_xml" / f"{WORKED}.xml",
     "this is PubMed XML, not a PubMed page (an efetch XML file is read with --xml)"),
    ("--xml", FIXTURES / "pages" / f"{WORKED}.html",
     "this is an HTML page, not PubMed XML (a saved PubMed page is read with --html)"),
    ("--xml", FIXTURES / "constructed" / "billion_laughs.xml",
     "XML declares entities; refused (efetch XML never does, and expanding them is unsafe)"),
    ("--html", FIXTURES / "constructed" / "not_found_page.html",
     "not a PubMed abstract page: it shows no PMID and no article title"),
])
def test_a_file_of_the_wrong_kind_is_named_in_one_line(tmp_path: Path, option: str, path: Path,
                                                        message: str) -> None:
    result = run_cli([option, str(path), "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {path}: {message}"]
    assert result.stdout == ""


def test_every_bad_line_of_a_pmid_file_is_named_with_its_line(tmp_path: Path) -> None:
    listing = tmp_path / "pmids.txt"
    listing.write_text(f"{WORKED}\nabc\n\n# fine\n12x  # typo\n9997\n")
    result = run_cli(["--from-file", str(listing), "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: invalid PMIDs 'abc' ({listing}:2), '12x' ({listing}:5): "
        "a PMID is a positive whole number of at most 9 digits")
    assert not (tmp_path / "t.db").exists()


def test_many_bad_lines_are_counted_after_the_first_five(tmp_path: Path) -> None:
    listing = tmp_path / "pmids.txt"
    listing.write_text("".join(f"x{i}\n" for i in range(8)))
    result = run_cli(["--from-file", str(listing), "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(
        f"'x4' ({listing}:5) and 3 more: a PMID is a positive whole number of at most 9 digits")


def test_a_comment_after_a_pmid_is_allowed(ncbi_env, tmp_path: Path) -> None:
    listing = tmp_path / "pmids.txt"
    listing.write_text(f"{WORKED}   # the worked example\n9997# no space\n  # indented comment\n")
    db = tmp_path / "t.db"
    result = run_cli(["--from-file", str(listing), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.stderr
    assert select_rows(db, "select pmid from articles order by pmid") == [(WORKED,), ("9997",)]


def test_bad_stdin_lines_are_named_as_stdin(tmp_path: Path) -> None:
    result = run_cli(["-", "--db", str(tmp_path / "t.db")], stdin=f"{WORKED}\nnope\n")
    assert result.exit_code == 2
    assert "'nope' (<stdin>:2)" in result.stderr
