"""extract_sample_sizes: candidates, roles and the chosen study total, on real sentences.

Sentences come from PubMed abstracts (the PICO breast cancer and C-TrO train/dev texts).
"""

from __future__ import annotations

import pytest

from extractor.extract.result import Extraction
from extractor.extract.sample_size import extract_sample_sizes
from extractor.models import Article, SampleSize, Section
from extractor.nlp.analysis import analyse, section_kind


def _article(*sections: tuple[str | None, str], title: str = "") -> Article:
    return Article(pmid="1", title=title,
                   sections=[Section(label=label, text=text) for label, text in sections])


def sizes_of(article: Article) -> Extraction[SampleSize]:
    return extract_sample_sizes(analyse(article, tagger=None))


def _chosen(article: Article) -> SampleSize | None:
    chosen = [s for s in sizes_of(article).findings if s.chosen]
    assert len(chosen) <= 1
    return chosen[0] if chosen else None


def _chosen_value(sentence: str) -> int | None:
    chosen = _chosen(_article((None, sentence)))
    return None if chosen is None else chosen.value


def test_worked_example_efalizumab() -> None:
    article = _article(
        ("Results", "Thirteen patients received efalizumab, with treatment responses varying from "
                    "good to excellent in 12 of 13 patients."),
        ("Conclusions", "The response to treatment in 12 patients was very encouraging."),
    )
    chosen = _chosen(article)
    assert chosen is not None
    assert (chosen.value, chosen.role, chosen.text, chosen.section, chosen.section_index) == (
        13, "total", "Thirteen", "Results", 1)
    assert (chosen.start, chosen.end) == (0, 8)


def test_worked_example_unlabelled_abstract() -> None:
    article = _article((None, "Thirteen patients received efalizumab, with treatment responses "
                              "varying from good to excellent in 12 of 13 patients. The response "
                              "to treatment in 12 patients was very encouraging."))
    chosen = _chosen(article)
    assert chosen is not None
    assert (chosen.value, chosen.text) == (13, "Thirteen")


def test_conclusion_count_alone_is_not_preferred_over_results() -> None:
    article = _article(
        ("Conclusions", "The response to treatment in 12 patients was very encouraging."),
        ("Results", "Thirteen patients received efalizumab."),
    )
    chosen = _chosen(article)
    assert chosen is not None and chosen.value == 13


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # digits and words, with the nouns and verbs that make them participant counts
        ("A total of 141 patients were enrolled.", 141),
        ("Forty-one patients (82 targets) were analyzed.", 41),
        ("From November 1999 to October 2003, 1031 patients were randomly assigned to undergo "
         "sentinel lymph node biopsy (n = 515) or standard axillary surgery (n = 516).", 1031),
        ("Three hundred eighty-three insulin-treated patients were randomized.", 383),
        ("Insulin-naive adults (n=582, HbA(1c) 7.5-10.0%, BMI <or= 40.0 kg/m(2)) were randomised.", 582),
        ("Ninety-seven subjects (aged 58.7 ± 11.0 years; body mass index 26.1) were analysed.", 97),
        ("In a randomized phase II trial in 56 postmenopausal patients with progressive locally "
         "advanced or metastatic breast cancer, idoxifene was compared with tamoxifen.", 56),
        ("Seventy-nine overweight and obese premenopausal women were randomized.", 79),
        ("Hundred and forty-three patients (median age 61 years) received fulvestrant AD (n = 45), "
         "LD (n = 51) or HD (n = 47).", 143),
        ("A total of 322 BCS were randomized to either a 6-week intervention or usual care.", 322),
        ("Women (N = 62) living with Stage IV breast cancer were randomly assigned to write about "
         "cancer-related emotions (EMO; n = 31) or the facts of their diagnosis (n = 31).", 62),
        ("115 patients were eligible for this study; 59 patients in the gefitinib group and 56 "
         "patients in the placebo group.", 115),
        ("One hundred and thirty breast cancer patients were divided into 2 groups by consecutive "
         "randomization (n = 65 each).", 130),
        ("Between 1992 and 2000, 1991 patients between the ages of 26 and 81 were randomized.", 1991),
        ("From a total sample of 247 patients, 14 withdrew, leaving 112 in the intervention arm.", 247),
        ("In total, this retrospective analysis included 460 women (40% of the 1146 randomized "
         "patients).", 460),
        ("Between 1993 and 2000, 2144 (1063 ovarian ablation or suppression, 1081 no ovarian "
         "ablation or suppression) premenopausal women were entered.", 2144),  # split in brackets
        ("351 women (176 given exemestane, 175 given placebo) were included.", 351),
        ("A total of 253 randomized: 125 to receive the fixed combination and 128 to receive "
         "the unfixed combination.", 253),
        ("110 insulin-naive type 2 diabetic patients with poor glycaemic control were enrolled.", 110),
        ("Seventy-two patients were included: 34 and 38 with latanoprost and travoprost.", 72),
        ("We compared the two regimens in 255 insulin-naive patients (131 male; mean age 61.2 "
         "years).", 255),  # "131 male" is a breakdown by sex
        # the sum of listed arms when no total is printed
        ("Patients were randomly assigned to trastuzumab plus docetaxel (HT; n = 70) or T-DM1 "
         "(n = 67).", 137),
        ("Patients were randomly assigned to letrozole (2583 women) or placebo (2587 women).", 5170),
        # failures: no participant count in the sentence
        ("Patients aged 18 to 75 years received 40 mg daily for 12 weeks.", None),
        ("The response rate was 45% (P = 0.03; 95% CI 12 to 60).", None),
        ("Two patient information leaflets were tested.", None),  # "two patient", singular noun
        ("Only 69 centres randomized at least one patient.", None),  # "at least one"
        ("Tamoxifen 20 mg/day was given for 5 years in 2005.", None),
        ("Type 2 diabetic patients were treated with sitagliptin.", None),  # "type 2"
        ("Eighteen patients (44%) experienced stable disease.", None),  # a subset, not the sample
        ("The mean age was 62 years and 3 cycles were given.", None),
        ("The remaining 2 groups were randomized to whitening strips.", None),  # groups, not people
        ("Two simple cryosolutions were evaluated.", None),
        ("It is estimated that one in seven individuals are neurodivergent.", None),
        ("The GRISO 053 randomised trial was stopped early.", None),  # "053" is a name
        ("Of these groups, 1 porcelain and 1 composite set served as controls.", None),
        ("Deaths were reported at a rate of 2.07 per 1000 patient-years.", None),
    ],
)
def test_chosen_sample_size(sentence: str, expected: int | None) -> None:
    assert _chosen_value(sentence) == expected


