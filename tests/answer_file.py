"""Score effect estimates and check verdicts against tests/data/effect_estimates.jsonl, the
hand-checked answer file (see tests/data/effect_estimates.md): one shared reading for the test
and for scripts/effects_report.py."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.extract import run_extractors
from extractor.models import Article, Check, EffectEstimate, Findings, Section
from extractor.nlp.analysis import analyse
from extractor.parse.text import map_chars

ANSWER_FILE = Path(__file__).resolve().parent / "data" / "effect_estimates.jsonl"
ESTIMATE_KINDS = ("estimate_in_interval", "ratio_centre", "p_vs_interval")


def key(measure: str, value: float, lower: float, upper: float) -> tuple[str, float, float, float]:
    return measure, round(value, 6), round(lower, 6), round(upper, 6)


def estimate_key(estimate: EffectEstimate) -> tuple[str, float, float, float]:
    return key(estimate.measure, estimate.value, estimate.lower, estimate.upper)


@dataclass
class Score:
    true_positives: int = 0
    expected: int = 0
    found: int = 0
    verdicts_compared: int = 0
    wrong_verdicts: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    checks_missed: int = 0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0


def findings_of(sentence: str) -> Findings:
    article = Article(pmid="1", title="", sections=[Section(text=map_chars(sentence))])
    return run_extractors(analyse(article, None))


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ANSWER_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def unseen(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sentences of texts the grammar was not written on (PICO and C-TrO test splits,
    BC5CDR, pubmed_xml), labelled before the extractor was run on them (issue 17)."""
    return [record for record in records if record.get("unseen")]


def from_train(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first sentences, from the train splits the grammar was developed beside."""
    return [record for record in records if not record.get("unseen")]


def score(records: list[dict[str, Any]]) -> Score:
    result = Score()
    for record in records:
        findings = findings_of(record["sentence"])
        _score_estimates(record, findings, result)
        _score_checks(record, findings, result)
    return result


def _score_estimates(record: dict[str, Any], findings: Findings, result: Score) -> None:
    expected = [key(e["measure"], e["value"], e["lower"], e["upper"]) for e in record["estimates"]]
    found = [estimate_key(e) for e in findings.effect_estimates]
    result.expected += len(expected)
    result.found += len(found)
    remaining = list(found)
    for item in expected:
        if item in remaining:
            remaining.remove(item)
            result.true_positives += 1
        else:
            result.missed.append(f"{item} | {record['sentence']}")
    result.spurious.extend(f"{item} | {record['sentence']}" for item in remaining)


def _ours_for(record: dict[str, Any], label: dict[str, Any], findings: Findings) -> Check | None:
    """Our check matching a labelled one: same kind, and the same estimate (kinds 1-3) or
    evidence overlapping the labelled text (the others)."""
    sentence = map_chars(record["sentence"])
    if label["kind"] in ESTIMATE_KINDS:
        wanted = record["estimates"][label["estimate"]]
        target = key(wanted["measure"], wanted["value"], wanted["lower"], wanted["upper"])
        for check in findings.checks:
            first = check.inputs[0]
            if (check.kind == label["kind"] and first.finding == "effect_estimates"
                    and first.position is not None
                    and estimate_key(findings.effect_estimates[first.position]) == target):
                return check
        return None
    text = map_chars(label.get("text") or "")
    start = sentence.find(text) if text else -1
    for check in findings.checks:
        if check.kind != label["kind"]:
            continue
        if start < 0 or any(i.start < start + len(text) and start < i.end for i in check.inputs):
            return check
    return None


def _score_checks(record: dict[str, Any], findings: Findings, result: Score) -> None:
    for label in record["checks"]:
        ours = _ours_for(record, label, findings)
        if ours is None:
            result.checks_missed += 1
            continue
        result.verdicts_compared += 1
        if ours.verdict != label["verdict"]:
            result.wrong_verdicts.append(
                f"{label['kind']}: {ours.verdict}, expected {label['verdict']} | {ours.reported} | "
                f"{ours.recomputed} | {record['sentence']}")
