"""Scoring as a reviewer extracts a trial (``extractor/evaluate/reviewer.py``): the rules of
``shared/tools/score_reviewer.py``, pinned to that script's figures on a saved prediction file.

``tests/data/reviewer_pin_*.jsonl`` are made by hand to reach every rule: an entity named twice,
one that matches only an optional label, an inverted MeSH heading, a vitamin named otherwise,
a role that is not studied, a count without its group, repeated counts, ``<=`` and a P in
scientific notation, an estimate matching only an optional label, a size among the
alternatives, a size where none is labelled, a document with no prediction.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from extractor.evaluate.reviewer import (
    ReviewerScore,
    match_names,
    name_variants,
    names_match,
    score_record,
)

DATA = Path(__file__).resolve().parent / "data"
LABELS = DATA / "reviewer_pin_labels.jsonl"
PREDICTIONS = DATA / "reviewer_pin_predictions.jsonl"
SCRIPT = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_reviewer.py"
# score_reviewer.py's --json on the two files above (written by it, checked by hand).
PINNED = {
    "drugs": {"p": 0.6667, "r": 0.5, "f1": 0.5714, "tp": 2, "pred": 3, "gold": 4},
    "conditions": {"p": 1.0, "r": 0.5, "f1": 0.6667, "tp": 2, "pred": 2, "gold": 4},
    "responses": {"p": 0.5, "r": 0.6667, "f1": 0.5714, "tp": 2, "pred": 4, "gold": 3},
    "p_values": {"p": 0.75, "r": 1.0, "f1": 0.8571, "tp": 3, "pred": 4, "gold": 3},
    "effect_estimates": {"p": 0.5, "r": 1.0, "f1": 0.6667, "tp": 1, "pred": 2, "gold": 1},
    "sample_size": {"accuracy": 0.5, "coverage": 0.6667, "right": 1, "answered": 2, "gold": 3,
                    "answered_on_null": 1},
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def pmid_of(label: dict[str, Any]) -> str:
    return label["pmid"] or str(900000000 + zlib.crc32(label["id"].encode()) % 99999999)


def our_figures() -> dict[str, Any]:
    from extractor.evaluate.score import reviewer_to_json

    predictions = {p["pmid"]: p for p in read_jsonl(PREDICTIONS)}
    score = ReviewerScore()
    for label in read_jsonl(LABELS):
        score_record(score, label["id"], label["labels"], predictions.get(pmid_of(label), {}))
    figures = reviewer_to_json(score)
    del figures["error_kinds"]
    return figures


def test_the_figures_are_those_pinned() -> None:
    assert our_figures() == PINNED


@pytest.mark.skipif(not SCRIPT.exists(), reason="shared/tools/score_reviewer.py is not here")
def test_the_figures_are_score_reviewers(tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    subprocess.run([sys.executable, str(SCRIPT), str(LABELS), str(PREDICTIONS), "--json", str(out)],
                   check=True, capture_output=True)
    assert our_figures() == json.loads(out.read_text()) == PINNED


@pytest.mark.parametrize(("predicted", "label", "matches"), [
    ("Efalizumab", "efalizumab", True),
    ("insulin glargine", "insulin", True),             # the label's tokens inside the name
    ("vitamin D", "vitamin d3", False),                # "d" is not "d3"
    ("5-fluorouracil", "5 fluorouracil", True),        # punctuation is a token break
    ("type 2 diabetes mellitus", "type 2 diabetes", True),
    ("diabetes type 2", "type 2 diabetes", False),     # order counts
    ("", "aspirin", False),
])
def test_names_match(predicted: str, label: str, matches: bool) -> None:
    assert names_match(predicted, label) is matches


@pytest.mark.parametrize(("name", "variants"), [
    ("Lupus Erythematosus, Discoid", {"lupus erythematosus, discoid", "discoid lupus erythematosus"}),
    ("Carcinoma, Non-Small-Cell Lung", {"carcinoma, non-small-cell lung",
                                        "non-small-cell lung carcinoma"}),
    ("Asthma", {"asthma"}),
    ("a, b, c", {"a, b, c"}),                           # two commas: not inverted
])
def test_name_variants(name: str, variants: set[str]) -> None:
    assert name_variants(name) == variants


def test_an_entity_is_matched_to_one_label_only() -> None:
    found = match_names([{"Aspirin", "acetylsalicylic acid"}], ["aspirin", "acetylsalicylic acid"])
    assert (found.tp, found.predicted, found.gold, found.missed) == (1, 1, 2, ("acetylsalicylic acid",))


def test_extract_evaluate_scores_document_level_labels() -> None:
    """The worked example, labelled by hand as the guidelines say: every field right. Its
    abstract comes as one paragraph with inline labels ("Background: ... Observations: ..."), as
    reviewer.jsonl's do: methotrexate, named only under "Background:", is not studied."""
    result = run_cli(["evaluate", str(DATA / "reviewer_worked.jsonl")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:9] == [
        "reviewer: split test, 1 documents",
        "document-level labels, scored as a reviewer extracts a trial",
        "field                prec recall     F1   tp/predicted/labelled",
        "---------------------------------------------------------------",
        "drugs               1.000  1.000  1.000   1/1/1",
        "conditions          1.000  1.000  1.000   1/1/1",
        "responses           1.000  1.000  1.000   1/1/1",
        "p_values            1.000  1.000  1.000   1/1/1",
        "effect_estimates    1.000  1.000  1.000   0/0/0",
    ]
    assert lines[9].startswith("sample_size       accuracy 1.000 at coverage 1.000 (1 right")


def test_errors_are_grouped_by_kind_with_counts() -> None:
    predictions = {p["pmid"]: p for p in read_jsonl(PREDICTIONS)}
    score = ReviewerScore()
    for label in read_jsonl(LABELS):
        score_record(score, label["id"], label["labels"], predictions.get(pmid_of(label), {}))
    kinds = sorted((e.field, e.false, e.kind, e.value) for e in score.errors)
    assert kinds == sorted([
        ("drugs", True, "not studied per the labels", "Cholecalciferol"),
        ("drugs", False, "not found", "vitamin d"),
        ("drugs", False, "not found", "aspirin"),
        ("conditions", False, "found, role outcome", "obesity"),
        ("conditions", False, "not found", "stroke"),
        ("responses", True, "no group size printed", "4/None"),
        ("responses", True, "not a labelled count (? total)", "5/40"),
        ("responses", False, "not found", "12/13"),
        ("p_values", True, "not labelled", "P = 0.2"),
        ("effect_estimates", True, "not labelled", "1.5 (1.1 to 2)"),
        ("sample_size", True, "a size where none is labelled", "80"),
        ("sample_size", True, "smaller than the label", "198 (labelled 200)"),
        ("sample_size", False, "no answer", "50"),
    ])
