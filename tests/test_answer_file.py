"""The hand-checked answer file (tests/data/effect_estimates.jsonl, made as
tests/data/effect_estimates.md says, without looking at the extractor), and how far its two parts
are from the README's promise (recall >= 0.95, precision >= 0.97).

The sentences of the train splits the grammar was developed beside are read at recall 0.93 since
issue 17 labelled them as a reviewer does (REVIEWER_GUIDELINES.md: every comparison between
groups, not only named measures); the sentences of texts the grammar was never written on at
0.71. These floors keep both from falling, and no check verdict may differ from the file."""

from __future__ import annotations

from answer_file import from_train, load, score, unseen


def test_the_answer_file_holds_real_sentences_of_both_kinds() -> None:
    records = load()
    assert len(from_train(records)) >= 150 and len(unseen(records)) >= 200
    assert sum(1 for r in records if r["estimates"]) >= 250
    assert sum(1 for r in records if not r["estimates"] and not r["checks"]) >= 60  # negatives


def test_effect_estimates_precision_on_the_answer_file() -> None:
    result = score(load())
    assert result.precision >= 0.97, "\n".join(result.spurious)


def test_effect_estimates_recall_on_the_train_sentences() -> None:
    result = score(from_train(load()))
    assert result.recall >= 0.92, "\n".join(result.missed)


def test_effect_estimates_recall_on_unseen_text() -> None:
    result = score(unseen(load()))
    assert result.recall >= 0.70, "\n".join(result.missed)
    assert result.precision >= 0.97, "\n".join(result.spurious)


def test_no_check_verdict_differs_from_the_answer_file() -> None:
    result = score(load())
    assert result.verdicts_compared >= 900
    assert result.wrong_verdicts == []
