"""Article -> findings: analyse the article once, then run every extractor on the analysis.

Each extractor is a pure function of the ``AnalysedArticle`` returning its findings and its
doubts (``Extraction``); this module only composes them. Response counts read the sample sizes
(participant counts are no outcomes, and bound the counts printed without their group), so the
sample sizes are extracted first and handed over.
"""

from __future__ import annotations

from extractor import __version__
from extractor.analysis import AnalysedArticle, Tagger, analyse, default_tagger
from extractor.extract.conditions import extract_conditions
from extractor.extract.drugs import extract_drugs
from extractor.extract.pvalues import extract_p_values
from extractor.extract.responses import extract_response_counts
from extractor.extract.sample_size import extract_sample_sizes
from extractor.models import Article, ArticleRecord, Findings


def run_extractors(analysed: AnalysedArticle) -> Findings:
    """Every extractor's findings and doubts for one analysed article."""
    sample_sizes = extract_sample_sizes(analysed)
    response_counts = extract_response_counts(analysed, sample_sizes.findings)
    p_values = extract_p_values(analysed)
    return Findings(
        drugs=extract_drugs(analysed).findings,
        conditions=extract_conditions(analysed).findings,
        sample_size=next((s.value for s in sample_sizes.findings if s.chosen), None),
        sample_sizes=sample_sizes.findings,
        response_counts=response_counts.findings,
        p_values=p_values.findings,
        doubts=[*sample_sizes.doubts, *response_counts.doubts, *p_values.doubts],
    )


def extract_findings(article: Article, tagger: Tagger | None = default_tagger) -> Findings:
    """Analyse ``article`` (with ``tagger``; None: dictionaries only) and extract its findings."""
    return run_extractors(analyse(article, tagger))


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
