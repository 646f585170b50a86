"""Arms of a trial on real sentences (PICO and Evidence Inference train, the fixtures): their labels
and sizes, the sample size when only the arms are printed, and response counts that take their
denominator from the arm their sentence names."""

from __future__ import annotations

import pytest

from extractor.extract import extract_findings
from extractor.extract.arms import arm_label, same_group
from extractor.models import Article, Findings, Section


def findings_of(*texts: tuple[str, str]) -> Findings:
    article = Article(pmid="1", title="A randomised trial",
                      sections=[Section(label=label, text=text) for label, text in texts])
    return extract_findings(article, tagger=None)


@pytest.mark.parametrize(
    ("sentence", "count", "label"),
    [
        # PICO train 17333340
        ("In the Femara Study PO25, post-menopausal women with advanced breast cancer were "
         "randomized to receive letrozole 2.5 mg (n=453) or tamoxifen 20 mg (n=454).", "453",
         "letrozole 2.5 mg"),
        ("In the Femara Study PO25, post-menopausal women with advanced breast cancer were "
         "randomized to receive letrozole 2.5 mg (n=453) or tamoxifen 20 mg (n=454).", "454",
         "tamoxifen 20 mg"),
        # PICO train 9672274: the parts of a split count
        ("With a median follow-up of 70 months, 2471 women (tamoxifen 1238, placebo 1233) were "
         "suitable for analysis.", "1233", "placebo"),
        # PICO train 20159292: the second arm of an allocated pair
        ("816 patients were randomly assigned to MRI and 807 to no MRI.", "807", "no MRI"),
        # SYGMA 1 (fixtures): the group named after the count
        ("3836 (1277 in the terbutaline group, 1277 in the budesonide-formoterol group, and 1282 "
         "in the budesonide maintenance group) were included", "1282", "budesonide maintenance"),
        # failure case: a count that names no group
        ("A total of 141 patients were enrolled.", "141", None),
    ],
)
def test_arm_label(sentence: str, count: str, label: str | None) -> None:
    start = sentence.index(count)
    if count == "1277":
        start = sentence.index(count, start + 1)
    assert arm_label(sentence, 0, len(sentence), start, start + len(count)) == label


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("the exercise group", "exercise", True), ("Exercise group", "exercise", True),
     ("exercise", "control", False), ("no MRI", "MRI", False)],
)
def test_same_group(a: str, b: str, same: bool) -> None:
    assert same_group(a, b) is same


@pytest.mark.parametrize(
    ("sentence", "total"),
    [
        # PICO train 18711184 and 20159292: every arm printed, no total: the sum, never one arm
        ("A total of 266 patients were randomly assigned to GT and 263 to paclitaxel.", 529),
        ("816 patients were randomly assigned to MRI and 807 to no MRI.", 1623),
        # PICO train 17389293: the total printed before the arms is the total
        ("Of the total eligible population of 6665 women identified, 3339 were randomly "
         "assigned to the control group and 3326 to the intervention group.", 6665),
    ],
)
def test_sample_size_when_only_the_arms_are_printed(sentence: str, total: int) -> None:
    found = findings_of(("Methods", sentence))
    assert found.sample_size == total
    chosen = [s for s in found.sample_sizes if s.chosen]
    assert [s.role for s in chosen] == ["total" if total == 6665 else "sum_of_arms"]


def test_a_split_by_sex_is_no_arm() -> None:
    # fixtures/pubmed_xml/36987902.xml
    found = findings_of(("Methods", "Our study included 101 patients (50 women and 51 men)."))
    assert (found.sample_size, found.arms) == (101, [])


def test_a_response_count_takes_the_size_of_the_arm_its_sentence_names() -> None:
    methods = ("Patients were randomly assigned to an exercise group (n = 40) or a control group "
               "(n = 38).")
    results = ("After 12 weeks, lymphoedema developed in 9 patients in the exercise group and 14 "
               "patients in the control group.")
    found = findings_of(("Methods", methods), ("Results", results))
    assert [(a.label, a.size) for a in found.arms][:2] == [("exercise group", 40),
                                                          ("control group", 38)]
    counts = [(c.responders, c.total, c.total_source, c.arm, c.total_text, c.total_start,
               c.total_section_index) for c in found.response_counts]
    assert counts == [
        (9, 40, "arm", "exercise", "40", methods.index("40"), 1),
        (14, 38, "arm", "control", "38", methods.index("38"), 1),
    ]


def test_without_an_arm_of_that_name_the_count_is_a_doubt() -> None:
    found = findings_of(("Methods", "A total of 1000 patients were randomized."),
                        ("Results", "Lymphoedema developed in 9 patients in the exercise group."))
    assert found.response_counts == []
    assert [(d.code, d.value, d.bound, d.text) for d in found.doubts
            if d.field == "response_counts"] == [("count_without_group", 9, None, "9")]


@pytest.mark.parametrize(
    ("sentence", "arms"),
    [
        # reviewer PMC5976950 (EI train): two arms given their treatments with one verb
        ("1161 patients received tranexamic acid and 1164 received placebo; the treatment groups "
         "were well balanced at baseline.", [("tranexamic acid", 1161), ("placebo", 1164)]),
        # PICO train: "were treated with" twice
        ("Fifty patients were treated with docetaxel 60 mg/m2 and cisplatin 50 mg/m2, and 51 "
         "patients were treated with docetaxel and epirubicin.", [("docetaxel 60 mg/m2", 50),
                                                                 ("docetaxel", 51)]),
        # EI train (veterinary): animals are participants too
        ("Twenty-four dogs received carboplatin and 26 received mitoxantrone.",
         [("carboplatin", 24), ("mitoxantrone", 26)]),
        # failure case: one treatment, no second count given it
        ("Thirteen patients received efalizumab.", []),
    ],
)
def test_arms_given_their_treatments_side_by_side(sentence: str,
                                                  arms: list[tuple[str | None, int]]) -> None:
    found = findings_of(("Methods", sentence))
    assert [(a.label, a.size) for a in found.arms] == arms


def test_a_percent_count_takes_the_arm_whose_size_gives_its_percent() -> None:
    # reviewer PMC4858101 (EI train): "2 (8%)" reads back to 25; the mitoxantrone arm is 26
    methods = "Twenty-four dogs received carboplatin and 26 received mitoxantrone."
    results = ("In the mitoxantrone group, there were 2 (8%) partial responses (PR) and 18 (69%) "
               "dogs with stable disease (SD). In the carboplatin group, there were 3 PR (13%) and "
               "13 (54%) dogs with SD.")
    found = findings_of(("Methods", methods), ("Results", results))
    assert [(c.responders, c.total, c.total_source) for c in found.response_counts] == [
        (2, 26, "arm"), (18, 26, "arm"), (3, 24, "arm"), (13, 24, "arm")]


def test_two_counts_compared_take_the_two_arms_in_order() -> None:
    # reviewer PMC5976950 (EI train): 9% and 11% fit both arms; the pair takes them in order
    methods = "1161 patients received tranexamic acid and 1164 received placebo."
    results = ("Fewer patients had serious adverse events after tranexamic acid than after "
               "placebo by days 2 (379 [33%] patients vs 417 [36%] patients).")
    found = findings_of(("Methods", methods), ("Results", results))
    assert [(c.responders, c.total) for c in found.response_counts] == [(379, 1161), (417, 1164)]
