"""The hand-checked answer file (tests/data/effect_estimates.jsonl, made as
tests/data/effect_estimates.md says, without looking at the extractor): effect estimates
recall >= 0.95 and precision >= 0.97 on it, and no check verdict that differs from it."""

from __future__ import annotations

from answer_file import load, score


def test_the_answer_file_holds_at_least_150_real_sentences() -> None:
    records = load()
    assert len(records) >= 150
    assert sum(1 for r in records if r["estimates"]) >= 100
    assert sum(1 for r in records if not r["estimates"] and not r["checks"]) >= 30  # negatives


def test_effect_estimates_recall_and_precision_on_the_answer_file() -> None:
    result = score(load())
    assert result.recall >= 0.95, "\n".join(result.missed)
    assert result.precision >= 0.97, "\n".join(result.spurious)


def test_no_check_verdict_differs_from_the_answer_file() -> None:
    result = score(load())
    assert result.verdicts_compared >= 500
    assert result.wrong_verdicts == []
