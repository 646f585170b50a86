"""Article -> findings. One module per field; this module only composes them."""

from __future__ import annotations

from extractor import __version__
from extractor.extract.conditions import extract_conditions
from extractor.extract.drugs import extract_drugs
from extractor.extract.pvalues import extract_p_values
from extractor.extract.responses import extract_response_counts
from extractor.extract.sample_size import extract_sample_sizes
from extractor.models import Article, ArticleRecord, Doubt, Findings


def extract_findings(article: Article) -> Findings:
    """Run every extractor on the title and abstract sections of ``article``."""
    doubts: list[Doubt] = []
    sample_sizes = extract_sample_sizes(article, doubts)
    chosen = next((s.value for s in sample_sizes if s.chosen), None)
    return Findings(
        drugs=extract_drugs(article),
        conditions=extract_conditions(article),
        sample_size=chosen,
        sample_sizes=sample_sizes,
        response_counts=extract_response_counts(article, doubts),
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
