"""Which conditions are the population's and which drugs are studied, decided per article
(issue 17): the likeliest condition and only equally sure others, no MeSH ancestor repeating a
chosen child, the words around a mention that say target or outcome, code names of research
products, and the hand-labelled conditions the condition model learns from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.extract import extract_findings
from extractor.extract.conditions import (
    CONDITION_PATTERNS,
    condition_features,
    condition_mentions,
    population_keys,
)
from extractor.extract.drugs import DRUG_PATTERNS, drug_features, drug_mentions, is_code_name
from extractor.extract.roles import RoleModel
from extractor.models import Article
from extractor.nlp.analysis import analyse

MODEL = RoleModel(weights={}, threshold=0.6, minimum=0.2)
LABELS = Path(__file__).parent / "data" / "condition_labels.jsonl"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


@pytest.mark.parametrize(
    ("chance", "names", "headings", "expected"),
    [
        # the likeliest, and no other below the threshold
        ({"asthma": 0.55, "pain": 0.5}, {}, False, {"asthma"}),
        # another as sure as the threshold joins it
        ({"asthma": 0.9, "pulmonary disease, chronic obstructive": 0.7}, {}, False,
         {"asthma", "pulmonary disease, chronic obstructive"}),
        # below the minimum, not even the likeliest (a trial in healthy volunteers)
        ({"pain": 0.15}, {}, False, set()),
        # ruled out before the model (chance 0): never
        ({"pain": 0.0}, {}, False, set()),
        # with MeSH headings only what reaches the threshold
        ({"asthma": 0.55}, {}, True, set()),
        # an ancestor repeating its child's words goes: "diabetes" beside "type 2 diabetes"
        ({"diabetes mellitus, type 2": 0.9, "diabetes mellitus": 0.8},
         {"diabetes mellitus, type 2": {"Type 2 diabetes"}, "diabetes mellitus": {"diabetes"}},
         False, {"diabetes mellitus, type 2"}),
        # ... either way round: "dengue virus infection" holds "dengue"
        ({"dengue": 0.95, "virus diseases": 0.9},
         {"dengue": {"dengue"}, "virus diseases": {"dengue virus infection"}},
         False, {"dengue"}),
        # an ancestor named by words of its own stays: polymyositis and its child dermatomyositis
        ({"polymyositis": 0.98, "dermatomyositis": 0.7},
         {"polymyositis": {"polymyositis", "PM"}, "dermatomyositis": {"dermatomyositis", "DM"}},
         False, {"polymyositis", "dermatomyositis"}),
    ],
)
def test_population_is_decided_for_the_article(chance: dict[str, float],
                                               names: dict[str, set[str]], headings: bool,
                                               expected: set[str]) -> None:
    assert population_keys(chance, MODEL, headings, names) == expected


def _flags(title: str, key: str, patterns: tuple[tuple[str, object, str], ...]) -> set[str]:
    analysed = analyse(Article(pmid="1", title=title))
    if patterns is CONDITION_PATTERNS:
        groups = condition_mentions(analysed)
        features = condition_features(analysed.sections, key, groups)
    else:
        groups = drug_mentions(analysed)
        features = drug_features(analysed.sections, key, groups)
    return {name for name, _, _ in patterns if features.get(name)}


@pytest.mark.parametrize(
    ("title", "key", "flags"),
    [
        # EI train PMC3752932: what the trial treats
        ("Mirabegron for the treatment of overactive bladder: a pooled analysis",
         "urinary bladder, overactive", {"target_before"}),
        # EI train PMC4837818: what it prevents
        ("Clinical Efficacy of Oral Ganciclovir for Prophylaxis and Treatment of Recurrent "
         "Herpes Simplex Keratitis", "keratitis, herpetic", {"target_before"}),
        # an outcome counted and compared, not the participants'
        ("The incidence of stroke was lower with ticagrelor", "stroke",
         {"outcome_before", "outcome_after"}),
        ("Stroke occurred in 12 patients", "stroke", {"outcome_after"}),
        # EI train PMC4951371: a score of it
        ("VAS scores improved while shoulder pain scores fell", "shoulder pain", {"outcome_after"}),
        # the participants' condition, neither
        ("Paroxetine in patients with type 2 diabetes", "diabetes mellitus, type 2", set()),
    ],
)
def test_words_around_a_condition(title: str, key: str, flags: set[str]) -> None:
    assert _flags(title, key, CONDITION_PATTERNS) == flags


@pytest.mark.parametrize(
    ("title", "key", "flags"),
    [
        # the participants' treatment before or beside the trial, not an arm's
        ("Maraviroc intensification in abacavir-treated patients", "abacavir", {"prior_after"}),
        ("Maintenance in responders following first-line fluorouracil-based chemotherapy",
         "fluorouracil", {"prior_before", "prior_after"}),
        ("Sitagliptin in patients inadequately controlled on metformin", "metformin",
         {"prior_before"}),
        # an arm's drug
        ("Patients were randomized to metformin or placebo", "metformin", set()),
    ],
)
def test_words_around_a_drug(title: str, key: str, flags: set[str]) -> None:
    assert _flags(title, key, DRUG_PATTERNS) == flags


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("LAS100977", True), ("GSK961081", True), ("MSDC-0160", True), ("LMWF-5A", True),
        ("CAP1-6D", True), ("Ad35-GRIN", True),
        ("FU 500", False),   # a dose
        ("T14", False),      # one letter
        ("CO2", False),      # a formula: shorter than four characters
        ("5-40", False),     # a range
        ("TNF-alpha", False),
        ("O2max", False),    # "VO2max" cut short: one capital
    ],
)
def test_code_names(text: str, code: bool) -> None:
    assert is_code_name(text) is code


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # EI train PMC4320624: the code in brackets is a second name of the drug before it
        ("A dose-ranging study of the bronchodilator effects of abediterol (LAS100977), a "
         "long-acting beta2-agonist", {"abediterol": ["abediterol", "LAS100977"]}),
        # ... and the other way round
        ("Safety of single rising TAK-438 (vonoprazan) doses",
         {"vonoprazan": ["TAK-438", "vonoprazan"]}),
        # a code alone stays a drug of its own
        ("Patients received LCI699 or placebo", {"lci699": ["LCI699"]}),
    ],
)
def test_code_names_join_the_drug_beside_them(title: str,
                                              expected: dict[str, list[str]]) -> None:
    analysed = analyse(Article(pmid="1", title=title))
    assert {k: [m.text for m in g] for k, g in drug_mentions(analysed).items()} == expected


@pytest.mark.parametrize(
    ("title", "conditions"),
    [
        # EI train PMC3640933-like titles: smoking is the condition smoking trials treat
        ("A randomised controlled trial to prevent smoking relapse among recently quit smokers",
         [("Smoking", ["smoking", "smokers"])]),
        ("Varenicline for smoking cessation allowing flexible quit dates",
         [("Smoking", ["smoking"])]),
        # "smoke" of wood fires is no smoking
        ("Exposure to wood smoke increases arterial stiffness in humans", []),
    ],
)
def test_smoking_is_a_condition(title: str, conditions: list[tuple[str, list[str]]]) -> None:
    found = extract_findings(Article(pmid="1", title=title)).conditions
    assert [(c.name, [m.text for m in c.mentions]) for c in found] == conditions


def test_condition_labels_are_well_formed() -> None:
    records = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 200
    assert len({r["id"] for r in records}) == 200
    assert all(r["id"].startswith("evidence_inference:PMC") for r in records)
    assert all(set(r) == {"id", "pmid", "conditions", "conditions_optional"} for r in records)
    assert all(c == c.lower() for r in records for c in r["conditions"] + r["conditions_optional"])
    assert sum(bool(r["conditions"]) for r in records) == 141


@pytest.mark.skipif(not (GOLD / "reviewer.jsonl").exists(), reason="shared/gold is not here")
def test_condition_labels_hold_no_reviewer_document_and_only_train_ones() -> None:
    labelled = {json.loads(line)["id"] for line in LABELS.read_text(encoding="utf-8").splitlines()}
    reviewer = {json.loads(line)["source_id"]
                for line in (GOLD / "reviewer.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()}
    assert labelled.isdisjoint(reviewer)
    splits = {}
    for line in (GOLD / "evidence_inference.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] in labelled:
            splits[record["id"]] = record["split"]
    assert set(splits) == labelled
    assert set(splits.values()) == {"train"}
