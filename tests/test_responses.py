"""extract_response_counts on real sentences: what is a count of responders, and what is not.

Sentences come from PubMed abstracts (PICO breast cancer and C-TrO train/dev texts).
"""

from __future__ import annotations

import pytest

from extractor.extract.responses import extract_response_counts
from extractor.models import Article, Doubt, Section

# A Methods sentence that gives the study size, for counts printed without their group.
_METHODS = "A total of 1000 patients were randomized."


def _article(*texts: str) -> Article:
    return Article(pmid="1", sections=[Section(label=None, text=text) for text in texts])


def _counts(sentence: str) -> list[tuple[int, int, float | None, str]]:
    found = extract_response_counts(_article(sentence))
    return [(c.responders, c.total, c.percent, c.text) for c in found]


def _counts_with_study(sentence: str) -> list[tuple[int, int | None, str]]:
    found = extract_response_counts(_article(_METHODS, sentence))
    return [(c.responders, c.total, c.text) for c in found if c.section_index == 2]


def test_worked_example_efalizumab() -> None:
    article = Article(pmid="1", sections=[
        Section(label="Results", text="Thirteen patients received efalizumab, with treatment "
                "responses varying from good to excellent in 12 of 13 patients."),
        Section(label="Conclusions", text="The response to treatment in 12 patients was very "
                "encouraging."),
    ])
    found = extract_response_counts(article)
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
        # x (p%): the group size read back from the percent
        ("The number of patients with events was 17 (9.1%) with SB3 and 31 (17.1%) with TRZ.",
         [(17, 187, 9.1, "17 (9.1%)"), (31, 181, 17.1, "31 (17.1%)")]),
        ("Serious AEs occurred in six (15.8 %) patients receiving filgrastim.",
         [(6, 38, 15.8, "six (15.8 %)")]),
        ("PMPS was diagnosed in 11 patients (11%) of the pregabalin group.",
         [(11, 100, 11.0, "11 patients (11%)")]),
        ("Grade 3 neutropenia occurred in ten [3%] patients.", [(10, 333, 3.0, "ten [3%]")]),
        ("Statistically fewer brimonidine-treated patients (9, 9.1%) had visual field progression.",
         [(9, 99, 9.1, "9, 9.1%")]),
        # p% (n = x), p% (x)
        ("Breast cancer occurred in 1.5% (n = 46) in the placebo group.", [(46, 3067, 1.5, "46")]),
        ("Serious adverse events occurred in 8.6% (14) of patients in the linagliptin group.",
         [(14, 163, 8.6, "14")]),
        # failures: notation that looks like a count and is not one
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
        ("Of the 31 evaluable cases, 1 achieved complete remission (CR), 9 achieved partial "
         "remission (PR) and 11 had stable disease.",
         [(1, None, "1"), (9, None, "9"), (11, None, "11")]),
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
    ],
)
def test_counts_without_a_printed_group(sentence: str, expected: list[tuple[int, int, str]]) -> None:
    assert _counts_with_study(sentence) == expected


def test_count_without_group_and_without_study_size_is_dropped() -> None:
    assert _counts("Two patients developed a haematoma after VAB.") == []


def test_responders_above_total_becomes_a_doubt() -> None:
    doubts: list[Doubt] = []
    found = extract_response_counts(_article("Toxicity was seen in 15 of 12 patients."), doubts)
    assert found == []
    assert [(d.field, d.text, d.section_index, d.start, d.end) for d in doubts] == [
        ("response_counts", "15 of 12", 1, 21, 29)]
    assert "exceed" in doubts[0].reason


def test_arm_is_attached_when_the_sentence_names_it() -> None:
    found = extract_response_counts(_article(
        "Contralateral breast cancer occurred in 20 of 100 patients in the tamoxifen group."))
    assert [(c.responders, c.arm) for c in found] == [(20, "tamoxifen")]


def test_arm_is_none_when_not_named() -> None:
    found = extract_response_counts(_article("Responses were seen in 12 of 13 patients."))
    assert [(c.responders, c.arm) for c in found] == [(12, None)]


def test_evidence_offsets_point_into_the_section() -> None:
    article = _article("Methods text.", "In arm B, SD was observed in 14 of 37 patients; "
                       "overall, six of 78 patients responded.")
    found = extract_response_counts(article)
    texts = article.texts()
    assert [c.text for c in found] == ["14 of 37", "six of 78"]
    assert [texts[c.section_index][1][c.start:c.end] for c in found] == [c.text for c in found]
    assert {c.sentence for c in found} == {texts[2][1]}


def test_empty_article_gives_empty_list() -> None:
    assert extract_response_counts(Article(pmid="1")) == []
