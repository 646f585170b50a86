"""extract_response_counts on real sentences: what is a count of responders, and what is not.

Sentences come from PubMed abstracts (PICO breast cancer and C-TrO train/dev texts).
"""

from __future__ import annotations

import pytest

from extractor.extract.arms import extract_arms
from extractor.extract.responses import extract_response_counts
from extractor.extract.result import Extraction
from extractor.extract.sample_size import extract_sample_sizes
from extractor.models import Article, ResponseCount, Section
from extractor.nlp.analysis import analyse

# A Methods sentence that gives the study size, for counts printed without their group.
_METHODS = "A total of 1000 patients were randomized."


def counts_of(article: Article) -> Extraction[ResponseCount]:
    """The response counts of ``article``, given its sample sizes as ``extract`` does."""
    analysed = analyse(article, tagger=None)
    sizes = extract_sample_sizes(analysed).findings
    return extract_response_counts(analysed, sizes, extract_arms(analysed, sizes, []).findings)


def _article(*texts: str) -> Article:
    return Article(pmid="1", sections=[Section(label=None, text=text) for text in texts])


def _counts(sentence: str) -> list[tuple[int, int, float | None, str]]:
    found = counts_of(_article(sentence)).findings
    return [(c.responders, c.total, c.percent, c.text) for c in found]


def _counts_with_study(sentence: str) -> list[tuple[int, int | None, str]]:
    found = counts_of(_article(_METHODS, sentence)).findings
    return [(c.responders, c.total, c.text) for c in found if c.section_index == 2]


def _without_group(*texts: str) -> list[tuple[int, int | None, str]]:
    """The counts of the last text kept as ``count_without_group`` doubts: (responders, the
    group size a printed percent implies or None, evidence)."""
    doubts = counts_of(_article(*texts)).doubts
    return [(int(d.value or 0), None if d.bound is None else int(d.bound), d.text) for d in doubts
            if d.code == "count_without_group" and d.section_index == len(texts)]