def test_total_and_arms_roles() -> None:
    article = _article((None, "A total of 81 patients were randomly assigned to docetaxel (n = 40) "
                              "or paclitaxel (n = 41)."))
    found = [(s.value, s.role, s.chosen, s.text) for s in sizes_of(article).findings]
    assert found == [(81, "total", True, "81"), (40, "arm", False, "40"), (41, "arm", False, "41")]


def test_sum_of_arms_evidence_spans_the_listed_arms() -> None:
    text = ("Patients were randomly assigned to sentinel lymph node biopsy (n = 515) or standard "
            "axillary surgery (n = 516).")
    found = sizes_of(_article(("Methods", text))).findings
    summed = [s for s in found if s.role == "sum_of_arms"]
    assert [(s.value, s.chosen, s.text) for s in summed] == [
        (1031, True, "515) or standard axillary surgery (n = 516")]
    assert text[summed[0].start:summed[0].end] == summed[0].text


def test_methods_preferred_over_background() -> None:
    article = _article(
        ("Background", "A previous trial in 2000 women showed no benefit."),
        ("Methods", "We enrolled 120 women with early breast cancer."),
    )
    chosen = _chosen(article)
    assert chosen is not None and (chosen.value, chosen.section) == (120, "Methods")


def test_inline_headings_give_the_section_kind() -> None:
    text = ("BACKGROUND: Earlier studies included 5000 patients. METHODS: Thirty-six patients "
            "affected with pigmentary glaucoma were enrolled.")
    chosen = _chosen(_article((None, text)))
    assert chosen is not None and (chosen.value, chosen.text) == (36, "Thirty-six")


def test_title_counts_are_candidates_with_title_offsets() -> None:
    article = Article(pmid="1", title="Letrozole in 300 postmenopausal women", sections=[])
    chosen = _chosen(article)
    assert chosen is not None
    assert (chosen.value, chosen.section, chosen.section_index, chosen.start, chosen.end) == (
        300, "title", 0, 13, 16)


def test_every_candidate_points_into_its_section_text() -> None:
    article = _article(
        ("Methods", "From March 2010 through January 2012, 107 women were randomized and 102 "
                    "completed the study."),
        ("Results", "There were 43 patients in the Reusable Group and 59 patients in the "
                    "Disposable Group."),
    )
    found = sizes_of(article).findings
    texts = article.texts()
    assert [(s.value, s.role) for s in found] == [(107, "total"), (43, "arm"), (59, "arm")]
    assert [texts[s.section_index][1][s.start:s.end] for s in found] == [s.text for s in found]
    assert [s.value for s in found if s.chosen] == [107]


def test_empty_article_gives_empty_list() -> None:
    assert sizes_of(Article(pmid="1")) == ([], [])


@pytest.mark.parametrize(
    ("label", "kind"),
    [("METHODS", "methods"), ("Patients and methods", "methods"), ("RESULTS", "results"),
     ("CONCLUSIONS/INTERPRETATION", "conclusion"), ("Background", "background"),
     ("AIMS/HYPOTHESIS", "background"), ("abstract", "other"), ("Observations", "results")],
)
def test_section_kind(label: str, kind: str) -> None:
    assert section_kind(label) == kind


def test_close_call_between_two_totals_becomes_a_doubt() -> None:
    article = _article(("Results", "Sixty-one patients were allocated to FV. Sixty-eight patients "
                                   "were allocated to AI."))
    chosen = _chosen(article)
    found, doubts = sizes_of(article)
    assert chosen is not None and chosen.value == 61
    assert [s.value for s in found if s.chosen] == [61]
    assert [(d.field, d.text, d.start, d.end) for d in doubts] == [
        ("sample_size", "Sixty-eight", 41, 52)]
    assert "61" in doubts[0].reason and "68" in doubts[0].reason


def test_clear_choice_leaves_no_doubt() -> None:
    found, doubts = sizes_of(_article((None, "A total of 141 patients were enrolled; 12 patients "
                                             "withdrew.")))
    assert [s.value for s in found if s.chosen] == [141]
    assert doubts == []
