"""Article -> findings. One module per field; this module only composes them."""

from __future__ import annotations

from functools import lru_cache

from extractor import __version__, ner
from extractor.extract.conditions import extract_conditions
from extractor.extract.drugs import extract_drugs
from extractor.extract.pvalues import extract_p_values
from extractor.extract.responses import extract_response_counts
from extractor.extract.sample_size import extract_sample_sizes
from extractor.models import Article, ArticleRecord, Doubt, Findings


@lru_cache(maxsize=64)
def _ner_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(ner.find_entities(text))


def ner_finder(text: str) -> list[tuple[int, int, str]]:
    """The statistical tagger's chemical and disease spans, computed once per text for both
    the drug and the condition extractor."""
    return list(_ner_spans(text))


def extract_findings(article: Article) -> Findings:
    """Run every extractor on the title and abstract sections of ``article``."""
    doubts: list[Doubt] = []
    sample_sizes = extract_sample_sizes(article, doubts)
    chosen = next((s.value for s in sample_sizes if s.chosen), None)
    return Findings(
        drugs=extract_drugs(article, finder=ner_finder),
        conditions=extract_conditions(article, finder=ner_finder),
        sample_size=chosen,
        sample_sizes=sample_sizes,
        response_counts=extract_response_counts(article, doubts, sample_sizes),
        p_values=extract_p_values(article, doubts),
        doubts=doubts,
    )


def build_record(article: Article) -> ArticleRecord:
    """The stored and printed record: article, findings and the extractor version."""
    findings = extract_findings(article)
    return ArticleRecord(
        pmid=article.pmid,
        title=article.title,
        article=article,
        extractor_version=__version__,
        **dict(findings),
    )