def test_worked_example_efalizumab() -> None:
    article = Article(pmid="1", sections=[
        Section(label="Results", text="Thirteen patients received efalizumab, with treatment "
                "responses varying from good to excellent in 12 of 13 patients."),
        Section(label="Conclusions", text="The response to treatment in 12 patients was very "
                "encouraging."),
    ])
    found = counts_of(article).findings
    first = found[0]
    assert (first.responders, first.total, first.text, first.section, first.section_index) == (
        12, 13, "12 of 13", "Results", 1)
    assert article.texts()[1][1][first.start:first.end] == "12 of 13"
    # "Thirteen patients received" is the sample, never a response count
    assert all(c.text != "Thirteen" for c in found)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # x of y, x out of y, x (p%) of y
        ("Successful hair preservation was found in 48 of 95 women with cooling.",
         [(48, 95, None, "48 of 95")]),
        ("A remarkable change in iris color was observed in both eyes of 1 of the 18 patients "
         "treated with latanoprost and none of the 18 patients who received timolol.",
         [(1, 18, None, "1 of the 18"), (0, 18, None, "none of the 18")]),
        ("Complete response was seen in 12 out of 13 patients.", [(12, 13, None, "12 out of 13")]),
        ("A sentinel node was identified in 57 (90%) of 63 PB group patients.",
         [(57, 63, 90.0, "57 (90%) of 63")]),
        ("Thirty-nine of the 221 women in the HT arm had a recurrence.",
         [(39, 221, None, "Thirty-nine of the 221")]),
        # x/y, with the percent printed after it
        ("A pCR was observed in 17% (12/71) of patients treated with gefitinib.",
         [(12, 71, None, "12/71")]),
        ("Fear of adverse effects was the most common refusal reason (57/156; 36%).",
         [(57, 156, 36.0, "57/156")]),
        ("pCR rates were 6.8 % (3/45) and 17.6 % (9/51) in TC and TEC groups.",
         [(3, 45, None, "3/45"), (9, 51, None, "9/51")]),
        # the group printed first, then the responders (EI train PMC2825665, PMC4019890)
        ("Of the 129 AN1792-treated patients, 25 were classified in the phase 2a study as antibody "
         "responders.", [(25, 129, None, "25")]),
        # PICO train: the counts listed after "Of the 31 evaluable cases," share its group
        ("Of the 31 evaluable cases, 1 achieved complete remission (CR), 9 achieved partial "
         "remission (PR) and 11 had stable disease.",
         [(1, 31, None, "1"), (9, 31, None, "9"), (11, 31, None, "11")]),
        ("Sixty-six patients were screened and 19 enrolled of whom 14 received at least 3 doses of "
         "the vaccine and thus evaluated for the primary immunologic endpoint.",
         [(14, 19, None, "14")]),
        ("Of the total of 48 patients who participated, 40 completed the trial [24 men (60%), mean "
         "age, 21.0 ± 4.2 years; 16 women (40%), mean age, 20.1 ± 4.3 years].",
         [(40, 48, None, "40")]),  # EI dev PMC4488565
        # ... but not a group of things, and not an allocation (EI train PMC5791588, PMC3940644)
        ("Of 15 serious AEs, none were considered vaccination-related; 1 led to study withdrawal "
         "(premature labor, day 364; aP4 group).", []),
        ("Of 696 referred people who were born in 1924, 328 were randomized to an intervention "
         "group or a control group.", []),
        # x of y and x/y of people who went through the trial are counts a reviewer pools (EI
        # train PMC2887326, PMC5850960, PMC3682809)
        ("Seventy-seven out of 91 enrolled patients completed the 24-week treatment course "
         "(Hochu-ekki-to: n = 37, placebo: n = 40).", [(77, 91, None, "Seventy-seven out of 91")]),
        ("11/18 patients completed treatments as per protocol.", [(11, 18, None, "11/18")]),
        ("Retention rates were 85% (176 of 208) for control and 84% (163 of 195) for intervention "
         "churches.", [(176, 208, None, "176 of 208"), (163, 195, None, "163 of 195")]),
        # ... and people the word lists do not know (EI train PMC3425748, PMC3576519)
        ("The control group, 121 out of 166 physicians, responded to the questionnaire, with an 83% "
         "response rate, men forming 49%.", [(121, 166, None, "121 out of 166")]),
        # failures: units that are no participants (EI train PMC2825665, PMC3474842, PMC520750)
        ("Low but detectable, sustained anti-AN1792 titers were found in 17 of 19 samples obtained "
         "from patients classified as antibody responders in the phase 2a study.", []),
        ("During that time, influenza was confirmed as the cause of nine of the 23 ILI outbreaks "
         "that occurred amongst the 16 ACFs.", []),
        ("In 110/202 comparisons (54.4%) the p-value from MMRM was lower than that from "
         "LOCF_ANCOVA.", []),
        # ... but in an allocation sentence "n =" is an arm's size and the percent a concentration
        ("Patients on latanoprost 0.005% monotherapy requiring additional IOP lowering were "
         "randomised to bimatoprost 0.03% (n = 131) or travoprost 0.004% (n = 135).", []),
        # an allocation sentence with no outcome counts who took part
        ("Of the 135 centers that had expressed an interest in the trial, only 69 randomized at "
         "least one patient (35/68 in the Visited group, 34/67 in the Non-visited group).", []),
        # failures: notation that looks like a count and is not one
        # counts whose percents make up one whole group split the sample ...
        ("Records were extracted for 652 patients: 360 (55.2%) treated with palbociclib + AI and "
         "292 (44.8%) treated with palbociclib + fulvestrant.", []),
        # failures: the sample described, not an outcome
        ("Forty-nine women (86%) provided follow-up data.", []),
        ("Thirty-five patients (25.0%) were clinical stage III or IV; 55 (38.7%) had axillary lymph "
         "nodes affected.", []),
        ("Between 09/92 and 12/96, 61 patients with chemosensitive metastatic breast cancer were "
         "randomised.", []),  # month/year range
        ("Patients were treated from 12/13/2005 to 1/14/2006.", []),  # dates
        ("Grade 3/4 neutropenia was the most common toxicity.", []),  # toxicity grade
        ("This phase 2/3 trial enrolled women with stage III/IV disease.", []),
        ("Patients with GCS 3/15 on admission were excluded.", []),
        ("Blood pressure was 120/80 mmHg.", []),
        ("Doses of 5/10 mg were compared.", []),
        ("Each patient received 1 of 3 arms of treatment.", []),
        ("Symptoms were present in 2 of 4 weeks.", []),
        ("The response rate was 45% (P = 0.03; 95% CI 12 to 60).", []),
        ("Median pain scores were 1/10 for CNB.", []),  # a score out of ten
        ("The cyclin-dependent kinase 4/6 inhibitor palbociclib was given.", []),
        ("The study ran from 1/2011 to 6/2012.", []),  # month/year
        ("Thirteen patients received efalizumab.", []),  # the sample, not a response
    ],
)
def test_response_counts(sentence: str, expected: list[tuple[int, int, float | None, str]]) -> None:
    assert _counts(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # counts printed without a group: the total is unknown (None), never guessed
        ("Two patients developed a haematoma after VAB.", [(2, None, "Two")]),
        ("A positive SLN was found in 27 patients in the ALND arm and in 31 in the SLNB arm.",
         [(27, None, "27"), (31, None, "31")]),
        ("Significantly fewer patients required additional antiemetic medication (21 vs. 8; "
         "p = 0.01).", [(21, None, "21"), (8, None, "8")]),
        ("Severe hypoglycaemia was higher for ILPS vs. glargine (n = 9 vs. n = 2; p = 0.04).",
         [(9, None, "9"), (2, None, "2")]),
        ("There were 93 deaths in the exemestane group and 106 in the tamoxifen group.",
         [(93, None, "93"), (106, None, "106")]),
        ("There were 1 CR, 5 PR, 19 SD, and 9 PD in control group.",
         [(1, None, "1"), (5, None, "5"), (19, None, "19"), (9, None, "9")]),
        ("There were 28 VTEs on placebo and 44 on tamoxifen therapy.",
         [(28, None, "28"), (44, None, "44")]),
        # failures: no outcome, or not a count of people
        ("All the 40 patients had no contraindication for surgery.", []),
        ("Pain scores were 3 or more in the PACU.", []),
        ("110 patients were assigned to the SLNB arm.", []),
        ("Patients received 40 mg daily for 12 weeks.", []),
        ("Treatment continued for 5 years in 150 women.", []),  # no outcome in the sentence
        # a count that is most of the study is a group, not an outcome
        ("Safety data and adverse events were available from 900 patients.", []),
        ("Annual rates were 2.48 and 2.07 events per 1000 women-years.", []),
        ("Breast cancer affects 1 in 10 women, and 40 patients developed lymphoedema.",
         [(40, None, "40")]),
        ("Ten percent had at least one vomiting episode.", []),
        ("Serious adverse events were reported in 22 and 30 patients, respectively.",
         [(22, None, "22"), (30, None, "30")]),
        ("After follow-up, 136 women (74 placebo, 62 tamoxifen) developed breast cancer.",
         [(74, None, "74"), (62, None, "62")]),
        # the split may follow an abbreviation in brackets
        ("At median follow-up of 64 months (range 16-95), 399 recurrences or contralateral breast "
         "cancers (CLBCs) (164 letrozole and 235 placebo) occurred.",
         [(164, None, "164"), (235, None, "235")]),
        # a total the rest of the sentence splits by arm is left out, its parts kept
        ("Overall, there were 21 local relapses, with 2 relapses in the radiotherapy group (5-y rate "
         "0.4%) vs. 19 in the no-radiotherapy group (5.1%).", [(2, None, "2"), (19, None, "19")]),
        ("Radiotracer migration failure occurred in 8 cases (one in the INTRA group and 7 in the "
         "PERI group).", [(1, None, "one"), (7, None, "7")]),
        # "no" counts zero only when placed in one group
        ("At a median follow-up of 5.5 years, no axillary recurrence was observed in the SLNB arm.",
         [(0, None, "no")]),
        ("No patient in the experimental arm developed OM > G1.", [(0, None, "No")]),
        ("In contrast, no objective responses were seen with the increased dose.", []),
        ("There were no deaths during study.", []),
        # "v" compares two counts as "vs" does
        ("Tamoxifen decreased contralateral breast events by 75% (three v 12 events; hazard ratio, "
         "0.25).", [(3, None, "three"), (12, None, "12")]),
        # arms named before or after their counts, in brackets (not "IQR 4·1-7·7", "HR 0·96")
        ("The overall frequency of breast cancer is the same for women on tamoxifen or placebo "
         "(tamoxifen 34, placebo 36, relative risk 1.06 [95% CI 0.7-1.7], p=0.8).",
         [(34, None, "34"), (36, None, "36")]),
        ("No significant difference in deaths was observed overall (69 vs 70, HR 0·96, 95% CI "
         "0·69-1·34, p=0·82) or for breast cancer (two anastrozole vs three placebo).",
         [(69, None, "69"), (70, None, "70"), (2, None, "two"), (3, None, "three")]),
        ("After a medium follow-up of 5·8 years (IQR 4·1-7·7), 35 patients in the intraoperative "
         "radiotherapy group and four patients in the external radiotherapy group had had an IBTR "
         "(p<0·0001).", [(35, None, "35"), (4, None, "four")]),
        # words between a count and its group or treatment, with or without a noun
        ("There were 12 serious adverse events with tamoxifen and 16 with placebo, including one "
         "deep vein thrombosis.", [(12, None, "12"), (16, None, "16")]),
        ("There was one false negative SNB in the PB group and two false negative results in the "
         "TM group.", [(1, None, "one"), (2, None, "two")]),
        # "grade 2 in 5 cases" is a count by grade, not a rate like "1 in 10 women"
        ("In the GJG group, grade 1 DEB-NTC was observed in 2 cases, grade 2 in 5 cases and grade "
         "3 in 5 cases.", [(2, None, "2"), (5, None, "5"), (5, None, "5")]),
        # counts side by side in two groups compare an outcome, even without an outcome word ...
        ("Six patients in group I and three in group II had SSI (p = 0.497).",
         [(6, None, "Six"), (3, None, "three")]),
        ("Three and eight disease-free survival events were observed in the trastuzumab and "
         "observation groups.", [(3, None, "Three"), (8, None, "eight")]),
        # ... but people in two groups with nothing said about them are the groups' sizes
        ("There were 63 patients in the PB group and 41 patients in the TM group.", []),
        # arm sizes inside the bracket of a described group are not outcomes
        ("Safety data were available from 369 patients (ddAT, n = 191; AC-DOC, n = 178) "
         "demonstrating that toxicity of both regimens was acceptable.", []),
        # "2 SD" after "mean +" is a standard deviation, not two stable diseases
        ("The female control group (n = 50) plasma endoglin upper limit of normal was defined as "
         "the mean + 2 SD (8.7 ng/ml).", []),
    ],
)
def test_counts_without_a_printed_group(sentence: str, expected: list[tuple[int, int, str]]) -> None:
    # never pooled: each is kept as a doubt, with no group size
    assert _counts_with_study(sentence) == []
    assert _without_group(_METHODS, sentence) == expected


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # x (p%): the group size the percent implies is printed nowhere, so the count is a doubt
        # with that size as its bound (PICO and C-TrO train)
        (("The number of patients with events was 17 (9.1%) with SB3 and 31 (17.1%) with TRZ.",),
         [(17, 187, "17 (9.1%)"), (31, 181, "31 (17.1%)")]),
        (("Serious AEs occurred in six (15.8 %) patients receiving filgrastim.",),
         [(6, 38, "six (15.8 %)")]),
        (("PMPS was diagnosed in 11 patients (11%) of the pregabalin group.",),
         [(11, 100, "11 patients (11%)")]),
        (("Grade 3 neutropenia occurred in ten [3%] patients.",), [(10, 333, "ten [3%]")]),
        (("Statistically fewer brimonidine-treated patients (9, 9.1%) had visual field "
          "progression.",), [(9, 99, "9, 9.1%")]),
        (("Breast cancer occurred in 1.5% (n = 46) in the placebo group.",), [(46, 3067, "46")]),
        (("Serious adverse events occurred in 8.6% (14) of patients in the linagliptin group.",),
         [(14, 163, "14")]),
        # a count with a percent that the rest of the sentence splits is a total, not an arm's
        (("Twenty-nine (20.9 %) patients developed an axillary seroma: 9 (13.2 %) and 20 (28.2 %) "
          "for groups A and B, respectively (p = 0.030).",),
         [(9, 68, "9 (13.2 %)"), (20, 71, "20 (28.2 %)")]),
        (("In 11 patients, an SSI developed, 3 (5.8%) from the intervention and 8 (15.4%) from the "
          "control procedure (p = 0.11).",), [(3, 52, "3 (5.8%)"), (8, 52, "8 (15.4%)")]),
        # "group 1 and 40" is a group label and a count, not a range
        (("ER status was negative in 58 cases (33%) in group 1 and 40 cases (65%) in group 2.",),
         [(58, 176, "58 cases (33%)"), (40, 62, "40 cases (65%)")]),
        # counts whose percents make up one group compared as an outcome
        (("SLNs were affected in 22 cases (51.2%) in group A and 21 (48.8%) in group B "
          "(p=0.62).",), [(22, 43, "22 cases (51.2%)"), (21, 43, "21 (48.8%)")]),
        # EI train PMC3940644: 164 is printed nowhere (328 were randomized)
        (("Of 696 referred people who were born in 1924, 328 were randomized to an intervention "
          "group or a control group.", "Sixty-five (39.6%) subjects in the intervention group and "
          "48 (29.3%) in the control group fell during follow-up."),
         [(65, 164, "Sixty-five (39.6%)"), (48, 164, "48 (29.3%)")]),
        # failure case: the size is printed (EI train PMC4545550), so the count is pooled
        (("In total, 83 patients were included and matched at the group level for systolic blood "
          "pressure.", "A total of 49 participants (59 %) met the criteria for metabolic "
          "syndrome."), []),
    ],
)
def test_percent_counts_whose_group_is_printed_nowhere(
        sentences: tuple[str, ...], expected: list[tuple[int, int, str]]) -> None:
    assert _without_group(*sentences) == expected


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # EI train PMC4545550: "49 (59 %)" implies 83, and 83 is printed
        (("In total, 83 patients were included and matched at the group level for systolic blood "
          "pressure.", "A total of 49 participants (59 %) met the criteria for metabolic "
          "syndrome."), [(49, 83, "percent")]),
        # EI train PMC2442760: 57 read back from "14%", 58 printed and agreeing
        (("Fifty-eight evaluable patients were included.", "We observed 8 (14%) complete "
          "responses, 33 (57%) partial responses, and 17 (29%) no responses, for an overall "
          "response rate of 71%."), [(8, 58, "percent"), (33, 58, "percent"), (17, 58, "percent")]),
        # failure case: "0.1%" fits any group from 6,000 to 18,000, so 14,671 is not taken (EI
        # train PMC5864139)
        (("All suspected cases were collected prospectively for 14,671 participants.",
          "Cases of pancreatic cancer were numerically fewer with sitagliptin (9 [0.1%]) versus "
          "placebo (14 [0.2%])."), []),
    ],
)
def test_percent_counts_take_the_group_size_printed(
        sentences: tuple[str, ...], expected: list[tuple[int, int, str]]) -> None:
    found = counts_of(_article(*sentences)).findings
    assert [(c.responders, c.total, c.total_source) for c in found
            if c.section_index == len(sentences)] == expected


