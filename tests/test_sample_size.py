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


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        # the size of every group, times the groups (EI train PMC5207750; PICO train 21925293)
        ((("Methods", "Eligible patients were randomly allocated by permuted block randomisation "
                      "to participate for six months in either an intensive or conventional "
                      "education group."),
          ("Results", "We randomised 59 participants to each group and obtained six-month HbA1c "
                      "outcomes from 53 and 51 participants in the intensive and conventional "
                      "education groups, respectively.")), (118, "sum_of_arms")),
        (((None, "Those needing axillary dissection were randomized to the use of LigaSure or to "
                 "conventional axillary dissection (with 50 patients in each group, all of whom had "
                 "a closed suction drain in the axilla)."),), (100, "sum_of_arms")),
        # ... unless a total is printed (EI train PMC5590362, PMC3544534)
        ((("Methods", "This was a clinical trial conducted among 75 full-term and near-term infants "
                      "who underwent venipuncture. The newborns were randomly allocated to the "
                      "following groups (n = 25 for each): group 1, breastfeeding; group 2, "
                      "massage; and group 3, control."),), (75, "total")),
        ((("Methods", "Sixty elderly subjects were randomly allocated into three groups of 20 "
                      "subjects per group."),), (60, "total")),
        # failure: an outcome in each group is no group's size (PICO train 15930421)
        ((("Results", "Two patients in each group died during treatment."),), None),
        # screening funnels: the enrolment verb is the second count's (EI train PMC4019890,
        # PMC3940644)
        ((("Results", "Sixty-six patients were screened and 19 enrolled of whom 14 received at least "
                      "3 doses of the vaccine and thus evaluated for the primary immunologic "
                      "endpoint."),), (19, "total")),
        ((("Methods", "Of 696 referred people who were born in 1924, 328 were randomized to an "
                      "intervention group or a control group."),), (328, "total")),
        # an event that occurred in people names no sample (EI train PMC5864139)
        ((("Methods", "All suspected cases of acute pancreatitis and pancreatic cancer were "
                      "collected prospectively for 14,671 participants during a median follow-up "
                      "time of 3 years."),
          ("Results", "Severe pancreatitis (two fatal) occurred in four individuals allocated to "
                      "receive sitagliptin.")), (14671, "total")),
        # units that are no people (EI train PMC4882812, PMC1570354; C-TrO train 19476406; PICO
        # train 29800122)
        ((("Methods", "Mixed-sex focus groups (n = 18) were conducted at T1."),), None),
        ((("Methods", "Two randomised, double blind, placebo-controlled, crossover studies were "
                      "performed."),), None),
        (((None, "Pooled data analysis of two randomized, investigator-masked, 3-month, "
                 "parallel-group studies with identical protocols (ten sites)."),), None),
        ((("Methods", "This is a secondary analysis of the Women's Health Initiative randomized "
                      "clinical trial that was conducted at 40 US clinical centers enrolling "
                      "participants from 1993 through 1998."),), None),
        # a breakdown by sex, a clause after the count, a possessive (EI train PMC5571493,
        # PMC1513142)
        ((("Methods", "We evaluated the glycemic profile in response to 4 h infusion of 500 ml of "
                      "0.9% saline versus 5% glucose solution with and without quinine at "
                      "therapeutic dose (500 mg) in ten healthy volunteers (8 men) aged 28 ± 9 "
                      "years."),), (10, "total")),
        (((None, "Twelve children with autism and learning difficulties (2 girls and 10 boys aged "
                 "between 12 years 2 months to 15 years 7 months) in a residential school "
                 "participated in a within subjects repeated measures design: 3 nights when the "
                 "children were given aromatherapy massage with lavender oil were compared with 14 "
                 "nights when it was not given. One boy's data were not analyzed owing to lengthy "
                 "absence."),), (12, "total")),
        # noun phrases: an adjective that is a noun elsewhere, a comma, a slash (EI train
        # PMC4461907, PMC5148913, PMC1334191, PMC2825665)
        ((("Methods", "Participants included ~6500 adult CHC patients with DM who were indicated "
                      "for statins/ACE-inhibitors per national guidelines."),), (6500, "total")),
        ((("Methods", "A 12-week, randomized, double-blind, parallel group study was performed in a "
                      "population of 376 randomized adult asthmatics not adequately controlled "
                      "with high dose of inhaled corticosteroids."),), (376, "total")),
        ((("Results", "20 healthy, male subjects were given a 40 energy % (en%) fat diet, high in "
                      "saturated (high-SFA, 20 en%) or unsaturated (high-USFA, 24 en%) fatty acids "
                      "for 2 periods of 3 weeks."),), (20, "total")),
        ((("Results", "One hundred and fifty-nine patients/caregivers (30 placebo; 129 AN1792) "
                      "participated in this follow-up study."),), (159, "total")),
        # failure: a comma right before the people ends the phrase (PICO test 25200949)
        ((("Results", "At all three post-intervention time points, women in the education group "
                      "had significantly higher knowledge scores than those in the control "
                      "group."),), None),
        # two groups that share one noun, summed (EI train PMC3636944, PMC4941182)
        (((None, "Thirty pregnant and 10 nonpregnant women within the age group of 20-35 years "
                 "having a probing pocket depth (PPD) of 3-4 mm were included in the study."),),
         (40, "sum_of_arms")),
        ((("Results", "2812 bDMARD-naive and 705 bDMARD-IR patients were analysed."),),
         (3517, "sum_of_arms")),
        # animals (EI train PMC1764200)
        (((None, "A double-blind trial was performed on 12 client-owned dogs suffering from acute "
                 "and painful dermatitis."),), (12, "total")),
        # nouns of people that are compounds or carry a gloss, a digit or a "sample size of" (EI
        # dev PMC3916855, PMC4339173, PMC3669105, PMC4177066)
        (((None, "A randomized, double-blind, placebo-controlled trial was conducted on 250 Orang "
                 "Asli (aboriginal) schoolchildren in Malaysia."),), (250, "total")),
        ((("Methods", "Thirty-four soccer players were randomly assigned to receive either rest "
                      "(the control group) or three 30-minute sessions of Thai massage."),),
         (34, "total")),
        ((("Results", "In 2 patients on DFO monotherapy during the study and in 1 patient on "
                      "combined therapy during follow up, heart failure deteriorated fatally. The "
                      "study was prematurely terminated due to slow recruitment and with the "
                      "achieved sample size of 20 patients there was 80% power to detect an 8.6% "
                      "difference in EF, which was not demonstrated."),), (20, "total")),
        ((("Results", "One hundred and five families were randomly allocated either to the early "
                      "(53) or to the late (52) intervention group."),), (105, "total")),
        # groups printed apart, added up (EI dev PMC3751573, PMC3790836, PMC3707768, PMC4963027;
        # PICO test 19423958)
        ((("Methods", "There were 19 and 24 students who participated in the phase I externship "
                      "program and phase II corporate-academic cooperation program, "
                      "respectively."),), (43, "sum_of_arms")),
        ((("Methods", "We applied the plaster to the skin of 20 healthy patients for 12 hours "
                      "immediately after hyaluronic acid-based procedure. A further 20 patients "
                      "underwent the same cosmetic procedure and served as control group."),),
         (40, "sum_of_arms")),
        ((("Methods", "Seventy-five HIV-1 infected patients failing first-line antiretroviral "
                      "therapy (ART) comprised the TDF+PI/r group. Seventy-five HIV-1 infected "
                      "patients matched for gender, age, and renal function made up the "
                      "control."),), (150, "sum_of_arms")),
        ((("Methods", "The IG contained 226 children and CG 181 children."),), (407, "sum_of_arms")),
        ((("Methods", "The control group consisting of 47 patients received standard radiation "
                      "therapy, and the respiratory-gated group consisting of 33 patients received "
                      "deep inspiration-gated radiation therapy."),), (80, "sum_of_arms")),
        # failures: a drop-out is no further group (PICO train 31813635), and "72 women ..., of
        # whom 37 formed the intervention group" is the total (PICO train 32243029)
        ((("Methods", "1070 were randomly assigned to receive APBI and 1065 were assigned to "
                      "receive whole breast irradiation."),
          ("Results", "In the APBI group, a further 14 patients were lost to follow-up and nine "
                      "patients withdrew during the follow-up period.")), (2135, "sum_of_arms")),
        ((("Methods", "The study included 72 women receiving radiotherapy after breast surgery, of "
                      "whom 37 formed the intervention group and 35 formed the control group."),),
         (72, "total")),
        # no count of participants at all: the groups of "x of y" counts added up (EI train
        # PMC3682809, EI dev PMC1619408), or the whole they split (EI train PMC5980265)
        ((("Results", "Retention rates were 85% (176 of 208) for control and 84% (163 of 195) for "
                      "intervention churches."),), (403, "sum_of_arms")),
        ((("Results", "The estimated proportion of patients persisting with treatment at 6 months "
                      "was 56.6% (306/541) and 38.6% (198/513) in the ibandronate/PSP and "
                      "alendronate groups, respectively."),), (1054, "sum_of_arms")),
        ((("Results", "Overall, 14/40 dogs (35%) died, with no significant (P = .507) mortality "
                      "rate difference between the fenoldopam (6/20 dogs; 30%) and placebo (8/20; "
                      "40%) groups."),), (40, "total")),
        # failure: "x of y" of no people (EI train PMC520750)
        ((("Results", "For the HAMD17 total score, the primary outcome in all studies, MMRM yielded "
                      "9/12 (75%) significant contrasts, compared with 6/12 (50%) for "
                      "LOCF_ANCOVA."),), None),
        # a subset is no sample; the group of "39 of 45" is (EI train PMC5985578)
        ((("Results", "In total, 39 of 45 patients responded (87% response rate). In the severe "
                      "osteoarthritis subset (n = 16), treatment with LMWF-5A resulted in a lower "
                      "incidence of TKR compared to saline vehicle arm (40% vs. 83%, p = 0.15)."),),
         (45, "total")),
    ],
)
def test_chosen_sample_size_in_abstracts(sections: tuple[tuple[str | None, str], ...],
                                         expected: tuple[int, str] | None) -> None:
    chosen = _chosen(_article(*sections))
    assert (None if chosen is None else (chosen.value, chosen.role)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # only counts below the usual score: the best is chosen, with a doubt (EI train
        # PMC4689520, PMC5719521)
        ("21 subjects successfully completed the study (age 68±7years; BMI 25.2±5.5kg/m2).", 21),
        ("Among 383 participants, 171 (44.6%) youth reported having ceased injection at some "
         "point during study follow-up.", 383),
        # failure: an outcome count is no fallback (PICO train 18189160)
        ("Only one patient (FEC(90)) experienced serious adverse events (vomiting and throat "
         "oedema).", None),
    ],
)
def test_weak_count_chosen_when_no_other(sentence: str, expected: int | None) -> None:
    found, doubts = sizes_of(_article(("Results", sentence)))
    assert [s.value for s in found if s.chosen] == ([] if expected is None else [expected])
    assert [(d.code, d.value) for d in doubts] == ([] if expected is None else
                                                   [("sample_size_weak", expected)])
