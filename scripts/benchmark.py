"""Benchmark (issue 10): throughput, start-up, memory, writes and fetching, in one table.

    python scripts/benchmark.py                                   # the fixtures only (smoke run)
    python scripts/benchmark.py --make-baseline ../shared/tools/make_baseline.py --records 2000 \\
        --fake-ncbi ../shared/tools/fake_ncbi.py
    python scripts/benchmark.py --make-baseline PATH --records 30000 --xml-records 5000 \\
        --reprocess-records 20000                                 # the issue's sizes
    python scripts/benchmark.py --stages                          # + where one record's time goes

Inputs. The small input is fixtures/baseline (3 files, 186 records) and the same records
gunzipped for ``--xml``. With --make-baseline, the large inputs are generated from
fixtures/pubmed_xml: a baseline file of --records records without their reference lists (about
the size of an NLM baseline record), an efetch-style ``.xml`` of --xml-records records with
them (as efetch answers are; 5,000 make about 130 MiB), and, when --reprocess-records differs,
a baseline file for the ``--reprocess`` database. Without it, the large inputs are renamed
copies of the fixtures: every row still runs, on 186 records.

Rows, each against a baseline measured in the same run:

1. plain lxml: ``lxml.etree.iterparse`` over the same file (gzip included), reading each
   record's PMID and clearing it; for ``--reprocess``, ``etree.fromstring`` of each raw record
   read from the database with ``store.iter_raw_records``.
2. the pipeline warm, in this process, through its entry points (``run_baseline``,
   ``pipeline.run_files``, ``pipeline.reprocess``) on 1 worker and on every core. Each entry
   starts its own ``Workers`` and each worker loads the vocabularies when it starts, so the
   warm figure is a difference: (time of small + large input) - (time of the small input
   alone), each into a fresh database, after one untimed run of the small input that warms
   this process and the disk cache. The ratio of 1 worker is to plain lxml; of all cores, to
   1 worker.
3. start-up: the median wall time of a few fresh ``extract --xml fixtures/pubmed_xml/
   17638731.xml --db DB -q`` (after one untimed run, so the disk cache is warm) and of
   ``extract --help``. Children run with byte-code caching on (PYTHONDONTWRITEBYTECODE is
   dropped, PYTHONPYCACHEPREFIX points into the temporary folder) as an installed package has
   it; EXTRACT_CACHE_DIR (--cache-dir) is passed on.
4. peak RSS: each command in a child process with --rss-workers workers (default 1: everything
   in one process), ``ru_maxrss`` from ``os.wait4`` of that child (the largest of it and its
   own children), large input next to small input.
5. bytes written per record: the growth of this process's ``/proc/self/io`` over the child
   run of row 4 and a ``PRAGMA wal_checkpoint(TRUNCATE)`` after it (Linux adds a reaped
   child's counters to its parent's). ``write_bytes`` is what reached the block layer
   (``cancelled_write_bytes`` taken off), ``wchar`` every byte passed to write(). Kept: the
   database file after the checkpoint. Also printed: records/s of these fresh-process runs.
6. fetching at 3 requests/s from fake_ncbi.py (--fake-ncbi) serving the large baseline file,
   with scripts/bench_fetch.py: records/s after a warm-up of 3 requests, share of the
   600 records/s bound, 429s in the server's log.

A row marked [cache rebuilt] had a process rebuild the vocabularies' disk cache (its key covers
the package's source files, so any edit to them starts a rebuild: seconds and tens of MB).
Prints figures only; no pass/fail. The machine's other work shows in every figure.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import bench_fetch  # scripts/, next to this one
import bench_stages
from lxml import etree

from extractor import store
from extractor.ncbi.fetch import MAX_BATCH_SIZE
from extractor.nlp.compiled import CACHE_ENV, cache_dir
from extractor.run import pipeline
from extractor.run.baseline import run_baseline
from extractor.run.work import default_workers

ROOT = Path(__file__).resolve().parent.parent
SMALL_BULK = ROOT / "fixtures" / "baseline"
SOURCE_RECORDS = ROOT / "fixtures" / "pubmed_xml"
START_UP_RECORD = SOURCE_RECORDS / "17638731.xml"
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
SECTIONS = ("throughput", "startup", "memory", "fetch")
MB = 1024 * 1024
T = TypeVar("T")


@dataclass
class Row:
    """One line of the table."""

    what: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""


@dataclass
class Inputs:
    """The files every section reads, and their record counts (counted by lxml)."""

    small_bulk: list[Path]
    large_bulk: list[Path]
    small_xml: list[Path]
    large_xml: list[Path]
    reprocess_bulk: list[Path]
    generated: bool
    counts: dict[str, int] = field(default_factory=dict)


def cache_files() -> frozenset[tuple[str, int]]:
    """The vocabularies' disk cache: names and modification times. It changes when a process
    rebuilds it, which it does whenever a source file of the package changed (the key covers
    them): a rebuild costs seconds and memory, so rows it happened in are marked."""
    folder = cache_dir()
    if folder is None or not folder.is_dir():
        return frozenset()
    return frozenset((path.name, path.stat().st_mtime_ns) for path in folder.iterdir())


REBUILT = " [cache rebuilt]"


class Scratch:
    """Fresh file names in the run's temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used = 0

    def path(self, name: str) -> Path:
        self.used += 1
        return self.folder / f"{self.used:03d}-{name}"


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

