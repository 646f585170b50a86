"""The Python API, for notebooks and scripts (also as ``extractor.extract_text`` and so on).

- ``extract_text(title, abstract)``: the findings of one text; no network, no database.
- ``extract_pmids(pmids, db=...)``: fetch, extract and store PMIDs (as ``extract PMID``),
  return their records.
- ``trials(db)``, ``arms(db)``, ``results(db)``, ``contrasts(db)``: a database as pandas
  DataFrames, one row per trial, arm (and outcome), result and contrast (``pip install
  'pubmed-trial-extractor[api]'`` for pandas).

Errors are this package's own (``ExtractorError`` and its kinds), as the command line's are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.errors import ExtractorError, InvalidPMID
from extractor.ids import is_pmid
from extractor.kinds import PoolMeasure
from extractor.models import Article, ArticleRecord, Section

if TYPE_CHECKING:
    import pandas

Json = dict[str, Any]
PLACEHOLDER_PMID = "1"


def extract_text(title: str, abstract: str | Sequence[tuple[str | None, str]] = "",
                 pmid: str = PLACEHOLDER_PMID) -> ArticleRecord:
    """The record ``extract`` would store for this title and abstract, offline.

    ``abstract`` is one string, or its sections as ``(label, text)`` pairs (a label may be
    None). ``pmid`` only names the record.

    >>> record = extract_text("Efalizumab in discoid lupus erythematosus",
    ...                       "Thirteen patients received efalizumab; 12 of 13 responded (P = .002).")
    >>> record.sample_size, [(c.responders, c.total) for c in record.response_counts]
    (13, [(12, 13)])
    """
    from extractor.extract import build_record
    from extractor.parse.text import normalize_text

    if not is_pmid(pmid):
        raise InvalidPMID(pmid)
    parts = [(None, abstract)] if isinstance(abstract, str) else list(abstract)
    sections = [Section(label=label, text=normalize_text(text)) for label, text in parts
                if text.strip()]
    return build_record(Article(pmid=pmid, title=normalize_text(title), sections=sections))


def extract_pmids(pmids: Iterable[str], db: str | Path = "extractions.db", *,
                  email: str | None = None, api_key: str | None = None, force: bool = False,
                  workers: int = 1) -> list[ArticleRecord]:
    """Fetch, extract and store ``pmids`` in the database ``db`` (PMIDs already stored are not
    fetched again unless ``force``), and return the records of those stored, in the order
    asked for. A PMID that failed is left out; the first failure is raised when none stored.
    """
    from extractor import store
    from extractor.ncbi.fetch import PubMedClient
    from extractor.run import pipeline

    wanted = list(dict.fromkeys(str(p).strip() for p in pmids))
    bad = next((p for p in wanted if not is_pmid(p)), None)
    if bad is not None:
        raise InvalidPMID(bad)
    database = store.open_db(db)
    try:
        result = pipeline.run_pmids(database, PubMedClient(email=email, api_key=api_key), wanted,
                                    force=force, workers=workers)
        records = [store.load_article_record(database, pmid) for pmid in wanted]
    finally:
        database.close()
    found = [record for record in records if record is not None]
    if not found and result.failures:
        raise ExtractorError(result.failures[0].line())
    return found


# --- a database as DataFrames ----------------------------------------------------------------


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as error:
        raise ExtractorError("reading a database as DataFrames needs pandas: pip install "
                             "'pubmed-trial-extractor[api]'") from error
    return pandas


def _records(db: str | Path) -> Iterator[Json]:
    from extractor import store

    if not Path(db).exists():
        raise ExtractorError(f"no database at {db}")
    database = store.open_db(db)
    try:
        yield from store.iter_records(database, store.select_pmids(database))
    finally:
        database.close()


def _trial_row(record: Json) -> Json:
    from extractor.export.contrasts import study_label

    article = record.get("article") or {}
    return {
        "pmid": record["pmid"], "study": study_label(record), "title": record["title"],
        "journal": article.get("journal"), "year": article.get("year"),
        "publication_types": article.get("publication_types") or [],
        "sample_size": record.get("sample_size"),
        "studied_drugs": [d["name"] for d in record.get("drugs") or [] if d.get("role") == "studied"],
        "population_conditions": [c["name"] for c in record.get("conditions") or []
                                  if c.get("role") == "population"],
        "arms": len(record.get("arms") or []), "results": len(record.get("results") or []),
    }


def trials(db: str | Path = "extractions.db") -> pandas.DataFrame:
    """One row per stored article: study label, bibliography, sample size, studied drugs and
    population conditions (lists), how many arms and results."""
    return _pandas().DataFrame([_trial_row(r) for r in _records(db)])


def arms(db: str | Path = "extractions.db") -> pandas.DataFrame:
    """One row per arm and outcome (``extract export --rows arms``)."""
    from extractor.export.contrasts import ARM_COLUMNS, arm_rows

    rows = [row for record in _records(db) for row in arm_rows(record)]
    return _pandas().DataFrame(rows, columns=list(ARM_COLUMNS))


def results(db: str | Path = "extractions.db") -> pandas.DataFrame:
    """One row per result: the record's ``results`` with the article's PMID and study label."""
    from extractor.export.contrasts import study_label

    rows = [{"pmid": record["pmid"], "study": study_label(record), "position": position, **result}
            for record in _records(db)
            for position, result in enumerate(record.get("results") or [])]
    return _pandas().DataFrame(rows)


def contrasts(db: str | Path = "extractions.db", measure: PoolMeasure = "OR") -> pandas.DataFrame:
    """One row per contrast (``extract export``): events and totals of both arms, the reported
    estimate, ``yi``/``sei`` on the analysis scale, the P value, direction and checks."""
    from extractor.export.contrasts import CONTRAST_COLUMNS, contrast_rows

    rows = [row for record in _records(db) for row in contrast_rows(record, measure)]
    return _pandas().DataFrame(rows, columns=list(CONTRAST_COLUMNS))
