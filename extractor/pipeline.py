"""Compose the stages: fetch -> parse -> extract -> store, one record at a time.

No printing here: progress and problems go to the caller through ``RunResult`` and an
optional ``on_progress`` callback. Every record is stored as soon as it is extracted, so a
failure later in the run never loses what was already done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import ExtractorError, ParseError, PMIDNotFound
from extractor.extract import build_record
from extractor.fetch import PubMedClient
from extractor.models import Article, ArticleRecord
from extractor.parse_html import parse_page_html
from extractor.parse_xml import parse_article_xml, parse_efetch_records
from extractor import store

ProgressCallback = Callable[[int], None]


@dataclass
class RunResult:
    """What happened to each PMID of a run."""

    stored: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.not_found and not self.failed

    def merge(self, other: "RunResult") -> None:
        self.stored.extend(other.stored)
        self.skipped.extend(other.skipped)
        self.not_found.extend(other.not_found)
        self.failed.update(other.failed)


def _noop(_: int) -> None:
    return None


def _fail(db: store.Database, result: RunResult, pmid: str, stage: str, error: ExtractorError) -> None:
    """Note a failure in the run's result and in the ``failures`` table (for Datasette)."""
    if isinstance(error, PMIDNotFound):
        result.not_found.append(pmid)
    else:
        result.failed[pmid] = str(error)
    store.save_failure(db, pmid, stage, error)


def store_article(db: store.Database, article: Article, raw: bytes, source: str) -> ArticleRecord:
    """Extract findings from a parsed article and store both (raw record included)."""
    record = build_record(article)
    store.save_record(db, record, raw=raw, source=source)
    return record


def store_efetch_xml(db: store.Database, xml: bytes, source: str, result: RunResult) -> list[str]:
    """Parse every record of an efetch ``PubmedArticleSet`` and store it; returns PMIDs seen."""
    seen: list[str] = []
    for pmid, record_xml in parse_efetch_records(xml):
        seen.append(pmid)
        store.save_raw(db, pmid, record_xml, source)
        try:
            article = parse_article_xml(record_xml)
        except ParseError as exc:
            _fail(db, result, pmid, "parse", ParseError(f"could not parse record: {exc}"))
            continue
        if article.kind == "deleted":
            _fail(db, result, pmid, "fetch", PMIDNotFound(pmid))
            continue
        store_article(db, article, record_xml, source)
        result.stored.append(pmid)
    return seen


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
    if source == "page":
        for pmid in wanted:
            try:
                html = client.fetch_page(pmid)
                store.save_raw(db, pmid, html, "page")
                store_article(db, parse_page_html(html, pmid=pmid), html, "page")
                result.stored.append(pmid)
            except ExtractorError as exc:
                _fail(db, result, pmid, "fetch", exc)
            on_progress(1)
        return result
    for batch in client.fetch_efetch_batches(wanted, batch_size=batch_size):
        if batch.error is not None:
            for pmid in batch.pmids:
                _fail(db, result, pmid, "fetch", batch.error)
            on_progress(len(batch.pmids))
            continue
        try:
            seen = set(store_efetch_xml(db, batch.xml, "efetch", result))
        except ParseError as exc:
            for pmid in batch.pmids:
                _fail(db, result, pmid, "parse", ParseError(f"could not parse efetch answer: {exc}"))
            seen = set(batch.pmids)
        for pmid in batch.pmids:
            if pmid not in seen:
                _fail(db, result, pmid, "fetch", PMIDNotFound(pmid))
        on_progress(len(batch.pmids))
    return result


def run_files(db: store.Database, xml_files: Iterable[Path], html_files: Iterable[Path]) -> RunResult:
    """Offline inputs: efetch XML files (any number of records) and saved PubMed pages."""
    result = RunResult()
    for path in xml_files:
        try:
            store_efetch_xml(db, path.read_bytes(), "xml-file", result)
        except ParseError as exc:
            raise ParseError(f"{path}: {exc}") from exc
    for path in html_files:
        html = path.read_bytes()
        try:
            article = parse_page_html(html)
        except ParseError as exc:
            raise ParseError(f"{path}: {exc}") from exc
        store.save_raw(db, article.pmid, html, "html-file")
        store_article(db, article, html, "html-file")
        result.stored.append(article.pmid)
    return result


def reprocess(db: store.Database, on_progress: ProgressCallback = _noop) -> RunResult:
    """Re-extract every stored raw record with the current extractor; no network."""
    result = RunResult()
    for pmid, source, raw in list(store.iter_raw_records(db)):
        try:
            if source in ("page", "html-file"):
                article = parse_page_html(raw, pmid=pmid)
            else:
                article = parse_article_xml(raw)
        except ParseError as exc:
            _fail(db, result, pmid, "parse", ParseError(f"could not parse stored record: {exc}"))
            on_progress(1)
            continue
        if article.kind == "deleted":
            _fail(db, result, pmid, "fetch", PMIDNotFound(pmid))
        else:
            store_article(db, article, raw, source)
            result.stored.append(pmid)
        on_progress(1)
    return result
