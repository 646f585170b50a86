"""Effect estimates: the forms abstracts print, and what is not one."""

from __future__ import annotations

import pytest

from extractor.extract.effects import decimals, extract_effect_estimates
from extractor.extract.pvalues import extract_p_values
from extractor.models import Article, EffectEstimate, Section
from extractor.nlp.analysis import analyse
from extractor.parse.text import map_chars


def estimates(text: str) -> list[EffectEstimate]:
    article = Article(pmid="1", title="", sections=[Section(text=map_chars(text))])
    analysed = analyse(article, None)
    return extract_effect_estimates(analysed, extract_p_values(analysed).findings)


def summary(text: str) -> list[tuple[object, ...]]:
    return [(e.measure, e.adjusted, e.value, e.lower, e.upper, e.level, e.p_value is not None)
            for e in estimates(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # the forms the issue names
    ("Survival improved (HR 0.72 (95% CI 0.61-0.85; P < .001)).",
     [("HR", False, 0.72, 0.61, 0.85, 95.0, True)]),
    ("Response was more likely (OR = 2.42, 95% confidence interval [CI] 1.27-4.60).",
     [("OR", False, 2.42, 1.27, 4.6, 95.0, False)]),
    ("Fewer events occurred (relative risk, 0.81; 95% CI, 0.70 to 0.94).",
     [("RR", False, 0.81, 0.7, 0.94, 95.0, False)]),
    ("Blood pressure fell (mean difference -1.2 mmHg (-2.0 to -0.4)).",
     [("MD", False, -1.2, -2.0, -0.4, 95.0, False)]),
    ("Blood pressure fell (mean difference \u22121.2 mmHg (\u22122.0 to \u22120.4)).",
     [("MD", False, -1.2, -2.0, -0.4, 95.0, False)]),
    ("Costs differed (mean difference 1,250 (95% CI 1,010 to 1,490)).",
     [("MD", False, 1250.0, 1010.0, 1490.0, 95.0, False)]),
    # real sentences of fixtures/pubmed_xml (27797938, 29768149, 37729413, 23657305)
    ("Smoking was associated with an increased risk (OR 1.72; 95% CI 1.07 to 2.78; P = 0.025).",
     [("OR", False, 1.72, 1.07, 2.78, 95.0, True)]),
    ("the rate of severe exacerbations was lower (rate ratio was 0.36 (95% CI, 0.27 to 0.49)).",
     [("IRR", False, 0.36, 0.27, 0.49, 95.0, False)]),
    ("higher in the second group (OR, 1.860; 95% CI, 1.439 to 2.405; p < 0.001)",
     [("OR", False, 1.86, 1.439, 2.405, 95.0, True)]),
    # adjusted forms, other levels, lists, labels after the value or in brackets
    ("adjusted odds ratio (aOR) 1.8 (95% CI: 1.2, 2.7)", [("OR", True, 1.8, 1.2, 2.7, 95.0, False)]),
    ("aOR = 0.45 [95% CI 0.25-0.81]", [("OR", True, 0.45, 0.25, 0.81, 95.0, False)]),
    ("the adjusted hazard ratio was 0.50 (90% CI 0.30-0.84)",
     [("HR", True, 0.5, 0.3, 0.84, 90.0, False)]),
    ("ORs were 1.5 (1.1-2.0) and 2.3 (1.4-3.8), respectively.",
     [("OR", False, 1.5, 1.1, 2.0, 95.0, False), ("OR", False, 2.3, 1.4, 3.8, 95.0, False)]),
    ("risk difference 5.2 percentage points (95% CI, 1.1 to 9.3)",
     [("RD", False, 5.2, 1.1, 9.3, 95.0, False)]),
    ("SMD -0.35 (95% CI -0.60 to -0.10)", [("SMD", False, -0.35, -0.6, -0.1, 95.0, False)]),
    ("the between-group difference was 3.4 (95% CI 1.0 to 5.8)",
     [("difference", False, 3.4, 1.0, 5.8, 95.0, False)]),
    ("mean difference [95% CI] = 0.01 [-0.12 to 0.14] L, p = 0.9",
     [("MD", False, 0.01, -0.12, 0.14, 95.0, True)]),
    # not estimates
    ("Heart rate (HR) was recorded. HR 72 (65-80) beats per minute at rest.", []),
    ("Patients in the operating room (OR) were observed; OR 12 (10-14) min.", []),
    ("Pain fell by 12% (95% CI 5-19) with the new drug.", []),
    ("The median age was 54 years (IQR 45-63).", []),
    ("The odds ratio was 2.3 (P = 0.01).", []),
    ("Sensitivity was 0.91 (95% CI 0.85-0.95).", []),
    # printed the wrong way round: kept as printed (the checks flag it)
    ("an odds ratio of 2.0 (3.1-1.2) was reported", [("OR", False, 2.0, 3.1, 1.2, 95.0, False)]),
    ("a difference in age (18-65 years) was seen", []),
])
def test_effect_estimates(text: str, expected: list[tuple[object, ...]]) -> None:
    assert summary(text) == expected


def test_the_evidence_runs_from_the_measure_to_the_upper_bound() -> None:
    [estimate] = estimates("Survival improved (HR 0.72 (95% CI 0.61-0.85; P < .001)).")
    assert (estimate.text, estimate.start) == ("HR 0.72 (95% CI 0.61-0.85", 19)
    assert (estimate.value_decimals, estimate.lower_decimals, estimate.upper_decimals) == (2, 2, 2)


def test_the_comparison_of_the_sentence_is_named() -> None:
    [estimate] = estimates("Mortality with drug A versus placebo was lower (HR 0.72, 95% CI 0.61-0.85).")
    assert estimate.comparison == "Mortality with drug A versus placebo"


@pytest.mark.parametrize(("printed", "expected"), [("0.85", 2), ("12", 0), (".5", 1), ("-1.250", 3)])
def test_decimals(printed: str, expected: int) -> None:
    assert decimals(printed) == expected