def test_worked_example_without_headings_gives_one_count() -> None:
    article = _article("Thirteen patients received efalizumab, with treatment responses varying "
                       "from good to excellent in 12 of 13 patients. The response to treatment in "
                       "12 patients was very encouraging.")
    assert [(c.responders, c.total, c.text) for c in counts_of(article).findings] == [
        (12, 13, "12 of 13")]


def test_same_number_in_the_results_is_another_count() -> None:
    # "3 of 45" and "3 women in the control group" are different findings; only a restatement in
    # the conclusions is dropped (see test_worked_example_efalizumab).
    article = Article(pmid="1", sections=[
        Section(label="Methods", text=_METHODS),
        Section(label="Results", text=(
            "Among women with 5 or more lymph nodes removed, the proportion who experienced "
            "incident BCRL onset was 7% (3 of 45) in the weight lifting intervention group and 22% "
            "(11 of 49) in the control group. Clinician-defined BCRL onset occurred in 1 woman in "
            "the weight lifting intervention group and 3 women in the control group (1.5% vs 4.4%, "
            "P for equivalence = .12).")),
        Section(label="Conclusions", text="BCRL developed in 3 women only."),
    ])
    found, doubts = counts_of(article)
    assert [(c.responders, c.total, c.text, c.section) for c in found] == [
        (3, 45, "3 of 45", "Results"), (11, 49, "11 of 49", "Results")]
    assert [(d.value, d.text, d.section) for d in doubts] == [
        (1, "1", "Results"), (3, "3", "Results")]


