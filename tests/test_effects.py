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


# --- forms of issue 17, each a real sentence of a train split (evidence_inference "EI", PICO,
# C-TrO) unless said otherwise, with the tempting negatives beside them ------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # effect sizes and coefficients named by their symbol, the coefficients where the words
    # before them compare groups (EI PMC5553001, PMC5728271, reviewer.jsonl's PMC4882812 form)
    ("with large between-group effect sizes at postassessment (d=0.89; 95% CI 0.35-1.43)",
     [("SMD", False, 0.89, 0.35, 1.43, 95.0, False)]),
    ("compared with the parents in the control group at a 2-month follow-up: B=3.62, 95% CI 2.01 "
     "to 5.18, p<0.001.", [("coefficient", False, 3.62, 2.01, 5.18, 95.0, True)]),
    ("There were no significant differences between the two study groups for non-smoking "
     "intentions (T1: \u03b2\u2009=\u20090.02, 95\u00a0% CI\u2009=\u2009-0.08\u20130.12)",
     [("coefficient", False, 0.02, -0.08, 0.12, 95.0, False)]),
    # other ratios (EI PMC4354432, PICO 20159820, EI PMC3647148)
    ("as demonstrated by the GMRs of 1.0091 (90% CI: 0.9872, 1.0314) and 0.9355 (90% CI: 0.9028, "
     "0.9695), respectively.", [("ratio", False, 1.0091, 0.9872, 1.0314, 90.0, False),
                                ("ratio", False, 0.9355, 0.9028, 0.9695, 90.0, False)]),
    ("statistically significant reductions in estradiol (treatment effect ratio [TER] = 0.93; 95% "
     "CI, 0.88 to 0.98)", [("ratio", False, 0.93, 0.88, 0.98, 95.0, False)]),
    ("(absolute reduction 0\u00b714 [SE 0\u00b711], mortality ratio 0\u00b796, 95% CI "
     "0\u00b789\u20131\u00b703, p=0\u00b722)", [("ratio", False, 0.96, 0.89, 1.03, 95.0, True)]),
    # Lancet style, an interval after a comma with no label (EI PMC2755038, PMC3010035)
    ("(n=145; HR 0\u00b743, 0\u00b719\u20130\u00b797; p=0\u00b704).",
     [("HR", False, 0.43, 0.19, 0.97, 95.0, True)]),
    ("(progression, second relapse, disease-related deaths; HR 0\u00b756, 0\u00b734\u20130\u00b792,"
     " p=0\u00b7007)", [("HR", False, 0.56, 0.34, 0.92, 95.0, True)]),
    # absolute risk reduction, defined in the abstract as such (EI PMC4305224): an RD, not the
    # adjusted RR "ARR" usually is
    ("SPAZ reduced LBW (risk ratio [RR]: 0.74, 95% CI: 0.60\u20130.91, P = 0.005; absolute risk "
     "reduction (ARR): 4.5%, 95% CI: 1.4\u20137.6; number needed to treat: 22)",
     [("RR", False, 0.74, 0.6, 0.91, 95.0, True), ("RD", False, 4.5, 1.4, 7.6, 95.0, False)]),
    # an estimate's own bracket is no definition of its short form (PICO 26181174)
    ("though the HR remained higher than 1 (HR, 1.23; 95% CI, 0.90-1.70).",
     [("HR", False, 1.23, 0.9, 1.7, 95.0, False)]),
    # the P between the value and the interval (EI PMC5514258)
    ("Patients in the high-risk group had greater survival (hazard ratio [HR], 0.76; P = .002; 95% "
     "confidence interval [CI], 0.64-0.91)", [("HR", False, 0.76, 0.64, 0.91, 95.0, True)]),
    # the label before the value, the bounds after it (EI PMC3411720, PMC4480825)
    ("multi-nutrients seemed to increase this rate (HR; 95% CI: 1.19; 0.94\u20131.50)",
     [("HR", False, 1.19, 0.94, 1.5, 95.0, False)]),
    ("higher for OaD versus placebo [hazard ratio (HR); 95 % CI 1.9; 1.2, 3.1; p = 0.011]",
     [("HR", False, 1.9, 1.2, 3.1, 95.0, True)]),
    # units with digits, "per" units, an SD after a percent (EI PMC1865086, PICO 27551723, 9060533)
    ("mean difference from placebo: \u221228.1 cm2 (95% CI \u221249.9 to \u22126.3 cm2; p = 0.02)",
     [("MD", False, -28.1, -49.9, -6.3, 95.0, True)]),
    ("(odds ratio [OR]  =  0.65 per 5 kg/m2 increase, 95% confidence interval [CI]: 0.56-0.75)",
     [("OR", False, 0.65, 0.56, 0.75, 95.0, False)]),
    ("the mean difference (+/- SEM) between groups was 2.5% +/- 1.2%, (95% confidence interval "
     "[CI], 0.2 to 4.9) at the lumbar spine", [("MD", False, 2.5, 0.2, 4.9, 95.0, False)]),
    # other labels and separators (PICO 20830502, EI PMC3954418, PMC5588958, PMC5816600)
    ("(24 [69%]) compared with the placebo group (18 [62%]); HR = 1.19, two-sided 80% CI: "
     "0.79-1.81; two-sided P = 0.59)", [("HR", False, 1.19, 0.79, 1.81, 80.0, True)]),
    ("(odds ratio [OR] = 1.82, 95% confidence interval CI = 1.24\u20132.67, p = .002)",
     [("OR", False, 1.82, 1.24, 2.67, 95.0, True)]),
    ("(mean difference=\u221238.89 ng/100 mL tissue/min, (95% CI \u221275.47, to \u20132.305, "
     "p=0.038))", [("MD", False, -38.89, -75.47, -2.305, 95.0, True)]),
    ("(HR = 0.465: 95%CI = 0.224\u20130.965; P = 0.040)", [("HR", False, 0.465, 0.224, 0.965, 95.0, True)]),
    # effects named as such, misspelt ratios, "versus"/"over" qualifiers (EI PMC4636656,
    # PMC3681405, PMC1513406, PMC4569275)
    ("giving an intervention effect of 0.5 (95% CI \u22123.2 to 4.2).",
     [("other", False, 0.5, -3.2, 4.2, 95.0, False)]),
    ("except for stage I NSCLC (hazard radio [HR] = 0.87; 95% CI, 0.561\u20131.629; P = 0.027).",
     [("HR", False, 0.87, 0.561, 1.629, 95.0, True)]),
    ("(OR versus CQ, 0.140; 95% CI, 0.078\u20130.250; p < 0.001)",
     [("OR", False, 0.14, 0.078, 0.25, 95.0, True)]),
    ("the estimated HR over Phambili and HVTN 503-S follow-up was 1.52 (95% CI 1.08\u20132.15)",
     [("HR", False, 1.52, 1.08, 2.15, 95.0, False)]),
    # a list stops where another measure is named (EI PMC5075282)
    ("(adjusted odds ratio [OR] 1\u00b796 [95% CI 1\u00b740\u20132\u00b775]; p=0\u00b70001), with a "
     "risk difference of 9\u00b750% (95% CI 4\u00b779\u201314\u00b716).",
     [("OR", True, 1.96, 1.4, 2.75, 95.0, True), ("RD", False, 9.5, 4.79, 14.16, 95.0, False)]),
    # unnamed values first in their bracket, that the words before them compare (PICO 29361042,
    # EI PMC1488896, PMC5592353, PICO 26169621)
    ("These differences were particularly evident at weeks 24 (-1.68, 95% CI = -3.02 to -0.33) "
     "and 36 (-1.37, 95% CI = -2.69 to -0.04).",
     [("difference", False, -1.68, -3.02, -0.33, 95.0, False),
      ("difference", False, -1.37, -2.69, -0.04, 95.0, False)]),
    ("The increase in disability was not significantly different between study groups (0.08 "
     "points; 95% CI, \u22121.1\u20131.2; p = 0.75).", [("difference", False, 0.08, -1.1, 1.2, 95.0, True)]),
    ("Between group results showed statistically significant mean differences between weight "
     "(\u20133.4 kg (95% CI \u20135.5, \u20131.3)).", [("difference", False, -3.4, -5.5, -1.3, 95.0, False)]),
    ("CAU + BREATH participants reported significantly less distress than CAU-alone participants "
     "(-7.79; 95% CI, -14.31 to -1.27; P = .02)", [("difference", False, -7.79, -14.31, -1.27, 95.0, True)]),
    # --- not estimates -------------------------------------------------------------------------
    # one of a pair of group values (EI PMC5655938, PICO 18794551, 24636210, EI PMC5587887)
    ("Examiners responded to Asian-stereotypical words (716 ms, 95% confidence interval (CI) "
     "702\u2013731 ms) faster than neutral words (769 ms, 95% CI 753\u2013786 ms, p < 0.001).", []),
    ("Median progression-free survival (PFS) was longer with exemestane (9.9 months; 95% CI, 8.7 "
     "to 11.8 months) than with tamoxifen (5.8 months; 95% CI, 5.3 to 8.1 months).", []),
    ("mean change of bone mineral density in the spine at 2 years did not differ significantly "
     "between patients taking exemestane and patients taking anastrozole (-0.92%, 95% CI -2.35 to "
     "0.50 vs -2.39%, 95% CI -3.75 to -1.03; p=0.06)", []),
    ("The mean global satisfaction score was lower (P=.03) in the Internet group (68.9; 95% CI "
     "66.4-71.4) than in the telephone group (72.1; 95% CI 70.4-74.6).", []),
    # a group's own change, with no comparison in the words (EI PMC5654748)
    ("The Web 1.0 group increased physical activity at 12 months only (4.9 min/day, 95% CI 0.5 "
     "to 9.3).", []),
    # a group named "B", a correlation, a power statement, a fold change within a group, an effect
    # size with no interval (EI PMC5817800, PMC5615441, PICO 23635560, EI PMC3169777, PMC4396724)
    ("The closure rate was in group A and B: 91.6%; 95% CI 61.52\u201399.79%.", []),
    ("F(1106) = 12.72, p < .05, d = .94, r = .42 (95% CI: [.26, .57]).", []),
    ("a minimum of 26 assessable patients in each group was required (two-sided \u03b1 = 0.05, "
     "\u03b2 = 0.2).", []),
    ("Macitentan dose-dependently increased endothelin-1 concentrations up to 2.2-fold (95% CI "
     "1.4, 2.4) at a dose of 600 mg.", []),
    ("(P = 0.05, Cohen's d = 0.75).", []),
    # coefficients that compare no groups: an association, a mediation (EI PMC5812981, PICO
    # 26352186)
    ("was related to a significant change in depressive symptomatology at 12-weeks follow-up "
     "(beta=\u22124.3, 95% CI \u22127.2 to \u22121.3).", []),
    ("There was a significant indirect effect of emotional support on emotional well-being "
     "through fatalism (b = 0.21, 95% CI: 0.04, 0.51).", []),
    # a group's value after "and the <group>" (PICO 23853246)
    ("no significant difference in the rate of pCR in the ixabepilone treatment arm (24.3%; 90% "
     "confidence interval [CI], 18.6-30.8) and the paclitaxel treatment arm (25.2%; 90% CI, "
     "19.4-31.7).", []),
    # a group's own slope after its name, and paired within-group differences ("the mean of the
    # differences"): reviewer.jsonl's evidence_inference PMC5440738 and PMC4748685
    ("Both patients assigned to the text messaging adjunct (B=\u2212.29, 95% CI \u22120.38 to "
     "\u22120.19, z=\u22125.80, P<.001) and patients assigned to the control conditions "
     "(B=\u2212.20, 95% CI \u22120.32 to \u22120.07, z=\u22123.12, P=.002) experienced decreases.",
     []),
    ("significant decreases of systolic blood pressure (mean of the differences = \u20139 mmHg; "
     "p = 0.03; 95 % CI = [\u201317.29, \u20130.71]) in the intervention group", []),
])
def test_effect_estimates_of_issue_17(text: str, expected: list[tuple[object, ...]]) -> None:
    assert summary(text) == expected