def generate(make_baseline: Path, out: Path, records: int, first_pmid: int,
             number: int, references: bool = False) -> Path:
    """One baseline-style file of ``records`` records written by make_baseline.py. PMIDs from
    ``first_pmid`` (the fixtures use 50,000,001 on), named ``pubmed25n{number}.xml.gz``."""
    command = [sys.executable, str(make_baseline), "--source", str(SOURCE_RECORDS),
               "--out", str(out), "--files", "1", "--per-file", str(records),
               "--start-pmid", str(first_pmid), "--first-number", str(number),
               "--no-md5", "--quiet", "--level", "1"]
    if not references:
        command.append("--drop-references")
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return out / f"pubmed25n{number:04d}.xml.gz"


def gunzip(path: Path, folder: Path) -> Path:
    """A plain copy of a ``.xml.gz`` file in ``folder``."""
    plain = folder / path.name.removesuffix(".gz")
    with gzip.open(path, "rb") as source, plain.open("wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
    return plain


def renamed_copies(paths: list[Path], folder: Path, first_number: int) -> list[Path]:
    """Copies of baseline files under later names (a run reading both keeps both)."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for number, path in enumerate(paths, start=first_number):
        copy = folder / f"pubmed25n{number:04d}.xml.gz"
        shutil.copyfile(path, copy)
        copies.append(copy)
    return copies


def prepare_inputs(args: argparse.Namespace, scratch: Scratch) -> Inputs:
    small_bulk = sorted(SMALL_BULK.glob("*.xml.gz"))
    plain = scratch.path("xml")
    plain.mkdir()
    small_xml = [gunzip(path, plain) for path in small_bulk]
    if args.make_baseline is None:
        large_bulk = renamed_copies(small_bulk, scratch.path("bulk"), 9001)
        inputs = Inputs(small_bulk, large_bulk, small_xml, small_xml, large_bulk, generated=False)
    else:
        made = scratch.path("generated")
        large_bulk = [generate(args.make_baseline, made, args.records, 60_000_001, 9001)]
        xml_gz = generate(args.make_baseline, made, args.xml_records, 70_000_001, 9002,
                          references=True)
        large_xml = [gunzip(xml_gz, plain)]
        xml_gz.unlink()
        reprocess_bulk = large_bulk
        if args.reprocess_records != args.records:
            reprocess_bulk = [generate(args.make_baseline, made, args.reprocess_records,
                                       80_000_001, 9003)]
        inputs = Inputs(small_bulk, large_bulk, small_xml, large_xml, reprocess_bulk, True)
    return inputs


# --------------------------------------------------------------------------------------------
# Row 1: plain lxml over the same bytes
# --------------------------------------------------------------------------------------------

def lxml_files(paths: Iterable[Path]) -> tuple[int, float]:
    """Records and seconds of ``iterparse`` over ``paths`` (gunzipping ``.gz``), touching each
    record (its PMID) and freeing it, as a streaming reader does."""
    records = 0
    started = time.perf_counter()
    for path in paths:
        with pipeline.open_records_file(path) as stream:
            for _, element in etree.iterparse(stream, tag=RECORD_TAGS, resolve_entities=False):
                records += bool(element.findtext(".//PMID"))
                element.clear(keep_tail=True)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    return records, time.perf_counter() - started


def lxml_database(db_path: Path) -> tuple[int, float]:
    """Records and seconds of ``fromstring`` of every raw record stored in ``db_path``."""
    records = 0
    db = store.open_db(db_path)
    started = time.perf_counter()
    try:
        for _, _, raw in store.iter_raw_records(db):
            records += bool(etree.fromstring(raw).findtext(".//PMID"))
    finally:
        db.close()
    return records, time.perf_counter() - started


def best_of(measure: Callable[[], tuple[int, float]], runs: int = 2) -> tuple[int, float]:
    return min((measure() for _ in range(runs)), key=lambda result: result[1])


# --------------------------------------------------------------------------------------------
# Row 2: the pipeline, warm
# --------------------------------------------------------------------------------------------

def run_bulk(scratch: Scratch, paths: list[Path], workers: int) -> None:
    """``extract baseline PATHS --workers N`` into a fresh database."""
    db = store.open_db(scratch.path("bulk.db"))
    try:
        _complain(run_baseline(db, paths, workers=workers).run)
    finally:
        db.close()


def run_xml(scratch: Scratch, paths: list[Path], workers: int) -> None:
    """``extract --xml FILE ... --workers N`` into a fresh database."""
    db = store.open_db(scratch.path("xml.db"))
    try:
        _complain(pipeline.run_files(db, paths, [], workers=workers))
    finally:
        db.close()


def run_reprocess(db_path: Path, workers: int) -> None:
    """``extract --reprocess --db DB --workers N``."""
    db = store.open_db(db_path)
    try:
        _complain(pipeline.reprocess(db, workers=workers))
    finally:
        db.close()


def _complain(result: pipeline.RunResult) -> None:
    """Say so when records failed: the figures would not be of the whole pipeline. (PMIDs not
    found are expected: the fixtures' update file deletes some.)"""
    failed = [failure for failure in result.failures if not failure.not_found]
    if failed:
        print(f"  warning: {len(failed)} failures, first: {failed[0].line()}", file=sys.stderr)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def warm_seconds(run: Callable[[T], object], small: T, both: T) -> float:
    """Seconds of the large input's records on a warm pipeline: time(small + large) -
    time(small), after an untimed run of ``small`` (see the module's docstring, row 2)."""
    run(small)
    return timed(lambda: run(both)) - timed(lambda: run(small))


def build_database(scratch: Scratch, paths: list[Path], name: str) -> Path:
    """A database holding the records of ``paths`` (for ``--reprocess``)."""
    path = scratch.path(name)
    db = store.open_db(path)
    try:
        run_baseline(db, paths, workers=default_workers())
    finally:
        db.close()
    return path


@dataclass
class Entry:
    """One entry point measured warm: how to run it, on what, and its lxml baseline."""

    command: str          # as the user types it; the memory rows use the same names
    run: Callable[[Any, int], object]
    small: Any
    both: Any
    records: int
    plain: tuple[int, float]
    rebuilt: set[int] = field(default_factory=set)   # worker counts whose runs rebuilt the cache


def entries(inputs: Inputs, scratch: Scratch, databases: dict[str, Path]) -> list[Entry]:
    counts = inputs.counts
    return [
        Entry("extract baseline",
              lambda paths, n: run_bulk(scratch, paths, n),
              inputs.small_bulk, inputs.small_bulk + inputs.large_bulk, counts["large_bulk"],
              best_of(lambda: lxml_files(inputs.large_bulk))),
        Entry("extract --xml",
              lambda paths, n: run_xml(scratch, paths, n),
              inputs.small_xml, inputs.small_xml + inputs.large_xml, counts["large_xml"],
              best_of(lambda: lxml_files(inputs.large_xml))),
        Entry("extract --reprocess", run_reprocess,
              databases["small"], databases["both"], counts["both_db"] - counts["small_db"],
              best_of(lambda: lxml_database(databases["both"]))),
    ]


def warm_rates(entry: Entry, cores: int) -> dict[int, float]:
    """Records/s of the entry, warm, on 1 worker and on ``cores``."""
    rates = {}
    for workers in sorted({1, cores}):
        _progress(f"{entry.command}, {workers} worker(s), warm")
        cache = cache_files()
        rates[workers] = entry.records / warm_seconds(
            partial(_swapped, entry.run, workers), entry.small, entry.both)
        if cache_files() != cache:
            entry.rebuilt.add(workers)
    return rates


def _swapped(run: Callable[[Any, int], object], workers: int, given: Any) -> object:
    return run(given, workers)


def throughput_rows(entry: Entry, rates: dict[int, float], cores: int) -> list[Row]:
    plain_records, plain_s = entry.plain
    plain_rate = plain_records / plain_s
    what = f"plain lxml: {entry.command}, {entry.records:,} rec"
    rows = [Row(what, f"{plain_rate:,.0f} rec/s", target="(baseline)")]
    rows.append(Row("  pipeline warm, 1 worker" + REBUILT * (1 in entry.rebuilt),
                    f"{rates[1]:,.1f} rec/s",
                    f"{plain_rate:,.0f} rec/s", f"{rates[1] / plain_rate:.2%}",
                    ">= 250 rec/s, >= 4 %"))
    if cores > 1:
        rows.append(Row(f"  pipeline warm, {cores} workers" + REBUILT * (cores in entry.rebuilt),
                        f"{rates[cores]:,.1f} rec/s",
                        f"{rates[1]:,.1f} rec/s", f"{rates[cores] / rates[1]:.2f}x",
                        ">= 1.8x (2 cores)"))
    return rows


# --------------------------------------------------------------------------------------------
# Rows 3-5: fresh processes (start-up, peak RSS, bytes written)
# --------------------------------------------------------------------------------------------

def extract_command() -> list[str]:
    """The installed ``extract`` script next to this Python, else the same through ``-c``."""
    script = Path(sys.executable).with_name("extract")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from extractor.cli import cli; cli()"]


def child_env(scratch: Scratch) -> dict[str, str]:
    """This environment, with byte-code caching on (in the temporary folder)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch.folder / "pycache")
    return env


def median_wall(command: list[str], env: dict[str, str], runs: int) -> float:
    """The median seconds of ``runs`` runs of ``command``, after one untimed run."""
    seconds = []
    for run in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        if run:
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def startup_rows(scratch: Scratch, env: dict[str, str], runs: int) -> list[Row]:
    extract = extract_command()
    _progress("start-up")
    db = scratch.path("startup.db")
    cache = cache_files()
    one = median_wall([*extract, "--xml", str(START_UP_RECORD), "--db", str(db), "-q"], env, runs)
    rebuilt = REBUILT * (cache_files() != cache)
    helped = median_wall([*extract, "--help"], env, runs)
    return [Row(f"start-up: extract --xml 1 record (median of {runs}){rebuilt}", f"{one:.2f} s",
                target="<= 0.8 s"),
            Row(f"start-up: extract --help (median of {runs})", f"{helped:.2f} s",
                target="<= 0.2 s")]


@dataclass
class ChildRun:
    """What one fresh ``extract`` process cost."""

    seconds: float
    rss_mb: float
    written: int         # write_bytes - cancelled_write_bytes (block layer)
    wchar: int           # every byte passed to write()
    kept: int            # the database file after a checkpoint
    rebuilt: bool        # the vocabularies' disk cache was rebuilt


def proc_io() -> dict[str, int]:
    """This process's I/O counters (reaped children included); empty when not on Linux."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return {}
    return {name: int(value) for name, value in (line.split(": ") for line in lines)}


def checkpoint(db_path: Path) -> int:
    """Fold the WAL into the database file; the file's size."""
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return db_path.stat().st_size


def run_child(command: list[str], env: dict[str, str], db_path: Path, log: Path) -> ChildRun:
    """Run ``command`` (which writes ``db_path``) in a child process and measure it."""
    before, cache = proc_io(), cache_files()
    started = time.perf_counter()
    with log.open("wb") as errors:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode not in (0, 1):       # 1: some records failed (the update's deletions)
        raise SystemExit(f"{' '.join(command)} ended with {child.returncode}:\n{log.read_text()}")
    kept = checkpoint(db_path)
    after = proc_io()
    grown = {name: after[name] - before.get(name, 0) for name in after}
    return ChildRun(seconds, usage.ru_maxrss / 1024,
                    grown.get("write_bytes", 0) - grown.get("cancelled_write_bytes", 0),
                    grown.get("wchar", 0), kept, cache_files() != cache)


def bulk_command(db: Path, paths: list[Path], workers: int) -> list[str]:
    return [*extract_command(), "baseline", *map(str, paths), "--db", str(db), "-q",
            "--workers", str(workers)]


def xml_command(db: Path, paths: list[Path], workers: int) -> list[str]:
    files = [part for path in paths for part in ("--xml", str(path))]
    return [*extract_command(), *files, "--db", str(db), "-q", "--workers", str(workers)]


def reprocess_command(db: Path, workers: int) -> list[str]:
    return [*extract_command(), "--reprocess", "--db", str(db), "-q", "--workers", str(workers)]


def memory_rows(inputs: Inputs, scratch: Scratch, env: dict[str, str], workers: int,
                databases: dict[str, Path], warm: dict[tuple[str, int], float]) -> list[Row]:
    """Rows 4 and 5, and the records/s of the same fresh-process runs."""
    counts = inputs.counts
    cases = [  # name, records of the large and of the small input, command, small, large
        ("extract baseline", counts["large_bulk"], counts["small_bulk"], bulk_command,
         inputs.small_bulk, inputs.large_bulk),
        ("extract --xml", counts["large_xml"], counts["small_xml"], xml_command,
         inputs.small_xml, inputs.large_xml),
    ]
    rows: list[Row] = []
    written: list[Row] = []
    cold: list[Row] = []
    for name, records, small_records, command, small, large in cases:
        _progress(f"{name} in fresh processes")
        small_db, large_db = scratch.path("small.db"), scratch.path("large.db")
        small_run = run_child(command(small_db, small, workers), env, small_db, scratch.path("log"))
        large_run = run_child(command(large_db, large, workers), env, large_db, scratch.path("log"))
        rows.append(_rss_row(f"{name}, {records:,} rec", large_run, small_run, small_records))
        written.extend(_written_rows(name, records, large_run))
        cold.append(_cold_row(name, records, large_run, warm.get((name, workers)), workers))
    _progress("extract --reprocess in fresh processes")
    both = counts["both_db"]
    small_run = run_child(reprocess_command(databases["small"], workers), env, databases["small"],
                          scratch.path("log"))
    large_run = run_child(reprocess_command(databases["both"], workers), env, databases["both"],
                          scratch.path("log"))
    rows.append(_rss_row(f"extract --reprocess, {both:,} rec", large_run, small_run,
                         counts["small_db"]))
    written.extend(_written_rows("extract --reprocess", both, large_run))
    cold.append(_cold_row("extract --reprocess", both, large_run,
                          warm.get(("extract --reprocess", workers)), workers))
    return rows + written + cold


def _rss_row(what: str, large: ChildRun, small: ChildRun, small_records: int) -> Row:
    return Row(f"peak RSS: {what}" + REBUILT * large.rebuilt, f"{large.rss_mb:,.0f} MB",
               f"{small.rss_mb:,.0f} MB ({small_records} rec)" + REBUILT * small.rebuilt,
               f"{large.rss_mb - small.rss_mb:+,.0f} MB", "<= +50 MB")


def _written_rows(name: str, records: int, run: ChildRun) -> list[Row]:
    if run.wchar == 0:
        return [Row(f"written per record: {name}", "(no /proc/self/io)")]
    kept = run.kept / records
    return [Row(f"written per record: {name} (write_bytes)", f"{run.written / records / 1024:,.1f} KB",
                f"{kept / 1024:,.1f} KB kept", f"{run.written / run.kept:.2f}x", "<= 2x"),
            Row(f"written per record: {name} (wchar)", f"{run.wchar / records / 1024:,.1f} KB",
                f"{kept / 1024:,.1f} KB kept", f"{run.wchar / run.kept:.2f}x", "<= 2x")]


def _cold_row(name: str, records: int, run: ChildRun, warm_rate: float | None, workers: int) -> Row:
    rate = records / run.seconds
    return Row(f"fresh process, {workers} worker: {name}" + REBUILT * run.rebuilt, f"{rate:,.1f} rec/s",
               "" if warm_rate is None else f"{warm_rate:,.1f} rec/s warm",
               "" if warm_rate is None else f"{rate / warm_rate:.2f}x", f"({run.seconds:.1f} s)")


# --------------------------------------------------------------------------------------------
# Row 6: fetching at NCBI's rate
# --------------------------------------------------------------------------------------------

def fetch_rows(fake_ncbi: Path, records: list[Path], scratch: Scratch, pmids: int,
               rate: int = 3) -> list[Row]:
    _progress(f"fetching at {rate} requests/s")
    log = scratch.path("ncbi.log")
    server, base = bench_fetch.serve(fake_ncbi, [str(path) for path in records], rate, log)
    try:
        served = bench_fetch.served_pmids(base)[:pmids]
        fetched, seconds, client_429 = bench_fetch.fetch_timed(base, served, warm_up=rate)
        time.sleep(0.2)                            # let the server finish its log lines
        server_429 = bench_fetch.statuses_in_log(log).count(429)
    finally:
        server.terminate()
        server.wait(timeout=30)
    bound = rate * MAX_BATCH_SIZE
    per_second = fetched / seconds if seconds > 0 else float("nan")
    what = f"fetch at {rate} req/s, {len(served):,} PMIDs ({fetched:,} timed)"
    return [Row(what, f"{per_second:,.1f} rec/s", f"{bound} rec/s bound", f"{per_second / bound:.1%}"),
            Row("  429 answers (server log / client retries)", f"{server_429} / {client_429}",
                target="0")]


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

def print_table(rows: list[Row]) -> None:
    header = Row("what", "figure", "baseline", "ratio", "target")
    cells = [[r.what, r.figure, r.baseline, r.ratio, r.target] for r in [header, *rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(5)]
    for number, line in enumerate(cells):
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                        for i, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def count_records(inputs: Inputs, databases: dict[str, Path]) -> None:
    """Records of each input (by lxml) and raw records of each database."""
    for name in ("small_bulk", "large_bulk", "small_xml", "large_xml", "reprocess_bulk"):
        inputs.counts[name] = lxml_files(getattr(inputs, name))[0]
    for name, path in databases.items():
        db = store.open_db(path)
        inputs.counts[f"{name}_db"] = store.count_raw_records(db)
        db.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--make-baseline", type=Path, metavar="PATH",
                        help="make_baseline.py, to generate the large inputs [default: the fixtures]")
    parser.add_argument("--records", type=int, default=2000, metavar="N",
                        help="records of the generated baseline file (default 2000)")
    parser.add_argument("--xml-records", type=int, metavar="N",
                        help="records of the generated --xml file, with references [default: --records]")
    parser.add_argument("--reprocess-records", type=int, metavar="N",
                        help="records of the --reprocess database [default: --records]")
    parser.add_argument("--fake-ncbi", type=Path, metavar="PATH",
                        help="fake_ncbi.py, for the fetch row (skipped without it)")
    parser.add_argument("--fetch-pmids", type=int, default=3000, metavar="N",
                        help="PMIDs to fetch at most (default 3000; the baseline file serves --records)")
    parser.add_argument("--rss-workers", type=int, default=1, metavar="N",
                        help="--workers of the fresh-process runs (default 1)")
    parser.add_argument("--startup-runs", type=int, default=5, metavar="N")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help=f"the vocabularies' disk cache ({CACHE_ENV}) [default: the user's]")
    parser.add_argument("--skip", nargs="+", choices=SECTIONS, default=[], metavar="SECTION",
                        help=f"leave out sections: {', '.join(SECTIONS)}")
    parser.add_argument("--stages", action="store_true",
                        help="then print where one record's time goes (scripts/bench_stages.py)")
    args = parser.parse_args(argv)
    args.xml_records = args.xml_records or args.records
    args.reprocess_records = args.reprocess_records or args.records
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.cache_dir is not None:
        os.environ[CACHE_ENV] = str(args.cache_dir)
    cores = default_workers()
    rows: list[Row] = []
    warm: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        scratch = Scratch(Path(tmp))
        _progress("preparing inputs")
        inputs = prepare_inputs(args, scratch)
        databases = {"small": build_database(scratch, inputs.small_bulk, "small.db"),
                     "both": build_database(scratch, inputs.small_bulk + inputs.reprocess_bulk,
                                            "both.db")}
        count_records(inputs, databases)
        if "throughput" not in args.skip:
            for entry in entries(inputs, scratch, databases):
                if entry.records <= 0:     # the fixtures' copies share their PMIDs
                    rows.append(Row(f"{entry.command}: warm", "n/a without --make-baseline"))
                    continue
                rates = warm_rates(entry, cores)
                warm.update({(entry.command, workers): rate for workers, rate in rates.items()})
                rows.extend(throughput_rows(entry, rates, cores))
        env = child_env(scratch)
        if "startup" not in args.skip:
            rows.extend(startup_rows(scratch, env, args.startup_runs))
        if "memory" not in args.skip:
            rows.extend(memory_rows(inputs, scratch, env, args.rss_workers, databases, warm))
        if "fetch" in args.skip:
            pass
        elif args.fake_ncbi is None:
            rows.append(Row("fetch at 3 req/s", "skipped (no --fake-ncbi)"))
        else:
            rows.extend(fetch_rows(args.fake_ncbi, inputs.large_bulk, scratch, args.fetch_pmids))
    print(f"{cores} cores; inputs: {'generated' if inputs.generated else 'the fixtures only'}; "
          f"records: {inputs.counts}")
    print_table(rows)
    if args.stages:
        print()
        bench_stages.main([])


if __name__ == "__main__":
    main()
