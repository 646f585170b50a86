"""The rough edges of the command line a new user met (issue 19), each fixed and held here:
progress while files are read, --json in the order asked for, databases that are not this
tool's, a PMID read twice, a port in use, --json meaning stdout everywhere, control characters
in titles, and findings a review or guideline cannot have."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import extract_command, run_cli, select_rows

from extractor import store
from extractor.parse.pubmed_xml import parse_article_xml
from extractor.run.baseline import run_baseline
from extractor.run.pipeline import run_files
from extractor.summary import render_summary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
WORKED = "17638731"
OTHER = "31588070"


# --- progress --------------------------------------------------------------------------------


def test_baseline_names_each_file_as_soon_as_it_is_done(tmp_path: Path) -> None:
    events: list[str] = []
    db = store.open_db(tmp_path / "b.db")
    try:
        run_baseline(db, [FIXTURES / "baseline"], workers=1,
                     on_progress=lambda n: events.append("record"),
                     on_file=lambda report: events.append(report.name))
    finally:
        db.close()
    files = [e for e in events if e != "record"]
    assert files == ["pubmed25n0001.xml.gz", "pubmed25n0002.xml.gz", "pubmed25n0003.xml.gz"]
    # the first file is named before any record of the second is counted
    first, second = events.index(files[0]), events.index(files[1])
    assert events[first + 1:second].count("record") == 60
    assert events[:first].count("record") == 60


def test_xml_files_report_progress_per_record(tmp_path: Path) -> None:
    counted: list[int] = []
    db = store.open_db(tmp_path / "x.db")
    try:
        result = run_files(db, [FIXTURES / "pubmed_xml" / "pubmed-29768149.xml",
                                FIXTURES / "pubmed_xml" / f"{WORKED}.xml"], [],
                           on_progress=counted.append)
    finally:
        db.close()
    assert sum(counted) == len(result.stored) == 2


# --- --json in the order asked for -----------------------------------------------------------


@pytest.mark.usefixtures("fast_client")
def test_json_prints_records_in_the_order_asked_for(ncbi_env: object, tmp_path: Path) -> None:
    db = str(tmp_path / "o.db")
    assert run_cli([OTHER, "--db", db, "--quiet"]).exit_code == 0     # stored first
    result = run_cli([OTHER, WORKED, "--db", db, "--json"])
    assert [json.loads(line)["pmid"] for line in result.stdout.splitlines()] == [OTHER, WORKED]
    result = run_cli([WORKED, OTHER, "--db", db, "--json"])
    assert [json.loads(line)["pmid"] for line in result.stdout.splitlines()] == [WORKED, OTHER]


# --- databases that are not this tool's ------------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


@pytest.mark.parametrize(("make", "init", "message"), [
    (lambda p: sqlite3.connect(p).execute("create table invoices (id)").connection.commit(),
     False, "is an SQLite database of another program (tables: invoices); give another --db"),
    (lambda p: p.write_bytes(b""), False,
     "is an empty file; give --init to make it this tool's database, or another --db"),
    (lambda p: p.write_text("name,dose\naspirin,100\n"), False,
     "is not an SQLite database; give another --db"),
    (lambda p: sqlite3.connect(p).execute("create table invoices (id)").connection.commit(),
     True, "is an SQLite database of another program (tables: invoices); give another --db"),
])
def test_a_database_that_is_not_this_tools_is_refused(tmp_path: Path, make, init: bool,  # type: ignore[no-untyped-def]
                                                       message: str) -> None:
    path = tmp_path / "other.db"
    make(path)
    _age(path, 60)
    before = path.read_bytes()
    result = run_cli(["--xml", str(FIXTURES / "pubmed_xml" / f"{WORKED}.xml"), "--db", str(path),
                      *(["--init"] if init else []), "--quiet"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {path} {message}"]
    assert path.read_bytes() == before


def test_an_empty_file_named_with_init_becomes_the_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.write_bytes(b"")
    _age(path, 60)
    result = run_cli(["--xml", str(FIXTURES / "pubmed_xml" / f"{WORKED}.xml"), "--db", str(path),
                      "--init", "--quiet"])
    assert result.exit_code == 0
    assert select_rows(path, "select pmid from articles") == [(WORKED,)]


def test_reprocess_needs_a_database(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    result = run_cli(["--reprocess", "--db", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: no database at {path}: --reprocess re-extracts the records a database holds"]
    assert not path.exists()


# --- a PMID read twice -----------------------------------------------------------------------


def test_a_pmid_read_from_two_files_is_said(tmp_path: Path) -> None:
    xml = FIXTURES / "pubmed_xml" / f"{WORKED}.xml"
    html = FIXTURES / "pages" / f"{WORKED}.html"
    result = run_cli(["--xml", str(xml), "--html", str(html), "--db", str(tmp_path / "t.db"),
                      "--quiet"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"Warning: PMID {WORKED} was read from {xml} and again from {html}; the later reading "
        "is the one stored"]
    assert select_rows(tmp_path / "t.db", "select source from articles") == [("html-file",)]


# --- extract serve on a port in use -----------------------------------------------------------


@pytest.mark.slow
def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run_cli(["--xml", str(FIXTURES / "pubmed_xml" / f"{WORKED}.xml"), "--db", str(db),
                    "--quiet"]).exit_code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(extract_command("serve", "--db", str(db), "--port", str(port)),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"Error: port {port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)"]


# --- --json is stdout everywhere --------------------------------------------------------------


def test_evaluate_json_prints_the_report_on_stdout(tmp_path: Path) -> None:
    gold = ROOT / "tests" / "data" / "gold_trials.jsonl"
    result = run_cli(["evaluate", str(gold), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert set(report) == {"corpora", "extractor_version", "seconds", "extract_seconds"}
    saved = tmp_path / "r.json"
    assert run_cli(["evaluate", str(gold), "--report", str(saved)]).exit_code == 0
    assert json.loads(saved.read_text())["corpora"] == report["corpora"]


# --- control characters in titles --------------------------------------------------------------


@pytest.mark.parametrize(("title", "shown"), [
    ("Aspirin \x1b[2J\x1b[31mtrial", "Aspirin \\x1b[2J\\x1b[31mtrial"),
    ("Drug \u202eesrever trial", "Drug \\u202eesrever trial"),
    ("C1 \x9b control", "C1 \\x9b control"),
    ("Plain title", "Plain title"),
])
def test_control_characters_of_a_title_are_shown_escaped(title: str, shown: str) -> None:
    record = {"pmid": "1", "title": title, "article": {"sections": [{"text": "x"}]},
              "drugs": [{"name": "Evil\x1b]0;pwned\x07", "role": "studied"}]}
    block = render_summary(record)
    assert block.splitlines()[0] == f"1  {shown}"
    assert "\x1b" not in block and "\u202e" not in block and "\x07" not in block
    assert "Evil\\x1b]0;pwned\\x07 (studied)" in block


# --- a review or guideline studies no drug and has no arms -------------------------------------


@pytest.mark.parametrize(("types", "studied"), [
    (["Review", "Journal Article"], []),
    (["Practice Guideline"], []),
    (["Review", "Randomized Controlled Trial"], ["Efalizumab"]),   # a trial typed as both
    (["Case Reports"], ["Efalizumab"]),
])
def test_a_review_or_guideline_studies_no_drug(types: list[str], studied: list[str]) -> None:
    from extractor.extract import build_record

    article = parse_article_xml((FIXTURES / "pubmed_xml" / f"{WORKED}.xml").read_bytes())
    record = build_record(article.model_copy(update={"publication_types": types}))
    assert [d.name for d in record.drugs if d.role == "studied"] == studied
    if not studied:
        assert record.arms == []
