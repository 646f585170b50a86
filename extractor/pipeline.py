"""Compose the stages: fetch -> parse -> extract -> store, one record at a time.

No printing here: progress and problems go to the caller through ``RunResult`` and an
optional ``on_progress`` callback. Every record is stored as soon as it is extracted, so a
failure later in the run never loses what was already done.

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

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from extractor import search, store
from extractor.errors import ExtractorError, ParseError, PMIDNotFound
from extractor.extract import build_record
from extractor.fetch import PubMedClient, describe_pmids
from extractor.models import Article
from extractor.parse_html import parse_page_html
from extractor.parse_xml import parse_article_xml, parse_efetch_records

ProgressCallback = Callable[[int], object]
Stage = Literal["fetch", "parse", "extract", "store"]
Parser = Callable[[bytes], Article]


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


def _noop(_: int) -> None:
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
        except store.DatabaseLocked:
            raise  # the run stops (see _stop_when_locked)
        except ExtractorError:
            continue


def process_record(db: store.Database, result: RunResult, pmid: str, raw: bytes, source: str,
                   parse: Parser) -> None:
    """Parse the raw record, keep it, then extract and store; any failure is recorded with its
    stage and the run goes on (the record boundary). A deleted record is not found.

    The raw record is kept before extraction, so ``--reprocess`` can retry a record whose
    extraction failed, but only once it parsed: bytes that are no record are never kept.
    """
    stage: Stage = "parse"
    try:
        article = parse(raw)
        if article.kind == "deleted":
            stage = "fetch"
            raise PMIDNotFound(pmid)
        stage = "store"
        store.save_raw(db, pmid, raw, source)
        stage = "extract"
        record = build_record(article)
        stage = "store"
        store.save_record(db, record, raw=raw, source=source)
    except store.DatabaseLocked:
        raise  # not this record's fault: the run stops (see _stop_when_locked)
    except Exception as error:  # noqa: BLE001 - the record boundary: every error is recorded
        if stage == "parse" and isinstance(error, ParseError):
            error = ParseError(f"could not parse record: {error}")
        _fail(db, result, [pmid], stage, error)
        return
    result.stored.append(pmid)


@contextmanager
def _stop_when_locked(result: RunResult, pmids: Iterable[str] = ()) -> Iterator[None]:
    """End the run when the database stays locked: one ``Failure`` names the PMIDs of
    ``pmids`` not done yet (none when they are not known, as for input files)."""
    try:
        yield
    except store.DatabaseLocked as error:
        done = {*result.stored, *result.not_found, *(p for f in result.failures for p in f.pmids)}
        rest = tuple(p for p in dict.fromkeys(pmids) if p not in done)
        result.failures.append(Failure("store", error, rest))


def store_efetch_xml(db: store.Database, xml: bytes, source: str, result: RunResult,
                     requested: Collection[str] | None = None) -> list[str]:
    """Parse every record of an efetch ``PubmedArticleSet`` and store it; returns PMIDs stored
    or tried.

    With ``requested``, only those PMIDs are stored, each once; any other record (and a
    repeat) goes to ``result.unrequested``. Raises ``ParseError`` when the answer as a whole is
    not a ``PubmedArticleSet``.
    """
    wanted = None if requested is None else set(requested)
    seen: dict[str, None] = {}
    for pmid, record_xml in parse_efetch_records(xml):
        if wanted is not None and (pmid not in wanted or pmid in seen):
            result.unrequested.append(pmid)
            continue
        seen[pmid] = None
        process_record(db, result, pmid, record_xml, source, parse_article_xml)
    return list(seen)


def run_pmids(
    db: store.Database,
    client: PubMedClient,
    pmids: list[str],
    source: str = "efetch",
    force: bool = False,
    batch_size: int = 200,
    on_progress: ProgressCallback = _noop,
) -> RunResult:
    """Fetch, extract and store ``pmids``; those already stored are skipped unless ``force``."""
    result = RunResult()
    wanted = list(dict.fromkeys(pmids))
    if not force:
        done = store.stored_pmids(db)
        result.skipped = [p for p in wanted if p in done]
        wanted = [p for p in wanted if p not in done]
        on_progress(len(result.skipped))
    with _stop_when_locked(result, wanted):
        if source == "page":
            _run_pages(db, client, wanted, result, on_progress)
        else:
            _run_batches(db, client, wanted, batch_size, result, on_progress)
    return result


def _run_batches(db: store.Database, client: PubMedClient, pmids: list[str], batch_size: int,
                 result: RunResult, on_progress: ProgressCallback) -> None:
    for batch in client.fetch_efetch_batches(pmids, batch_size=batch_size):
        if batch.error is not None or batch.xml is None:
            _fail(db, result, batch.pmids, "fetch",
                  batch.error or ExtractorError(f"no answer for {describe_pmids(batch.pmids)}"))
            on_progress(len(batch.pmids))
            continue
        try:
            seen = set(store_efetch_xml(db, batch.xml, "efetch", result, requested=batch.pmids))
        except ParseError as exc:
            _fail(db, result, batch.pmids, "parse",
                  ParseError(f"could not parse the efetch answer for "
                             f"{describe_pmids(batch.pmids)}: {exc}"))
            seen = set(batch.pmids)
        missing = [pmid for pmid in batch.pmids if pmid not in seen]
        for pmid in missing:
            _fail(db, result, [pmid], "fetch", PMIDNotFound(pmid))
        on_progress(len(batch.pmids))


def _run_pages(db: store.Database, client: PubMedClient, pmids: list[str], result: RunResult,
               on_progress: ProgressCallback) -> None:
    for pmid in pmids:
        try:
            html = client.fetch_page(pmid)
        except ExtractorError as exc:
            _fail(db, result, [pmid], "fetch", exc)
        else:
            process_record(db, result, pmid, html, "page", partial(parse_page_html, pmid=pmid))
        on_progress(1)


def run_files(db: store.Database, xml_files: Iterable[Path], html_files: Iterable[Path]) -> RunResult:
    """Offline inputs: efetch XML files (any number of records) and saved PubMed pages.

    A file that cannot be read as records is a failure naming the file; the next file is
    still read.
    """
    result = RunResult()
    with _stop_when_locked(result):
        for path in xml_files:
            try:
                store_efetch_xml(db, path.read_bytes(), "xml-file", result)
            except (OSError, ParseError) as exc:
                result.failures.append(Failure("parse", exc, where=str(path)))
        for path in html_files:
            _run_html_file(db, path, result)
    return result


def _run_html_file(db: store.Database, path: Path, result: RunResult) -> None:
    try:
        html = path.read_bytes()
        article = parse_page_html(html)
    except (OSError, ParseError) as exc:
        result.failures.append(Failure("parse", exc, where=str(path)))
        return
    # parsed already: the PMID is only known from the page
    process_record(db, result, article.pmid, html, "html-file", _already(article))


def _already(article: Article) -> Parser:
    def parsed(_: bytes) -> Article:
        return article

    return parsed


def reprocess(db: store.Database, on_progress: ProgressCallback = _noop) -> RunResult:
    """Re-extract every stored raw record with the current extractor; no network."""
    result = RunResult()
    with _stop_when_locked(result):
        for pmid, source, raw in store.iter_raw_records(db):
            if source in ("page", "html-file"):
                process_record(db, result, pmid, raw, source, partial(parse_page_html, pmid=pmid))
            else:
                process_record(db, result, pmid, raw, source, parse_article_xml)
            on_progress(1)
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
    on_progress: ProgressCallback = _noop,
) -> tuple[search.SearchResult, RunResult]:
    """Read the PMIDs of a planned search, store the search, then fetch, extract and store
    its records through ``run_pmids``: by PMID, in batches, so the PMIDs already stored are
    skipped (a re-run only fetches what is missing) and a failed batch names its PMIDs.

    The search is stored before any record is fetched, so it is on record even when the run
    stops; errors reading it (FetchError, SearchError) are raised before anything is stored.
    """
    found = search.find_pmids(client, plan)
    save_search(db, found)
    return found, run_pmids(db, client, list(found.pmids), source=source, force=force,
                            batch_size=batch_size, on_progress=on_progress)