def test_count_without_group_and_without_study_size_is_dropped() -> None:
    assert _counts("Two patients developed a haematoma after VAB.") == []


def test_responders_above_total_becomes_a_doubt() -> None:
    found, doubts = counts_of(_article("Toxicity was seen in 15 of 12 patients."))
    assert found == []
    assert [(d.field, d.text, d.section_index, d.start, d.end) for d in doubts] == [
        ("response_counts", "15 of 12", 1, 21, 29)]
    assert "exceed" in doubts[0].reason


def test_arm_is_attached_when_the_sentence_names_it() -> None:
    found = counts_of(_article(
        "Contralateral breast cancer occurred in 20 of 100 patients in the tamoxifen group.")).findings
    assert [(c.responders, c.arm) for c in found] == [(20, "tamoxifen")]


def test_arm_is_none_when_not_named() -> None:
    found = counts_of(_article("Responses were seen in 12 of 13 patients.")).findings
    assert [(c.responders, c.arm) for c in found] == [(12, None)]


def test_evidence_offsets_point_into_the_section() -> None:
    article = _article("Methods text.", "In arm B, SD was observed in 14 of 37 patients; "
                       "overall, six of 78 patients responded.")
    found = counts_of(article).findings
    texts = article.texts()
    assert [c.text for c in found] == ["14 of 37", "six of 78"]
    assert [texts[c.section_index][1][c.start:c.end] for c in found] == [c.text for c in found]
    assert {c.sentence for c in found} == {texts[2][1]}


def test_empty_article_gives_empty_list() -> None:
    assert counts_of(Article(pmid="1")) == ([], [])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # baseline characteristics are no responses (Evidence Inference train style)
        ("Of these, 52 participants (61%) were women and 30 (35%) were older than 65 years.", []),
        ("Of the 120 patients, 64 (53%) were male, mean age 54 years.", []),
        # an outcome of women still is one (kept as a doubt: 62 is printed nowhere)
        ("Rash developed in 5 women (8%) in the treated group.", [(5, "5 women (8%)")]),
    ],
)
def test_baseline_characteristics_are_no_responses(sentence: str,
                                                   expected: list[tuple[int, str]]) -> None:
    found, doubts = counts_of(_article(_METHODS, sentence))
    assert [(c.responders, c.text) for c in found if c.section_index == 2] == []
    assert [(d.value, d.text) for d in doubts if d.section_index == 2] == expected
