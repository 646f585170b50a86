"""PubMed baseline and update files -> the database, resumably: ``extract baseline``.

NLM publishes the baseline (``pubmed25n0001.xml.gz`` ... ``pubmed25n1274.xml.gz``) and then
daily update files numbered on from it (``pubmed25n1275.xml.gz`` ...). Each is a
``PubmedArticleSet`` of up to 30,000 records; an update file re-emits revised records (the same
PMID, a later ``DateRevised``, sometimes a higher ``Version``) and ends with a
``DeleteCitation`` of PMIDs withdrawn. Applying the files in name order therefore gives
PubMed's current state: a later file's record replaces an earlier one, and a deleted PMID loses
its article, findings and raw record (``deleted_pmids`` remembers it).

Each file is streamed (memory stays flat whatever its size) and its progress is committed with
the records of each batch (the ``files`` table), so a run killed at any point resumes after
the last batch stored, with nothing lost or stored twice, and a finished file is skipped.

One run writes a database's files at a time: a run holds the database's lease
(``store.baseline_lease``) and every batch checks it in its own transaction, so a run that
was suspended (or slow) and overtaken by another stops without storing anything more: an
older file's batch can never land after a newer file's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractor import defaults, store
from extractor.errors import ExtractorError
from extractor.run import pipeline
from extractor.run.work import Done, Workers

BULK_SUFFIXES = (".xml.gz", ".xml")


class NoBulkFiles(ExtractorError):
    """A path given to ``extract baseline`` holds no baseline or update file."""


@dataclass
class FileReport:
    """What one run did with one file."""

    name: str
    stored: int = 0
    deleted: int = 0
    failed: int = 0
    skipped: bool = False     # done by an earlier run
    resumed_at: int = 0       # records of the file an earlier run had done
    complete: bool = False    # read to its end in this run


@dataclass
class BaselineResult:
    """The run's ``RunResult`` (failures, PMIDs stored) and a report per file, in order."""

    run: pipeline.RunResult = field(default_factory=pipeline.RunResult)
    files: list[FileReport] = field(default_factory=list)


def bulk_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read, in the order NLM numbers them (by name), each name once.

    A directory gives its ``*.xml.gz`` and ``*.xml`` files (not recursively). Two files of
    one name (from two directories) are one file: the first given is read.
    """
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            inside = [p for p in path.iterdir() if p.is_file() and p.name.endswith(BULK_SUFFIXES)]
            if not inside:
                raise NoBulkFiles(f"{path}: no .xml.gz or .xml file in this directory")
        elif path.is_file():
            inside = [path]
        else:
            raise NoBulkFiles(f"{path}: no such file or directory")
        for file in inside:
            found.setdefault(file.name, file)
    return [found[name] for name in sorted(found)]


def run_baseline(db: store.Database, paths: Iterable[Path], workers: int = 1, force: bool = False,
                 on_progress: pipeline.ProgressCallback = pipeline.noop,
                 lease_timeout: float = defaults.LEASE_TIMEOUT,
                 on_file: Callable[[FileReport], object] | None = None) -> BaselineResult:
    """Read every file of ``paths`` (see ``bulk_files``) into ``db``; files done are skipped
    unless ``force``. A file that cannot be read to its end is a failure naming it; the
    records before the fault are stored and the next file is read. ``on_progress(n)`` after
    each ``n`` records, ``on_file(report)`` as soon as each file is finished (or skipped).
    ``store.LeaseHeld`` when another run is writing ``db`` (silent for less than
    ``lease_timeout`` seconds)."""
    result = BaselineResult()
    files = bulk_files(paths)
    with store.baseline_lease(db, lease_timeout) as lease, \
            pipeline.stop_when_locked(result.run), Workers(workers) as pool:
        for path in files:
            report = FileReport(path.name)
            result.files.append(report)
            run_file(db, path, result.run, report, pool, lease, force, on_progress)
            if on_file is not None:
                on_file(report)
    return result


def run_file(db: store.Database, path: Path, result: pipeline.RunResult, report: FileReport,
             pool: Workers, lease: store.Lease, force: bool = False,
             on_progress: pipeline.ProgressCallback = pipeline.noop) -> None:
    """Read one file into ``db``, from where an earlier run stopped; ``report`` says what
    was done, ``result`` gets the file's failures (not its PMIDs: a baseline has millions).
    Every batch is stored only while ``lease`` is held."""
    state = store.file_state(db, path.name)
    if state is not None and state["done"] and not force:
        report.skipped = True
        return
    if state is not None and not state["done"] and not force:
        report.resumed_at = int(state["position"])
    file_result = pipeline.RunResult()
    counts = _Counts(db, file_result, path, report, lease, state if report.resumed_at else None)
    items = pipeline.xml_file_items(path, "baseline", file_result, skip=report.resumed_at)
    try:
        pipeline.store_all(db, pool.map(items), counts.keep, counts.commit, on_progress)
        report.complete = not any(f.where == str(path) for f in file_result.failures)
        counts.commit(0, done=report.complete)
    finally:
        result.failures.extend(file_result.failures)
        result.not_found.extend(file_result.not_found)


class _Counts:
    """A file's figures as its batches are stored: what ``files`` holds for it."""

    def __init__(self, db: store.Database, result: pipeline.RunResult, path: Path,
                 report: FileReport, lease: store.Lease, state: store.Json | None) -> None:
        self.db, self.result, self.path, self.report, self.lease = db, result, path, report, lease
        self.position = report.resumed_at
        self.earlier = (0, 0, 0) if state is None else (
            int(state["stored"]), int(state["deleted"]), int(state["failed"]))

    def keep(self, done: Done) -> None:
        """Store one result of the file: a deletion, a record, or its failure."""
        if done.deleted:
            store.delete_article(self.db, done.item.pmid, self.path.name)
            self.report.deleted += 1
            return
        stored = len(self.result.stored)
        pipeline.keep(self.db, self.result, done)
        if len(self.result.stored) > stored:
            self.report.stored += 1
        else:
            self.report.failed += 1

    def commit(self, count: int, done: bool = False) -> None:
        """Record the file's progress after ``count`` more results (in their transaction)."""
        self.position += count
        stored, deleted, failed = self.earlier
        store.save_file_state(
            self.db, self.path.name, str(self.path), self.path.stat().st_size, self.position,
            stored + self.report.stored, deleted + self.report.deleted,
            failed + self.report.failed, done, lease=self.lease)
