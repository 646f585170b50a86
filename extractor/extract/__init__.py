"""Article -> findings: analyse the article once, then run every extractor on the analysis.

Each extractor is a pure function of the ``AnalysedArticle`` returning its findings and its
doubts (``Extraction``); this module only composes them. The arms read the sample sizes of role
``arm`` and the studied drugs; the response counts read the sample sizes (participant counts are
no outcomes) and the arms (whose sizes are the groups of the counts that name them). Effect
estimates link the P values printed with them; the checks (``checks``) then compare the
findings with each other.
"""

from __future__ import annotations

from extractor import __version__
from extractor.extract.arms import extract_arms
from extractor.extract.checks import run_checks
from extractor.extract.conditions import extract_conditions
from extractor.extract.drugs import extract_drugs
from extractor.extract.effects import extract_effect_estimates
from extractor.extract.pvalues import extract_p_values
from extractor.extract.responses import extract_response_counts
from extractor.extract.sample_size import extract_sample_sizes
from extractor.models import Article, ArticleRecord, Findings
from extractor.nlp.analysis import AnalysedArticle, Tagger, analyse, default_tagger


def run_extractors(analysed: AnalysedArticle) -> Findings:
    """Every extractor's findings and doubts for one analysed article."""
    sample_sizes = extract_sample_sizes(analysed)
    p_values = extract_p_values(analysed)
    drugs = extract_drugs(analysed)
    conditions = extract_conditions(analysed)
    arms = extract_arms(analysed, sample_sizes.findings, drugs.findings)
    response_counts = extract_response_counts(analysed, sample_sizes.findings, arms.findings)
    estimates = extract_effect_estimates(analysed, p_values.findings)
    doubts = [*sample_sizes.doubts, *response_counts.doubts, *p_values.doubts, *drugs.doubts,
              *conditions.doubts]
    return Findings(
        drugs=drugs.findings,
        conditions=conditions.findings,
        sample_size=next((s.value for s in sample_sizes.findings if s.chosen), None),
        sample_sizes=sample_sizes.findings,
        arms=arms.findings,
        response_counts=response_counts.findings,
        p_values=p_values.findings,
        effect_estimates=estimates,
        checks=run_checks(analysed, p_values.findings, estimates, response_counts.findings,
                          arms.findings, sample_sizes.findings, doubts),
        doubts=doubts,
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
