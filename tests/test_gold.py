"""Reading gold JSONL (extractor/evaluate/gold.py) with the hand-made files of tests/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.errors import ExtractorError
from extractor.evaluate.gold import GoldDoc, GoldFormatError, GoldSpan, load_gold, parse_gold_line

DATA = Path(__file__).resolve().parent / "data"
NER = DATA / "gold_ner.jsonl"
TRIALS = DATA / "gold_trials.jsonl"
MALFORMED = DATA / "gold_malformed.jsonl"

GOOD = {"id": "x:1", "pmid": "7", "corpus": "x", "split": "dev", "title": "Aspirin.",
        "abstract": "Aspirin helps.",
        "annotations": {"chemicals": [{"text": "Aspirin", "start": 9, "end": 16}]}}


def line_with(**changes: object) -> str:
    record = {**GOOD, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not ...})


def test_load_all_documents_in_file_order() -> None:
    docs = load_gold([NER, TRIALS], split=None)
    assert [d.id for d in docs] == [
        "toy_ner:1", "toy_ner:2", "toy_ner:3",
        "toy_trials:11", "toy_trials:12", "toy_trials:13", "toy_trials:14", "toy_trials:15",
    ]


@pytest.mark.parametrize(("split", "ids"), [
    ("dev", ["toy_ner:1", "toy_ner:2", "toy_trials:11", "toy_trials:12", "toy_trials:13",
             "toy_trials:15"]),
    ("train", ["toy_ner:3"]),
    ("test", ["toy_trials:14"]),
    ("validation", []),   # no such split: nothing, not an error
])
def test_split_filter(split: str, ids: list[str]) -> None:
    assert [d.id for d in load_gold([NER, TRIALS], split=split)] == ids


def test_record_fields_and_text() -> None:
    doc = load_gold([NER], split="dev")[0]
    assert doc == GoldDoc(
        id="toy_ner:1", pmid="6794356", corpus="toy_ner", split="dev",
        title="Lithium carbonate toxicity in a newborn.",
        abstract="A newborn with tricuspid regurgitation and a high serum lithium level is "
                 "described.",
        annotations={
            "chemicals": (GoldSpan("Lithium carbonate", 0, 17), GoldSpan("lithium", 97, 104)),
            "diseases": (GoldSpan("toxicity", 18, 26), GoldSpan("tricuspid regurgitation", 56, 79)),
        })
    assert doc.text[97:104] == "lithium"
    assert doc.text.startswith("Lithium carbonate toxicity in a newborn. A newborn")


def test_empty_title_text_is_the_abstract() -> None:
    doc = load_gold([NER], split=None)[1]
    assert doc.title == ""
    assert doc.text == doc.abstract


def test_values_kept_and_unknown_keys_skipped() -> None:
    doc = {d.id: d for d in load_gold([TRIALS], split=None)}
    # "outcomes" is not a scored key: dropped; "arm"/"kind" keys are ignored.
    assert set(doc["toy_trials:11"].annotations) == {
        "sample_size", "arm_sizes", "responders", "p_values", "interventions", "conditions"}
    assert doc["toy_trials:11"].annotations["sample_size"] == (GoldSpan("120", 71, 74, 120),)
    assert doc["toy_trials:13"].annotations["sample_size"] == (GoldSpan("40.5%", 6, 11, None),)
    assert doc["toy_trials:15"].annotations["sample_size"] == ()   # annotated, none here
    assert "p_values" not in doc["toy_trials:14"].annotations      # not annotated
    assert doc["toy_trials:12"].pmid is None


def test_optional_keys_default() -> None:
    record = {"id": "own:1", "corpus": "own", "abstract": "Fifty patients.",
              "annotations": {"sample_size": [{"text": "Fifty", "start": 0, "end": 5,
                                               "value": 50}]},
              "journal": "BMJ", "sections": [{"label": "X", "text": "Y"}]}
    doc = parse_gold_line(json.dumps(record))
    assert (doc.pmid, doc.split, doc.title) == (None, None, "")
    assert doc.annotations == {"sample_size": (GoldSpan("Fifty", 0, 5, 50),)}


def test_malformed_file_names_file_and_line() -> None:
    with pytest.raises(GoldFormatError) as info:
        load_gold([MALFORMED], split=None)
    assert str(info.value) == (
        f"{MALFORMED}:3: bad:1: annotations.chemicals[0]: TEXT[0:7] is 'Aspirin', "
        f"not 'aspirin'")
    assert (info.value.source, info.value.line) == (str(MALFORMED), 3)
    assert isinstance(info.value, ExtractorError)


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "x.jsonl:4: not valid JSON (Expecting property name enclosed in double quotes "
                  "at column 2)"),
    ("[1, 2]", "x.jsonl:4: expected a JSON object, got list"),
    (line_with(id=...), "x.jsonl:4: missing or non-string 'id'"),
    (line_with(abstract=3), "x.jsonl:4: 'abstract' must be a string, got int"),
    (line_with(title=None, annotations={"chemicals": [{"text": "Aspirin", "start": 0, "end": 7}]}),
     None),   # null title is allowed and means "" (TEXT is then the abstract)
    (line_with(split=2), "x.jsonl:4: 'split' must be a string or null, got int"),
    (line_with(annotations=[]),
     "x.jsonl:4: x:1: 'annotations' (or document-level 'labels') must be an object"),
    # document-level labels (reviewer.jsonl)
    (line_with(labels={"drugs": ["aspirin"], "sample_size": 12,
                       "responses": [{"responders": 3, "total": 12}]}), None),
    (line_with(labels=[]), "x.jsonl:4: x:1: 'labels' must be an object"),
    (line_with(labels={"drugs": "aspirin"}), "x.jsonl:4: x:1: labels.drugs must be a list"),
    (line_with(labels={"drugs_optional": "aspirin"}),
     "x.jsonl:4: x:1: labels.drugs_optional must be a list"),
    (line_with(labels={"sample_size": "12"}),
     "x.jsonl:4: x:1: labels.sample_size must be an integer or null"),
    (line_with(labels={"responses": [{"responders": 3}]}),
     "x.jsonl:4: x:1: labels.responses[0] must have integer responders and total"),
    (line_with(labels={"p_values": [{"operator": "=", "value": "0.02"}]}),
     "x.jsonl:4: x:1: labels.p_values[0] must have an operator and a value"),
    (line_with(labels={"effect_estimates": [{"value": 1.2, "ci_low": 0.9}]}),
     "x.jsonl:4: x:1: labels.effect_estimates[0] must have value, ci_low and ci_high"),
    (line_with(annotations={"chemicals": {}}),
     "x.jsonl:4: x:1: annotations.chemicals must be a list"),
    (line_with(annotations={"chemicals": ["Aspirin"]}),
     "x.jsonl:4: x:1: annotations.chemicals[0] must be an object"),
    (line_with(annotations={"chemicals": [{"text": "Aspirin", "start": "9", "end": 16}]}),
     "x.jsonl:4: x:1: annotations.chemicals[0]: 'start' and 'end' must be integers"),
    (line_with(annotations={"chemicals": [{"text": "helps", "start": 17, "end": 40}]}),
     "x.jsonl:4: x:1: annotations.chemicals[0]: offsets 17-40 outside TEXT of 23 characters"),
    (line_with(annotations={"sample_size": [{"text": "Aspirin", "start": 9, "end": 16,
                                             "value": "7"}]}),
     "x.jsonl:4: x:1: annotations.sample_size[0]: 'value' must be an integer or null"),
    # Keys not scored are not checked at all.
    (line_with(annotations={"outcomes": "anything"}), None),
])
def test_malformed_lines(line: str, message: str | None) -> None:
    if message is None:
        assert parse_gold_line(line, "x.jsonl", 4).id == "x:1"
        return
    with pytest.raises(GoldFormatError) as info:
        parse_gold_line(line, "x.jsonl", 4)
    assert str(info.value) == message


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(NER.read_bytes().splitlines(keepends=True)[0] + b"\n\xff\xfe\n")
    with pytest.raises(GoldFormatError, match=r"bad\.jsonl:3: not UTF-8"):
        load_gold([bad], split=None)
    with pytest.raises(GoldFormatError, match=r"missing\.jsonl: cannot read file"):
        load_gold([tmp_path / "missing.jsonl"], split=None)
