"""`extract baseline`: PubMed baseline and update files, in name order, with deletions,
revisions and resumption.

The files in fixtures/baseline were written by shared/tools/make_baseline.py from the records
of fixtures/pubmed_xml (3 files of 60 new records; the last one also re-emits 6 revised
records and ends with a DeleteCitation of 8 PMIDs); fixtures/baseline_manifest.json is the
generator's own account of them, which the tests check against.
"""

from __future__ import annotations

import gzip
import json
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import extract_command, finish, select_rows, table_rows

from extractor import store
from extractor.cli import cli
from extractor.run.baseline import NoBulkFiles, bulk_files, run_baseline

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "fixtures" / "baseline"
MANIFEST = json.loads((ROOT / "fixtures" / "baseline_manifest.json").read_text())
NAMES = ["pubmed25n0001.xml.gz", "pubmed25n0002.xml.gz", "pubmed25n0003.xml.gz"]
DELETED = {str(pmid) for entry in MANIFEST["files"] for pmid in entry.get("deleted_pmids", [])}
REVISED = {str(pmid) for entry in MANIFEST["files"] for pmid in entry.get("revised_pmids", [])}
NEW = {str(pmid) for entry in MANIFEST["files"]
       for pmid in range(entry["first_pmid"], entry["last_pmid"] + 1)}
KILL_TIMEOUT = 60.0



def baseline_db(tmp_path: Path, name: str = "bl.db", workers: int = 1) -> Path:
    db_path = tmp_path / name
    db = store.open_db(db_path)
    try:
        result = run_baseline(db, [FILES], workers=workers)
    finally:
        db.close()
    assert result.run.failures == []
    return db_path


# --- which files, in which order ---------------------------------------------------------------


def test_files_are_read_in_name_order_each_name_once(tmp_path: Path) -> None:
    other = tmp_path / "updates"
    other.mkdir()
    shutil.copy(FILES / NAMES[2], other / NAMES[2])
    (other / "notes.txt").write_text("not a bulk file")
    assert [p.name for p in bulk_files([other, FILES / NAMES[1], FILES])] == NAMES
    # the first path given for a name is the one read
    assert bulk_files([other, FILES])[2] == other / NAMES[2]


@pytest.mark.parametrize(("make", "message"), [
    (lambda tmp: tmp / "missing", "missing: no such file or directory"),
    (lambda tmp: tmp, ": no .xml.gz or .xml file in this directory"),
])
def test_a_path_without_bulk_files_is_refused(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoBulkFiles, match=message):
        bulk_files([make(tmp_path)])


# --- what a run stores -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_run_applies_revisions_and_deletions(tmp_path: Path) -> None:
    db_path = baseline_db(tmp_path)
    stored = {row[0] for row in select_rows(db_path, "select pmid from articles")}
    assert stored == NEW - DELETED
    assert len(DELETED) == 8 and len(REVISED) == 6 and not DELETED & REVISED
    titles = dict(select_rows(db_path, "select pmid, title from articles"))
    assert {pmid for pmid, title in titles.items() if title.startswith("[Revised] ")} == REVISED
    # nothing of a deleted record is left, and the deletion is remembered with its file
    for table in (*store.ARTICLE_CHILD_TABLES, "raw_records", "failures"):
        assert select_rows(db_path, f"select count(*) from {table} where pmid in "
                             f"({','.join(DELETED)})") == [(0,)], table
    assert select_rows(db_path, "select file, count(*) from deleted_pmids group by file") == [
        (NAMES[2], 8)]
    assert select_rows(db_path, "select name, position, stored, deleted, failed, done from files "
                         "order by name") == [
        (NAMES[0], 60, 60, 0, 0, 1), (NAMES[1], 60, 60, 0, 0, 1), (NAMES[2], 74, 66, 8, 0, 1)]
    assert select_rows(db_path, "select distinct source from articles") == [("baseline",)]


