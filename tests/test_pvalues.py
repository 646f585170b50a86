"""extract_p_values on real abstract sentences (gold train/dev texts and saved PubMed records).

Each row: a sentence as printed in an abstract (after ``normalize_text``) and the whole list of
(operator, value, evidence text) expected from it. Failure cases sit next to the successes.
"""

from __future__ import annotations

import pytest

from extractor.extract.pvalues import extract_p_values, parse_operator
from extractor.extract.result import Extraction
from extractor.models import Article, Doubt, PValue, Section
from extractor.nlp.analysis import analyse


def _article(text: str, label: str | None = "Results", title: str = "") -> Article:
    return Article(pmid="1", title=title, sections=[Section(label=label, text=text)])


def p_values_of(article: Article) -> Extraction[PValue]:
    return extract_p_values(analyse(article, tagger=None))


def _found(text: str) -> list[tuple[str, float, str]]:
    return [(p.operator, p.value, p.text) for p in p_values_of(_article(text)).findings]


def _doubts(text: str) -> list[tuple[str, str]]:
    return [(d.reason, d.text) for d in p_values_of(_article(text)).doubts]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The worked example (efalizumab in cutaneous lupus).
        (
            "There was a significant reduction in the cutaneous lupus activity and severity score "
            "(CLASS) score after therapy with efalizumab (P = .002).",
            [("=", 0.002, "P = .002")],
        ),
        # Plain forms, upper and lower case, with and without spaces (C-TrO abstracts).
        (
            "Patients treated with saxagliptin versus placebo had significantly greater reductions "
            "in adjusted mean HbA(1c) (difference: -0.41%, p < 0.0001), postprandial glucose (PPG) "
            "180-minute area under the curve (-3829.8 mg.min/dL, p = 0.0011), and 120-minute PPG "
            "(-23.0 mg/dL, p = 0.0016) at 24 weeks.",
            [("<", 0.0001, "p < 0.0001"), ("=", 0.0011, "p = 0.0011"), ("=", 0.0016, "p = 0.0016")],
        ),
        (
            "Mean IOP at 8 AM was lower with latanoprost (18.9 vs 21.2 mm Hg; p<0.001).",
            [("<", 0.001, "p<0.001")],
        ),
        (
            "For all the 3 timepoints between 18:00 and 02:00, the brinzolamide/timolol FC provided "
            "a significantly lower IOP than the brimonidine/timolol FC (P≤0.036).",
            [("<=", 0.036, "P≤0.036")],
        ),
        (
            "No differences were observed in lymphedema between groups (6.7% vs 10%, p > 0.99).",
            [(">", 0.99, "p > 0.99")],
        ),
        # Typed-out comparators of older abstracts: "<or=", "< or =", "> or =".
        (
            "... -3.9 +/- 2.6 mm Hg (15%) for unoprostone (25.5 +/- 3.3 mm Hg at baseline to "
            "21.6 +/- 4.0 mm Hg; P <or=.001.",
            [("<=", 0.001, "P <or=.001")],
        ),
        (
            "After 6 months, both drugs significantly reduced IOP at every time point (p< or =0.001).",
            [("<=", 0.001, "p< or =0.001")],
        ),
        (
            "No significant between-group differences were observed in IOP at baseline, at 09:00, "
            "13:00 or 16:00 h (p> or =0.741).",
            [(">=", 0.741, "p> or =0.741")],
        ),
        # Spelled-out comparators.
        (
            "Ocular pulsatile flow was increased after treatment with levobunolol (13.3%) "
            "(P less than .006) in glaucomatous eyes and (12.3%) (P greater than .05) in healthy eyes.",
            [("<", 0.006, "P less than .006"), (">", 0.05, "P greater than .05")],
        ),
        # "= <" printed together: the second sign is the comparison.
        (
            "The model fitted well (chi2/df = 2.1, p = <0.001, CFI = 0.95).",
            [("<", 0.001, "p = <0.001")],
        ),
        # A colon after the P (C-TrO gold text "P: < 0.001").
        (
            "The IOP reduction was greater with the fixed combination (P: < 0.001).",
            [("<", 0.001, "P: < 0.001")],
        ),
        # Thin spaces mapped to spaces leave two spaces: "P  < .0001".
        (
            "Changes were statistically significant in favour of BB treatment ( P  < .0001).",
            [("<", 0.0001, "P  < .0001")],
        ),
        # Powers of ten (pico_breast_cancer 27717303 and 32915777); "^" from <sup> in the XML.
        (
            "The duration of progression-free survival was significantly longer in the ribociclib "
            "group (hazard ratio, 0.56; 95% CI, 0.43 to 0.72; P=3.29×10-6 for superiority).",
            [("=", 3.29e-06, "P=3.29×10-6")],
        ),
        (
            "corroborated this observation for HDL (OR = 1.06, 95% CI = 1.03-1.10, P = 4.9 × 10-4) "
            "and also found a relationship between LDL and BC risk (OR = 1.03, P = 0.02).",
            [("=", 0.00049, "P = 4.9 × 10-4"), ("=", 0.02, "P = 0.02")],
        ),
        ("Variant rs12345 was associated with risk (P = 2 × 10^-5).", [("=", 2e-05, "P = 2 × 10^-5")]),
        ("Variant rs12345 was associated with risk (P = 2 x 10(-5)).", [("=", 2e-05, "P = 2 x 10(-5)")]),
        ("The locus reached genome-wide significance (P = 2.1e-5).", [("=", 2.1e-05, "P = 2.1e-5")]),
        # spaced around the "e", as statcheck's test suite prints them (read as 1.23 and
        # dropped as out of range before); a space before an "e" with no minus after it is a word
        ("Scores differed, t(28) = 4.49, p = 1.23 e-4.", [("=", 0.000123, "p = 1.23 e-4")]),
        ("Scores differed, t(28) = 4.49, p = 1.23 e -4.", [("=", 0.000123, "p = 1.23 e -4")]),
        ("Pain fell in both arms (p = 0.05 each).", [("=", 0.05, "p = 0.05")]),
        ("The locus reached genome-wide significance (P < 10^-8).", [("<", 1e-08, "P < 10^-8")]),
        ("The locus reached genome-wide significance (P < 10\u207b\u2078).", [("<", 1e-08, "P < 10\u207b\u2078")]),
        # Middle dot (Lancet) and Unicode minus, when the text was not normalised.
        (
            "72 (52·6%) of 137 patients achieved their target in the vildagliptin group (adjusted "
            "odds ratio 3·16, 96·2% CI 1·81-5·52; p<0·0001).",
            [("<", 0.0001, "p<0·0001")],
        ),
        ("The association was strong (P = 2 × 10\u22125).", [("=", 2e-05, "P = 2 × 10\u22125")]),
        # Decimals split by a stray space in the source text (bc5cdr).
        (
            "A significant improvement of the neurological score was found for the high-dose group "
            "(beta=0.49, P=0. 048).",
            [("=", 0.048, "P=0. 048")],
        ),
        # Decimal comma.
        (
            "The development of lymphedema was found to be statistically significant "
            "(χ2 = 25,943; p = 0,000).",
            [("=", 0.0, "p = 0,000")],
        ),
        # "0.000" as statistics software prints it is kept; a bare "0" ("P = 0.", "P < 0") has
        # lost its digits and is a doubt, not a P value of exactly 0 (see test_doubts).
        ("Mortality fell in the treated group (P = 0.000).", [("=", 0.0, "P = 0.000")]),
        ("Mortality fell in the treated group (P = 0.).", []),
        ("Mortality fell in the treated group (P < 0).", []),
        ("Pain and sleep improved (P = 0.01 and 0, respectively).", [("=", 0.01, "P = 0.01")]),
        # Words naming the P value: "P value", "p-value of", "P for trend", "Pinteraction" ...
        (
            "Mean change was 0.9% (95% CI -0.4, 1.9) in the candesartan group in the "
            "intention-to-treat analysis (P-value for between-group difference: 0.026).",
            [("=", 0.026, "P-value for between-group difference: 0.026")],
        ),
        ("The difference was significant, with a p-value of 0.03.", [("=", 0.03, "p-value of 0.03")]),
        ("The P value was 0.03 for the primary end point.", [("=", 0.03, "P value was 0.03")]),
        (
            "The reduction was larger in the treated group (p value of less than 0.05).",
            [("<", 0.05, "p value of less than 0.05")],
        ),
        (
            "Adjusted relative risks of coronary artery disease were 1.0, 0.81, 0.99, 1.26, and 1.91 "
            "(P for trend = 0.01) and of stroke were 1.0, 0.52, 1.23, 2.22, and 2.57 "
            "(P for trend < 0.01).",
            [("=", 0.01, "P for trend = 0.01"), ("<", 0.01, "P for trend < 0.01")],
        ),
        (
            "More daylight hours spent outdoors was associated with lower risk of TNBC "
            "(TNBC OR: 0.53; 95% CI: 0.31, 0.91; P-trend = 0.02).",
            [("=", 0.02, "P-trend = 0.02")],
        ),
        (
            "Higher exposure was associated with goiter (ORQ4=4.76, 95% CI 1.53 to 14.82, "
            "ptrend <0.01), higher TSH (ptrend=0.01) and lower T4 (p trend < 0.05).",
            [("<", 0.01, "ptrend <0.01"), ("=", 0.01, "ptrend=0.01"), ("<", 0.05, "p trend < 0.05")],
        ),
        (
            "GTE supplementation significantly reduced PMD by 4.40% (P = 0.05), but had no effect "
            "in older women (Pinteraction = 0.07).",
            [("=", 0.05, "P = 0.05"), ("=", 0.07, "Pinteraction = 0.07")],
        ),
        (
            "whereas an opposite trend was found in the 28 women with insulin resistance "
            "(+5%, IQR: 0-15 on placebo, P-interaction=0.1).",
            [("=", 0.1, "P-interaction=0.1")],
        ),
        (
            "the effects were markedly stronger for women with baseline estradiol levels greater "
            "than the median (odds ratio = 0.78; 95% CI = 0.16 to 3.79; P(interaction) = .04).",
            [("=", 0.04, "P(interaction) = .04")],
        ),
        (
            "compared with 0.48 (0.40-0.59) for intermediate/high (p[interaction] = .01).",
            [("=", 0.01, "p[interaction] = .01")],
        ),
        (
            "an interaction was detected between fenretinide treatment and menopausal status in "
            "both outcomes (P for interaction in both outcomes =.045).",
            [("=", 0.045, "P for interaction in both outcomes =.045")],
        ),
        (
            "(incidence difference, -6.0%; 95% confidence interval, -17.2% to 5.2%; "
            "P for equivalence = .04).",
            [("=", 0.04, "P for equivalence = .04")],
        ),
        (
            "crease in bone density per month (βoverall = .04; P = .002) with the largest effect.",
            [("=", 0.002, "P = .002")],
        ),
        # "two-sided" before the P is not part of the evidence.
        (
            "The data indicated that PFS was shorter with sunitinib than capecitabine (median 2.8 vs. "
            "4.2 months, respectively; HR, 1.47; 95% CI, 1.16-1.87; two-sided P = 0.002).",
            [("=", 0.002, "P = 0.002")],
        ),
        # Lists: each value its own finding with its own span.
        (
            "Postoperative drainage magnitude and duration were significantly reduced in the "
            "experimental group (P = 0.008 and 0.003, respectively).",
            [("=", 0.008, "P = 0.008"), ("=", 0.003, "0.003")],
        ),
        (
            "less nausea and vomiting (P = .029 and .031, respectively) and less pain "
            "(P = .003 and .011, respectively) compared with UC.",
            [("=", 0.029, "P = .029"), ("=", 0.031, ".031"), ("=", 0.003, "P = .003"),
             ("=", 0.011, ".011")],
        ),
        (
            "Letrozole increased urine N-telopeptide at 6, 12, and 24 months "
            "(P = .054, < .001, and .016, respectively).",
            [("=", 0.054, "P = .054"), ("<", 0.001, "< .001"), ("=", 0.016, ".016")],
        ),
        (
            "Differences were significant at weeks 4, 8 and 12 (P < 0.05, 0.01 and 0.001 "
            "respectively).",
            [("<", 0.05, "P < 0.05"), ("<", 0.01, "0.01"), ("<", 0.001, "0.001")],
        ),
        (
            "There was no significant difference between the 2 groups (P=0.102, 0.098, 0.089, "
            "respectively).",
            [("=", 0.102, "P=0.102"), ("=", 0.098, "0.098"), ("=", 0.089, "0.089")],
        ),
        (
            "increased by 26% and the response to CO (2) by 65% (P < 0. 002, < 0. 04 and < 0. 02, "
            "respectively).",
            [("<", 0.002, "P < 0. 002"), ("<", 0.04, "< 0. 04"), ("<", 0.02, "< 0. 02")],
        ),
        # ... but numbers after a P value that are not P values stay out of the list.
        (
            "Corresponding 4-year distant DFS was 96.3% and 94.9% (HR 0.80, 95% CI 0.62-1.03, "
            "P = 0.082).",
            [("=", 0.082, "P = 0.082")],
        ),
        (
            "(HR 1.33; 95% CI, 1.15 to 1.54; P = .0001 for DFS; and HR 1.40; 95% CI, 1.17 to 1.67; "
            "P = .0003 for OS).",
            [("=", 0.0001, "P = .0001"), ("=", 0.0003, "P = .0003")],
        ),
        (
            "LEmin did not differ from LT (P = 0.71; ES: 0.08) and was 27% lower than MLSS "
            "(P < 0.001; ES: 3.54).",
            [("=", 0.71, "P = 0.71"), ("<", 0.001, "P < 0.001")],
        ),
        # Not P values: no P, or a P that is part of a name, a page or a gene.
        (
            "This prompted us to study the brain expression of P-glycoprotein (Pgp), a major drug "
            "efflux transporter in many tissues.",
            [],
        ),
        (
            "Expression of p300 increased the cardiac level of bcl-2 and mdm-2, but not that of p53 "
            "or other members of the bcl-2 family.",
            [],
        ),
        (
            "In this randomised, double-blind, parallel-group, multinational phase 3 study, patients "
            "aged 70 years or older were randomised.",
            [],
        ),
        ("©2018 AACR. See related editorial by Fabian and Kimler, p. 187.", []),
        ("Kinzler (eds.), The Genetic Basis of Human Cancer, pp. 455-473, McGraw-Hill, 1998.", []),
        (
            "Autoantibodies against P450 2E1 or P58, previously associated with halothane "
            "hepatitis, were detected in the serum of five affected workers.",
            [],
        ),
        ("Arterial PO2 decreased in both groups (PO2 = 0.5 kPa lower).", []),
        ("Patients carrying the P2Y12 variant (P2Y12 = 0.3 of all alleles) were excluded.", []),
        (
            "Raloxifene did not increase risk for cataracts (RR 0.9; 95% CI 0.8-1.1) or "
            "endometrial cancer (HR 0.5; 95% CI 0.3-2.7).",
            [],
        ),
        ("Mean IOP values were similar at baseline (IOP = 0.5 mm Hg difference).", []),
        ("PURPOSE: To compare the efficacy of two drugs.", []),
        ("The treatment effect was larger in group P (P 450 mg daily).", []),
        ("Similarity between the two groups (G: 7/23 = 30.4%; P: 6/20 = 30%).", []),
        ("Patients in group P: 0.5 mg/kg propofol and in group K: 1 mg/kg ketamine.", []),
        # "NS" is no value.
        (
            "Insulin dose after 3 months was comparable in both groups (GLA vs. NPH: 23.6 +/- 13.4 "
            "vs. 23.3 +/- 12.7; p = NS ).",
            [],
        ),
        # A result near the word "considered" stays a result (no threshold; see below).
        (
            "HbA1c fell more with the add-on (P < 0.001) and was considered clinically relevant.",
            [("<", 0.001, "P < 0.001")],
        ),
    ],
)
def test_extract_p_values(sentence: str, expected: list[tuple[str, float, str]]) -> None:
    assert _found(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "thresholds"),
    [
        # A significance level the methods state is listed as printed, marked as a threshold
        # (a reviewer lists it as a P value; no check reads it, and it says nothing).
        ("A P value < 0.05 was considered statistically significant.", [True]),
        ("Results with two-sided P values of.05 or less were statistically significant.", [True]),
        ("Statistical significance was set at P < 0.05.", [True]),
        ("HbA1c fell more with the add-on (P < 0.001) and was considered clinically relevant.",
         [False]),
        ("Mortality fell (P = .03); P < .05 was considered significant.", [False, True]),
    ],
)
def test_a_significance_threshold_is_a_p_value_marked_as_one(sentence: str,
                                                             thresholds: list[bool]) -> None:
    found, doubts = p_values_of(_article(sentence))
    assert [p.threshold for p in found] == thresholds
    assert all(p.significance is None for p in found if p.threshold)
    assert doubts == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The difference was P = 1.5 in the crude model.", [("P value 1.5 outside [0, 1]", "P = 1.5")]),
        ("The trend was weak (P < 5).", [("P value 5 outside [0, 1]", "P < 5")]),
        (
            "Exercise failed to improve the bone remodeling index (Cohen's d = 0.21; p = 31).",
            [("P value 31 outside [0, 1]", "p = 31")],
        ),
        (
            "defined as the same 3 or more points with a negative slope ≥-1 dB/year at P<5%, on 3 "
            "consecutive tests.",
            [("P value written as a percentage", "P<5%")],
        ),
        (
            "Percentages of patients achieving a target IOP of <18 mmHg were 85% following BrTFC "
            "and 60% following DTFC (p = NS [not significant]).",
            [("P value given as not significant, no number", "p = NS")],
        ),
        (
            "mean (SEM) IOP reductions for travoprost and latanoprost/timolol were 7.0 (0.5) and "
            "6.4 (0.5) mm Hg, respectively (P = NS).",
            [("P value given as not significant, no number", "P = NS")],
        ),
        # A bare zero: the digits after the point are lost ("P = 0."), never a P value of 0.
        ("Mortality fell in the treated group (P = 0.).",
         [("P value printed as 0, no significant digit", "P = 0")]),
        ("Mortality fell in the treated group (P < 0).",
         [("P value printed as 0, no significant digit", "P < 0")]),
        ("Pain and sleep improved (P = 0.01 and 0, respectively).",
         [("P value printed as 0, no significant digit", "0")]),
        # Not doubts: "PNS" (peripheral nervous system) and a plain result.
        ("Krox20 knockout mice display hypomyelination of the PNS and a block of Schwann cells.", []),
        ("Pain fell with efalizumab (P = .002).", []),
    ],
)
def test_doubts(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _doubts(sentence) == expected


def test_worked_example_whole_record() -> None:
    sentence = (
        "There was a significant reduction in the cutaneous lupus activity and severity score "
        "(CLASS) score after therapy with efalizumab (P = .002)."
    )
    text = "Twelve patients were treated. " + sentence + " No serious adverse events occurred."
    article = _article(text, label="RESULTS", title="Efalizumab in cutaneous lupus (P = .04).")
    start = text.index("P = .002")
    assert p_values_of(article).findings == [
        PValue(text="P = .04", start=31, end=38, section="title", section_index=0,
               operator="=", value=0.04, sentence="Efalizumab in cutaneous lupus (P = .04)."),
        PValue(text="P = .002", start=start, end=start + 8, section="RESULTS", section_index=1,
               operator="=", value=0.002, sentence=sentence),
    ]


def test_unlabelled_section_and_offsets_point_into_the_text() -> None:
    article = Article(
        pmid="1",
        sections=[
            Section(text="Pain fell (p<0.001)."),
            Section(label="CONCLUSIONS", text="No P value here."),
            Section(text="Sleep improved (P = 0.03 and 0.04, respectively)."),
        ],
    )
    found = p_values_of(article).findings
    assert [(p.section, p.section_index, p.start, p.end, p.text) for p in found] == [
        ("abstract", 1, 11, 18, "p<0.001"),
        ("abstract", 3, 16, 24, "P = 0.03"),
        ("abstract", 3, 29, 33, "0.04"),
    ]
    texts = article.texts()
    assert [texts[p.section_index][1][p.start:p.end] for p in found] == [p.text for p in found]


def test_no_abstract_gives_an_empty_list() -> None:
    assert p_values_of(Article(pmid="1", title="", sections=[])) == ([], [])


def test_doubts_are_kept_apart_from_the_findings() -> None:
    text = "The crude P = 1.5 is an error, the adjusted P = 0.02 is not."
    found, doubts = p_values_of(_article(text))
    assert [(p.operator, p.value, p.text) for p in found] == [("=", 0.02, "P = 0.02")]
    assert doubts == [
        Doubt(field="p_values", code="p_out_of_range", reason="P value 1.5 outside [0, 1]",
              value=1.5, bound=1.0, text="P = 1.5", section="Results", section_index=1, start=10,
              end=17)
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (None, "="), ("=", "="), ("<", "<"), (">", ">"), ("≤", "<="), ("≥", ">="),
        ("<=", "<="), ("=<", "<="), (">/=", ">="), ("< or =", "<="), ("<or=", "<="),
        ("> or =", ">="), ("= <", "<"), ("less than", "<"), ("greater than", ">"),
        ("less than or equal to", "<="), ("below", "<"), ("equal to", "="),
    ],
)
def test_parse_operator(written: str | None, expected: str) -> None:
    assert parse_operator(written) == expected
