"""Compose the stages: fetch -> parse -> extract -> store.

No printing here: progress and problems go to the caller through ``RunResult`` and an
optional ``on_progress`` callback. Records are parsed and extracted in input order by
``work.Workers`` (in this process or in worker processes), and stored by this process alone,
many to a transaction (``store_all``: a COMMIT per ``WRITE_BATCH`` results or per
``WRITE_SECONDS``, and before stopping, so a failure or Ctrl-C later in the run never loses
what was already done).

Each record is isolated: whatever goes wrong while parsing, extracting or storing one record
(a ``ParseError``, a bug in an extractor, a database error) is caught at the record's boundary,
recorded as a ``Failure`` with its stage (also in the ``failures`` table), and the run goes on
with the next record. A fetch that fails after its retries fails every PMID it asked for.

A database locked by another writer for longer than its lock timeout stops the run instead:
every later record would wait as long again. The PMIDs not done are named in one ``Failure``
(the ``failures`` table cannot be written while the lock is held); a re-run does the rest.

Only what was asked for is stored: records of an efetch answer for PMIDs the request did not
name (or a second record of one it did) are dropped and named in ``RunResult.unrequested``.
A raw record is kept only once it parsed as the record asked for, so a wrong answer (a page
of another PMID, an error page sent with status 200) never replaces a good raw record.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from extractor import store
from extractor.errors import ExtractorError, ParseError, PMIDNotFound
from extractor.ids import describe_pmids
from extractor.kinds import Stage
from extractor.parse.gzip_stream import GzipStream
from extractor.parse.pubmed_xml import iter_efetch_records, parse_efetch_records
from extractor.run.work import Done, Item, run_items

if TYPE_CHECKING:   # fetching (requests) and searching are imported where used: an offline
    #                 run (--xml, --reprocess, baseline files) never loads them
    from extractor.ncbi import search
    from extractor.ncbi.fetch import PubMedClient

ProgressCallback = Callable[[int], object]
WRITE_BATCH = 200       # results stored per transaction (one COMMIT)
WRITE_SECONDS = 1.0     # ... or fewer, when they come slowly (fetching at NCBI's pace)


@dataclass(frozen=True)
class Failure:
    """Why the PMIDs of one failure were not stored: the stage and the error.

    One fetch error fails every PMID of its request, so a failure holds several PMIDs; a
    record's own failure (parse, extract, store) holds one. ``where`` names an input file
    that could not be read as records at all (then ``pmids`` is empty).
    """

    stage: Stage
    error: Exception
    pmids: tuple[str, ...] = ()
    where: str | None = None

    @property
    def not_found(self) -> bool:
        return isinstance(self.error, PMIDNotFound)

    @property
    def expected(self) -> bool:
        """False for a programming error (not one of this package's own errors)."""
        return isinstance(self.error, ExtractorError)

    def line(self) -> str:
        """One line for the user, naming the PMIDs (or the file) once."""
        if self.where is not None:
            return f"{self.where}: {self.error}"
        if not self.pmids:
            return str(self.error)
        if self.not_found or (self.stage == "fetch" and self.expected):
            return str(self.error)  # names its PMIDs already
        kind = "" if self.expected else f"{type(self.error).__name__}: "
        return f"{describe_pmids(self.pmids)}: {self.stage} failed: {kind}{self.error}"


@dataclass
class RunResult:
    """What happened to each PMID of a run."""

    stored: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    unrequested: list[str] = field(default_factory=list)   # in an answer, not asked for: dropped
    # (pmid, where it was read first, where again): a file's later reading replaced the earlier
    reread: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        """PMIDs that failed for another reason than not being found."""
        return [pmid for f in self.failures if not f.not_found for pmid in f.pmids]

    @property
    def ok(self) -> bool:
        return not self.failures

    def merge(self, other: RunResult) -> None:
        self.stored.extend(other.stored)
        self.skipped.extend(other.skipped)
        self.not_found.extend(other.not_found)
        self.failures.extend(other.failures)
        self.unrequested.extend(other.unrequested)
        self.reread.extend(other.reread)


def noop(_: int) -> None:
    return None


def _fail(db: store.Database, result: RunResult, pmids: Iterable[str], stage: Stage,
          error: Exception) -> None:
    """Note a failure in the run's result and in the ``failures`` table (for Datasette).

    The table is written on a best-effort basis: when the database itself is what failed, the
    failure is still in the result and reported.
    """
    pmids = tuple(pmids)
    result.failures.append(Failure(stage, error, pmids))
    if isinstance(error, PMIDNotFound):
        result.not_found.extend(pmids)
    for pmid in pmids:
        try:
            store.save_failure(db, pmid, stage, error)
        except store.RunStopped:
            raise  # the run stops (see stop_when_locked)
        except ExtractorError:
            continue


def keep(db: store.Database, result: RunResult, done: Done) -> None:
    """Store what became of one record: its findings, or its failure with the stage.

    The raw record is kept once it parsed, even when extraction failed, so ``--reprocess``
    can retry it; bytes that are no record are never kept. A deleted record (a
    ``DeleteCitation`` in an answer or a file) is not found.
    """
    item = done.item
    try:
        if done.deleted:
            _fail(db, result, [item.pmid], "fetch", PMIDNotFound(item.pmid))
            return
        if done.error is not None:
            if done.parsed:
                store.save_raw(db, item.pmid, item.raw, item.source)
            _fail(db, result, [item.pmid], done.stage or "extract", done.error)
            return
        assert done.record is not None
        store.save_record(db, done.record, raw=item.raw, source=item.source)
    except store.RunStopped:
        raise  # not this record's fault: the run stops (see stop_when_locked)
    except Exception as error:  # noqa: BLE001 - the record boundary: every error is recorded
        _fail(db, result, [item.pmid], "store", error)
        return
    result.stored.append(item.pmid)


def store_all(db: store.Database, dones: Iterable[Done], keep_one: Callable[[Done], object],
              on_batch: Callable[[int], object] = noop, on_progress: ProgressCallback = noop,
              batch_size: int = WRITE_BATCH, seconds: float = WRITE_SECONDS) -> None:
    """Store every result with ``keep_one``, many to a transaction: a COMMIT per
    ``batch_size`` results or ``seconds``, whichever comes first, and at the end.

    ``on_batch(n)`` runs inside each batch's transaction after its ``n`` results (to record
    a file's progress with them). Results already worked on are stored even when the run is
    interrupted (Ctrl-C, a worker dying), unless the database itself is what failed. The
    first result is stored on its own, so a database locked by another run stops the run
    before more work is done.

    A generator ``dones`` is closed when this returns or raises, so the workers behind it stop
    then, in this thread. Left to the garbage collector, they would stop whenever it ran, in
    whatever thread: in one of their pool's own, the pool's shutdown cannot join that thread.
    """
    buffer: list[Done] = []
    last = time.monotonic() - seconds   # so the first result is stored at once

    def flush() -> None:
        if buffer:
            with store.transaction(db, "cannot store a batch of records"):
                for done in buffer:
                    keep_one(done)
                    if not db.conn.in_transaction:
                        # SQLite ended the transaction itself, as it does on SQLITE_FULL,
                        # SQLITE_IOERR and SQLITE_NOMEM, and ``keep_one`` recorded the error
                        # as that record's failure (a lock, DatabaseLocked, it raises). The
                        # batch is undone: a later write would be committed on its own,
                        # without the rest of its batch and before its progress.
                        raise store.StoreError("cannot store a batch of records: a write failed and "
                                               "SQLite undid the batch (database or disk is full, "
                                               "or a disk error)")
                on_batch(len(buffer))
            buffer.clear()

    try:
        for done in dones:
            buffer.append(done)
            on_progress(1)
            if len(buffer) >= batch_size or time.monotonic() - last >= seconds:
                flush()
                last = time.monotonic()
    except BaseException as error:
        if not isinstance(error, store.StoreError):
            flush()
        raise
    finally:
        if isinstance(dones, Generator):
            dones.close()
    flush()


@contextmanager
def stop_when_locked(result: RunResult, pmids: Iterable[str] = ()) -> Iterator[None]:
    """End the run when the database stays locked, or another run took it over: one
    ``Failure`` names the PMIDs of ``pmids`` not done yet (none when they are not known, as for
    input files)."""
    try:
        yield
    except store.RunStopped as error:
        done = {*result.stored, *result.not_found, *(p for f in result.failures for p in f.pmids)}
        rest = tuple(p for p in dict.fromkeys(pmids) if p not in done)
        result.failures.append(Failure("store", error, rest))


def _work(db: store.Database, result: RunResult, items: Iterable[Item], workers: int,
          on_progress: ProgressCallback = noop) -> None:
    """Parse and extract ``items`` (in ``workers`` processes), storing the results in order."""
    store_all(db, run_items(items, workers), partial(keep, db, result), on_progress=on_progress)


def _answer_items(db: store.Database, result: RunResult, xml: bytes, requested: Collection[str],
                  on_progress: ProgressCallback) -> Iterator[Item]:
    """The records of one efetch answer that were asked for, each once; any other record goes
    to ``result.unrequested``, and a PMID asked for and not in the answer is not found."""
    try:
        records = parse_efetch_records(xml)
    except ParseError as exc:
        _fail(db, result, requested, "parse",
              ParseError(f"could not parse the efetch answer for {describe_pmids(requested)}: {exc}"))
        on_progress(len(requested))
        return
    wanted, seen = set(requested), set()
    for pmid, record_xml in records:
        if pmid not in wanted or pmid in seen:
            result.unrequested.append(pmid)
            continue
        seen.add(pmid)
        yield Item(pmid, record_xml, "efetch")
    missing = [pmid for pmid in requested if pmid not in seen]
    for pmid in missing:
        _fail(db, result, [pmid], "fetch", PMIDNotFound(pmid))
    on_progress(len(missing))


def run_pmids(
    db: store.Database,
    client: PubMedClient,
    pmids: list[str],
    source: str = "efetch",
    force: bool = False,
    batch_size: int = 200,
    on_progress: ProgressCallback = noop,
    workers: int = 1,
) -> RunResult:
    """Fetch, extract and store ``pmids``; those already stored are skipped unless ``force``."""
    result = RunResult()
    wanted = list(dict.fromkeys(pmids))
    if not force:
        done = store.stored_pmids(db)
        result.skipped = [p for p in wanted if p in done]
        wanted = [p for p in wanted if p not in done]
        on_progress(len(result.skipped))
    if source == "page":
        items = _page_items(db, client, wanted, result, on_progress)
    else:
        items = _batch_items(db, client, wanted, batch_size, result, on_progress)
    with stop_when_locked(result, wanted):
        _work(db, result, items, workers, on_progress)
    return result


def _batch_items(db: store.Database, client: PubMedClient, pmids: list[str], batch_size: int,
                 result: RunResult, on_progress: ProgressCallback) -> Iterator[Item]:
    for batch in client.fetch_efetch_batches(pmids, batch_size=batch_size):
        if batch.error is not None or batch.xml is None:
            _fail(db, result, batch.pmids, "fetch",
                  batch.error or ExtractorError(f"no answer for {describe_pmids(batch.pmids)}"))
            on_progress(len(batch.pmids))
            continue
        yield from _answer_items(db, result, batch.xml, batch.pmids, on_progress)


def _page_items(db: store.Database, client: PubMedClient, pmids: list[str], result: RunResult,
                on_progress: ProgressCallback) -> Iterator[Item]:
    for pmid in pmids:
        try:
            html = client.fetch_page(pmid)
        except ExtractorError as exc:
            _fail(db, result, [pmid], "fetch", exc)
            on_progress(1)
        else:
            yield Item(pmid, html, "page")


def run_files(db: store.Database, xml_files: Iterable[Path], html_files: Iterable[Path],
              workers: int = 1, on_progress: ProgressCallback = noop) -> RunResult:
    """Offline inputs: efetch XML files (any number of records, read in chunks) and saved
    PubMed pages.

    A file that cannot be read as records is a failure naming the file (the records before
    the fault are stored); the next file is still read. A PMID read a second time (in two
    files, or twice in one) replaces the earlier reading, as the later file is newer:
    ``RunResult.reread`` names it with both places.
    """
    result = RunResult()
    items: Iterator[tuple[Path, Item]] = chain(
        ((path, item) for path in xml_files for item in xml_file_items(path, "xml-file", result)),
        ((path, item) for path in html_files for item in _html_file_items(path, result)))
    with stop_when_locked(result):
        _work(db, result, _note_rereads(items, result), workers, on_progress)
    return result


def _note_rereads(items: Iterable[tuple[Path, Item]], result: RunResult) -> Iterator[Item]:
    """The items, each PMID's later readings noted in ``result.reread``."""
    first: dict[str, Path] = {}
    for path, item in items:
        if item.pmid in first:
            result.reread.append((item.pmid, str(first[item.pmid]), str(path)))
        else:
            first[item.pmid] = path
        yield item


def open_records_file(path: Path) -> BinaryIO:
    """A file of records, decompressed on the fly when its name ends in ``.gz``; a file cut
    short gives every byte before the cut, then the error (``gzip.open`` lost the bytes of the
    read that met the cut, and so the complete records in them)."""
    if path.name.endswith(".gz"):
        return cast(BinaryIO, GzipStream(path.open("rb")))
    return path.open("rb")


def xml_file_items(path: Path, source: str, result: RunResult, skip: int = 0) -> Iterator[Item]:
    """The records of an XML file, in order, after the first ``skip``. A file that cannot be
    read to its end adds a ``Failure`` naming it (records before the fault are yielded)."""
    try:
        with open_records_file(path) as stream:
            for pmid, raw in islice(iter_efetch_records(stream), skip, None):
                yield Item(pmid, raw, source)
    except (OSError, EOFError, zlib.error, ParseError) as exc:
        result.failures.append(Failure("parse", _unreadable(exc), where=str(path)))


def _unreadable(error: Exception) -> Exception:
    if isinstance(error, ParseError):
        return error
    if isinstance(error, EOFError | zlib.error | gzip.BadGzipFile):
        return ParseError(f"not a complete gzip file: {error}")
    return ParseError(f"cannot read: {error.strerror or error}" if isinstance(error, OSError)
                      else str(error))


def _html_file_items(path: Path, result: RunResult) -> Iterator[Item]:
    from extractor.parse.pubmed_page import parse_page_html  # BeautifulSoup: only for pages

    try:
        html = path.read_bytes()
        article = parse_page_html(html)  # the PMID is only known from the page
    except (OSError, ParseError) as exc:
        result.failures.append(Failure("parse", exc, where=str(path)))
        return
    yield Item(article.pmid, html, "html-file")


def reprocess(db: store.Database, on_progress: ProgressCallback = noop,
              workers: int = 1) -> RunResult:
    """Re-extract every stored raw record with the current extractor; no network."""
    result = RunResult()
    items = (Item(pmid, raw, source) for pmid, source, raw in store.iter_raw_records(db))
    with stop_when_locked(result):
        _work(db, result, items, workers, on_progress)
    return result


def save_search(db: store.Database, found: search.SearchResult) -> int:
    """Store a search as run (query, date, count, its parts, the PMIDs found); its id."""
    plan = found.plan
    parts = [(part.uid_range, part.count) for part in plan.slices if part.uid_range is not None]
    return store.save_search(db, plan.query, plan.count, found.pmids, slices=parts,
                             max_records=plan.max_records, capped=plan.capped)


def run_search(
    db: store.Database,
    client: PubMedClient,
    plan: search.SearchPlan,
    source: str = "efetch",
    force: bool = False,
    batch_size: int = 200,
    on_progress: ProgressCallback = noop,
    workers: int = 1,
) -> tuple[search.SearchResult, RunResult]:
    """Read the PMIDs of a planned search, store the search, then fetch, extract and store
    its records through ``run_pmids``: by PMID, in batches, so the PMIDs already stored are
    skipped (a re-run only fetches what is missing) and a failed batch names its PMIDs.

    The search is stored before any record is fetched, so it is on record even when the run
    stops; errors reading it (FetchError, SearchError) are raised before anything is stored.
    """
    from extractor.ncbi import search

    found = search.find_pmids(client, plan)
    save_search(db, found)
    return found, run_pmids(db, client, list(found.pmids), source=source, force=force,
                            batch_size=batch_size, on_progress=on_progress, workers=workers)