@pytest.mark.slow
def test_a_second_run_skips_finished_files_and_force_reads_them_again(tmp_path: Path) -> None:
    db_path = baseline_db(tmp_path)
    db = store.open_db(db_path)
    try:
        again = run_baseline(db, [FILES])
        forced = run_baseline(db, [FILES / NAMES[0]], force=True)
    finally:
        db.close()
    assert [(f.name, f.skipped, f.stored) for f in again.files] == [(n, True, 0) for n in NAMES]
    assert [(f.name, f.skipped, f.stored, f.complete) for f in forced.files] == [
        (NAMES[0], False, 60, True)]


@pytest.mark.slow
def test_two_workers_store_what_one_stores(tmp_path: Path) -> None:
    one = baseline_db(tmp_path, "one.db", workers=1)
    two = baseline_db(tmp_path, "two.db", workers=2)
    assert table_rows(two) == table_rows(one)


def test_a_truncated_file_keeps_the_records_before_the_fault(tmp_path: Path) -> None:
    whole = gzip.decompress((FILES / NAMES[0]).read_bytes())
    cut = tmp_path / NAMES[0]
    cut.write_bytes(gzip.compress(whole[: len(whole) // 2]))
    runner = CliRunner()
    result = runner.invoke(cli, ["baseline", str(cut), "--db", str(tmp_path / "t.db"), "-w", "1"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"Error: {cut}: malformed XML: ")
    stored = int(select_rows(tmp_path / "t.db", "select count(*) from articles")[0][0])
    assert 20 < stored < 60
    assert lines[0] == (f"{NAMES[0]}: {stored} stored, 0 deleted, 0 failed; not read to its end")
    assert select_rows(tmp_path / "t.db", "select position, done from files") == [(stored, 0)]


def test_a_file_that_is_no_gzip_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "pubmed25n0009.xml.gz"
    bad.write_bytes(b"<PubmedArticleSet></PubmedArticleSet>")
    result = CliRunner().invoke(cli, ["baseline", str(bad), "--db", str(tmp_path / "t.db")])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        1, f"Error: {bad}: not a complete gzip file: Not a gzipped file (b'<P')")


@pytest.mark.slow
def test_the_cli_reports_each_file_and_exits_0(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    first = CliRunner().invoke(cli, ["baseline", str(FILES), "--db", db, "-w", "1"])
    assert (first.exit_code, first.stderr.splitlines()) == (0, [
        f"{NAMES[0]}: 60 stored, 0 deleted, 0 failed",
        f"{NAMES[1]}: 60 stored, 0 deleted, 0 failed",
        f"{NAMES[2]}: 66 stored, 8 deleted, 0 failed"])
    second = CliRunner().invoke(cli, ["baseline", str(FILES), "--db", db, "--quiet"])
    assert (second.exit_code, second.output) == (0, "")


# --- kill -9 and resume -------------------------------------------------------------------------


def progress(db_path: Path) -> tuple[int, int]:
    """(records done over all files, files done) as a reader sees them now."""
    if not db_path.exists():
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0)
        try:
            row = conn.execute("select coalesce(sum(position), 0), coalesce(sum(done), 0) "
                               "from files").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, 0
    return int(row[0]), int(row[1])


@pytest.mark.slow
def test_kill_9_then_the_same_command_gives_the_rows_of_a_clean_run(tmp_path: Path) -> None:
    db_path = tmp_path / "killed.db"
    command = extract_command("baseline", str(FILES), "--db", str(db_path), "-w", "1", "--quiet")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + KILL_TIMEOUT
    while progress(db_path)[0] < 70 and time.monotonic() < deadline:   # inside the 2nd file
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    status, _ = finish(process)
    done, files_done = progress(db_path)
    assert status == -signal.SIGKILL
    assert 70 <= done < 194 and files_done < 3

    again = subprocess.run(command, capture_output=True, text=True, timeout=KILL_TIMEOUT)
    assert again.returncode == 0, again.stderr
    assert select_rows(db_path, "pragma integrity_check") == [("ok",)]
    assert table_rows(db_path) == table_rows(baseline_db(tmp_path))
