"""Worker processes (`--workers N`) end with the run that started them, however it ends.

A run killed with `kill -9` takes its workers with it (and so the forkserver and resource
tracker that stay alive for them); a run stopped by a full disk stops its workers, says so in
one `Error:` line and keeps the records stored before the disk filled.

The input is an efetch XML file of the real records of fixtures/pubmed_xml, repeated under new
PMIDs so that the workers have work for a while. Process trees are read from /proc (Linux).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import extract_command, select_rows, table_rows
from lxml import etree

from extractor import store
from extractor.cli import cli

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "fixtures" / "pubmed_xml"
FIRST_PMID = 60_000_001
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
BUSY_TIMEOUT = 90.0     # seconds for a run to start its workers and keep them busy
GONE_WITHIN = 10.0      # seconds the processes of a killed run may outlive it
FULL_AFTER_PAGES = 1000  # pages the database may grow by: a hundred-odd records fit, not all
RUN_TIMEOUT = 180.0

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process tree from /proc (Linux)")


def write_records(path: Path, count: int) -> list[str]:
    """An efetch XML file of ``count`` records (the fixtures' records in turn, each under a new
    PMID from ``FIRST_PMID`` on); their PMIDs in file order."""
    articles = [article for fixture in sorted(RECORDS.glob("*.xml"))
                for article in etree.parse(str(fixture)).getroot().iter("PubmedArticle")]
    pmids = [str(FIRST_PMID + n) for n in range(count)]
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
        for n, pmid in enumerate(pmids):
            article = articles[n % len(articles)]
            citation_pmid = article.find("MedlineCitation/PMID")
            assert citation_pmid is not None
            citation_pmid.text = pmid
            out.write(etree.tostring(article, encoding="utf-8") + b"\n")
        out.write(b"</PubmedArticleSet>\n")
    return pmids


@dataclass(frozen=True)
class Proc:
    """One process as /proc/PID/stat shows it."""

    pid: int
    parent: int
    state: str
    cpu_seconds: float

    @property
    def running(self) -> bool:
        """Not ended: a zombie (ended, not reaped yet) holds no memory and does no work."""
        return self.state not in ("Z", "X")


def processes() -> dict[int, Proc]:
    """Every process now, by PID."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:   # ended while being listed
            continue
        # "1234 (python3) S 1233 ...": the command may hold spaces and ")", the rest does not
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = Proc(int(entry.name), int(fields[1]), fields[0],
                                      (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


def descendants(root: int, table: dict[int, Proc]) -> dict[int, int]:
    """PID -> depth (1 for a child) of every running process below ``root``."""
    depths: dict[int, int] = {}
    frontier, depth = [root], 0
    while frontier:
        depth += 1
        frontier = [p.pid for p in table.values() if p.parent in frontier and p.running]
        depths.update(dict.fromkeys(frontier, depth))
    return depths


def running(pids: set[int]) -> set[int]:
    table = processes()
    return {pid for pid in pids if pid in table and table[pid].running}


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """The first true value of ``condition()``, polled until ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def busy_workers(root: int, count: int, cpu_seconds: float = 0.5) -> set[int]:
    """The worker processes of the run ``root`` (children of its forkserver) once ``count``
    of them have each worked ``cpu_seconds``; empty before."""
    table = processes()
    workers = {pid for pid, depth in descendants(root, table).items() if depth >= 2}
    busy = {pid for pid in workers if table[pid].cpu_seconds >= cpu_seconds}
    return workers if len(busy) >= count else set()


def run_env(*paths: Path) -> dict[str, str]:
    """The environment of a command run from this checkout, ``paths`` importable too."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), *map(str, paths), os.environ.get("PYTHONPATH")]))}



def stored_pmids(db_path: Path) -> set[str]:
    return {pmid for (pmid,) in select_rows(db_path, "select pmid from articles")}


# --- kill -9 -----------------------------------------------------------------------------------


@pytest.mark.slow
@needs_proc
def test_kill_9_of_a_run_ends_its_workers_forkserver_and_resource_tracker(tmp_path: Path) -> None:
    """The run is its own process group, so whatever it started is killed in the end even
    when the test fails."""
    xml = tmp_path / "many.xml"
    write_records(xml, 1000)
    with (tmp_path / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(
            extract_command("--xml", str(xml), "--db", str(tmp_path / "t.db"), "--quiet", "--workers", "2"),
            env=run_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
            start_new_session=True)
    started: set[int] = set()
    try:
        workers = wait_for(lambda: busy_workers(process.pid, 2), BUSY_TIMEOUT, "two busy workers")
        started = set(descendants(process.pid, processes()))
        assert workers <= started, (workers, started)   # with the forkserver, the resource tracker
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        killed = time.monotonic()
        left = started
        while left and time.monotonic() - killed < GONE_WITHIN:
            time.sleep(0.05)
            left = running(started)
        assert left == set(), (f"{sorted(left)} of {sorted(started)} still running "
                               f"{GONE_WITHIN:.0f} s after the run was killed")
    finally:
        with contextlib.suppress(ProcessLookupError):   # nothing of the run is left
            os.killpg(process.pid, signal.SIGKILL)
        for pid in running(started):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- a full disk -------------------------------------------------------------------------------


def fill_after(pages: int) -> Callable[..., store.Database]:
    """``store.open_db`` giving a database that is full once it grew by ``pages`` pages: SQLite
    then answers SQLITE_FULL ("database or disk is full"), as on a full disk."""
    open_db = store.open_db

    def open_small_db(*args: Any, **kwargs: Any) -> store.Database:
        db = open_db(*args, **kwargs)
        [(page_count,)] = db.execute("pragma page_count").fetchall()
        db.execute(f"pragma max_page_count = {page_count + pages}")
        return db

    return open_small_db


def assert_stopped_at_the_full_disk(stderr: str, db_path: Path, pmids: list[str]) -> None:
    """One line naming the problem, and the records stored before it are the first ones of the
    input, as in a run that was never stopped."""
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    [line] = stderr.splitlines()
    stored = stored_pmids(db_path)
    assert 0 < len(stored) < len(pmids)
    assert stored == set(pmids[:len(stored)]), select_rows(db_path, "select pmid, stage, message from failures")
    # the record of the batch the disk filled on (the batch is undone), or the batch's COMMIT
    match = re.fullmatch(r"Error: cannot (?:save PMID (\d+)|store a batch of records): "
                         r"database or disk is full", line)
    assert match is not None, line
    assert match[1] is None or match[1] in pmids[len(stored):]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_a_full_disk_ends_the_run_in_one_line_and_stops_its_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    xml, db_path = tmp_path / "many.xml", tmp_path / "t.db"
    pmids = write_records(xml, 400)
    monkeypatch.setattr(store, "open_db", fill_after(FULL_AFTER_PAGES))
    result = CliRunner().invoke(cli, ["--xml", str(xml), "--db", str(db_path), "--quiet",
                                      "--workers", str(workers)])
    # while ``result`` (and the error it holds) lives: the workers are not left to the
    # garbage collector, which may run in a thread of the pool and cannot join it
    workers_left = {pid for pid, depth in descendants(os.getpid(), processes()).items() if depth >= 2}
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert_stopped_at_the_full_disk(result.stderr, db_path, pmids)
    assert workers_left == set()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_extract_on_a_full_database_prints_one_line(tmp_path: Path, workers: int) -> None:
    """The real command, in a process of its own, where an error that is printed at exit (by
    the garbage collector, or while the pool is shut down) would show."""
    xml, db_path = tmp_path / "many.xml", tmp_path / "t.db"
    pmids = write_records(xml, 400)
    script = ("import sys\n"
              "from extractor import store\n"
              "from extractor.cli import cli\n"
              "from test_workers import fill_after\n"
              "store.open_db = fill_after(int(sys.argv[1]))\n"
              "cli(sys.argv[2:], prog_name='extract')\n")
    done = subprocess.run([sys.executable, "-c", script, str(FULL_AFTER_PAGES), "--xml", str(xml),
                           "--db", str(db_path), "--quiet", "--workers", str(workers)],
                          env=run_env(ROOT / "tests"), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert_stopped_at_the_full_disk(done.stderr, db_path, pmids)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs: a disk that really fills up, after a few dozen records. Mounting needs
    root (CAP_SYS_ADMIN) on Linux; elsewhere the test is skipped."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
                                 capture_output=True, text=True, check=False)
    except OSError as error:   # no mount command
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_extract_on_a_full_disk_prints_one_line(tmp_path: Path, tiny_disk: Path, workers: int) -> None:
    xml, db_path = tmp_path / "many.xml", tiny_disk / "t.db"
    pmids = write_records(xml, 400)
    done = subprocess.run(extract_command("--xml", str(xml), "--db", str(db_path), "--quiet",
                                          "--workers", str(workers)),
                          env=run_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          check=False)
    assert done.returncode == 1, done.stderr
    assert_stopped_at_the_full_disk(done.stderr, db_path, pmids)


@pytest.mark.slow
def test_a_baseline_run_stopped_by_a_full_disk_resumes_to_the_rows_of_a_clean_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's progress is stored with its batch, so a batch the full disk undid is read
    again by the next run, not skipped."""
    files = ROOT / "fixtures" / "baseline"
    clean, db_path = tmp_path / "clean.db", tmp_path / "t.db"
    command = ["baseline", str(files), "--quiet", "--workers", "2", "--db"]
    assert CliRunner().invoke(cli, [*command, str(clean)]).exit_code == 0
    with monkeypatch.context() as patch:
        patch.setattr(store, "open_db", fill_after(700))   # the first file fits, the second not
        stopped = CliRunner().invoke(cli, [*command, str(db_path)])
    assert stopped.exit_code == 1
    assert "database or disk is full" in stopped.stderr
    resumed = CliRunner().invoke(cli, [*command, str(db_path)])
    assert resumed.exit_code == 0, resumed.output
    assert table_rows(db_path) == table_rows(clean)
