"""Scoring (extractor/evaluate/score.py) with hand-made gold files and injected fake extractors.

The fake extractors place predictions by searching the Article's own section texts, so they
also check the offset mapping (section -> gold TEXT). Expected figures are computed by hand
in each test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.evaluate.gold import GoldDoc, GoldSpan, load_gold, parse_gold_line
from extractor.evaluate.score import (
    EvaluationError,
    HitScore,
    MentionScore,
    Report,
    SampleSizeScore,
    build_article,
    evaluate,
    match_overlap,
    match_strict,
    parse_p_text,
    render_errors,
    render_table,
    report_to_json,
    text_offset,
)
from extractor.models import (
    Article,
    Condition,
    Drug,
    Findings,
    Mention,
    PValue,
    ResponseCount,
    SampleSize,
)

DATA = Path(__file__).resolve().parent / "data"
NER = DATA / "gold_ner.jsonl"
TRIALS = DATA / "gold_trials.jsonl"

Needle = str | tuple[str, int]


# ---------------------------------------------------------------------------- fake extractors

def locate(article: Article, needle: Needle) -> tuple[int, int, int, str]:
    """(section_index, start, end, label) of the nth whole-word occurrence over all sections."""
    word, nth = (needle, 0) if isinstance(needle, str) else needle
    hits = [(i, m.start(), m.end(), label)
            for i, (label, text) in enumerate(article.texts())
            for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)]
    return hits[nth]


def evidence(article: Article, needle: Needle) -> dict[str, object]:
    index, start, end, label = locate(article, needle)
    return {"text": article.texts()[index][1][start:end], "start": start, "end": end,
            "section": label, "section_index": index}


def make_findings(article: Article, drugs: tuple[Needle, ...] = (),
                  conditions: tuple[Needle, ...] = (), sample_size: Needle | None = None,
                  sample_value: int | None = None, arms: tuple[tuple[Needle, int], ...] = (),
                  responders: tuple[tuple[Needle, int], ...] = (),
                  p_values: tuple[tuple[Needle, str, float], ...] = ()) -> Findings:
    sizes = [SampleSize(**evidence(article, n), value=v, role="arm", sentence="")
             for n, v in arms]
    if sample_size is not None:
        assert sample_value is not None
        sizes.append(SampleSize(**evidence(article, sample_size), value=sample_value,
                                role="total", chosen=True, sentence=""))
    return Findings(
        drugs=[Drug(name="d", source="text",
                    mentions=[Mention(**evidence(article, n), name="d") for n in drugs])],
        conditions=[Condition(name="c", source="text",
                              mentions=[Mention(**evidence(article, n), name="c")
                                        for n in conditions])],
        sample_size=sample_value if sample_size is not None else None,
        sample_sizes=sizes,
        response_counts=[ResponseCount(**evidence(article, n), responders=r, total=max(r, 1),
                                       sentence="") for n, r in responders],
        p_values=[PValue(**evidence(article, n), operator=op, value=v, sentence="")
                  for n, op, v in p_values],
    )


def fake(plan: dict[str, dict[str, object]]) -> Callable[[Article], Findings]:
    """An extract function: the plan entry whose key occurs in the abstract, else nothing."""

    def extract(article: Article) -> Findings:
        for key, spec in plan.items():
            if key in article.abstract:
                return make_findings(article, **spec)  # type: ignore[arg-type]
        return Findings()

    return extract


def oracle(docs: list[GoldDoc]) -> Callable[[Article], Findings]:
    """Predicts exactly the gold spans (offsets moved back from TEXT into the sections)."""
    by_abstract = {build_article(d).abstract: d for d in docs}

    def ev(doc: GoldDoc, span: GoldSpan) -> dict[str, object]:
        if doc.title and span.start < len(doc.title):
            index, start = 0, span.start
        else:
            index, start = 1, span.start - (len(doc.title) + 1 if doc.title else 0)
        text = build_article(doc).texts()[index][1][start:start + len(span.text)]
        return {"text": text, "start": start, "end": start + len(text),
                "section": "x", "section_index": index}

    def extract(article: Article) -> Findings:
        doc = by_abstract[article.abstract]
        a = doc.annotations
        mentions = [*a.get("chemicals", ()), *a.get("interventions", ())]
        conds = [*a.get("diseases", ()), *a.get("conditions", ())]
        totals = [s for s in a.get("sample_size", ()) if s.value]
        return Findings(
            drugs=[Drug(name="d", source="text",
                        mentions=[Mention(**ev(doc, s), name="d") for s in mentions])],
            conditions=[Condition(name="c", source="text",
                                  mentions=[Mention(**ev(doc, s), name="c") for s in conds])],
            sample_size=totals[0].value if totals else None,
            sample_sizes=[SampleSize(**ev(doc, s), value=s.value, role="total",
                                     chosen=(s == totals[0]), sentence="") for s in totals]
            + [SampleSize(**ev(doc, s), value=s.value, role="arm", sentence="")
               for s in a.get("arm_sizes", ()) if s.value],
            response_counts=[ResponseCount(**ev(doc, s), responders=s.value, total=max(s.value, 1),
                                           sentence="")
                             for s in a.get("responders", ()) if s.value is not None],
            p_values=[PValue(**ev(doc, s), operator=(parse_p_text(s.text) or ("=", 0.5))[0],
                             value=(parse_p_text(s.text) or ("=", 0.5))[1], sentence="")
                      for s in a.get("p_values", ())],
        )

    return extract


def mention_score(report: Report, corpus: str, name: str) -> MentionScore:
    score = report.corpora[corpus].fields[name]
    assert isinstance(score, MentionScore)
    return score


def hit_score(report: Report, corpus: str, name: str) -> HitScore:
    score = report.corpora[corpus].fields[name]
    assert isinstance(score, HitScore)
    return score


def size_score(report: Report, corpus: str) -> SampleSizeScore:
    score = report.corpora[corpus].fields["sample_size"]
    assert isinstance(score, SampleSizeScore)
    return score


# ---------------------------------------------------------------------------- input building

@pytest.mark.parametrize(("title", "section_index", "offset", "expected"), [
    ("Ab.", 0, 1, 1),      # title offsets are TEXT offsets
    ("Ab.", 1, 0, 4),      # abstract starts after "Ab." and one space
    ("Ab.", 1, 5, 9),
    ("", 1, 5, 5),         # no title: TEXT is the abstract
])
def test_text_offset(title: str, section_index: int, offset: int, expected: int) -> None:
    doc = GoldDoc(id="x:1", pmid=None, corpus="x", split="dev", title=title, abstract="A B C D E.")
    assert text_offset(doc, section_index, offset) == expected


def test_text_offset_rejects_other_sections() -> None:
    doc = GoldDoc(id="x:1", pmid=None, corpus="x", split="dev", title="T", abstract="A.")
    with pytest.raises(ValueError, match="section_index 2"):
        text_offset(doc, 2, 0)


def test_labelled_sections_become_the_article_sections() -> None:
    # Evidence Inference records give the abstract's sections: "Label: text" joined by spaces
    line = {"id": "ei:1", "pmid": None, "corpus": "ei", "split": "dev", "title": "A trial.",
            "abstract": "Background: Why. Methods: 12 of 13 patients. Plain words.",
            "sections": [{"label": "Background", "text": "Why."},
                         {"label": "Methods", "text": "12 of 13 patients."},
                         {"label": "", "text": "Plain words."}],
            "annotations": {}}
    doc = parse_gold_line(json.dumps(line))
    article = build_article(doc)
    assert [(s.label, s.text) for s in article.sections] == [
        ("Background", "Why."), ("Methods", "12 of 13 patients."), (None, "Plain words.")]
    start = text_offset(doc, 2, 0)
    assert doc.text[start:start + 8] == "12 of 13"
    assert doc.text[text_offset(doc, 3, 0):] == "Plain words."
    # sections that do not make up the abstract are not used
    line["sections"] = [{"label": "Background", "text": "Other."}]
    assert build_article(parse_gold_line(json.dumps(line))).sections[0].label is None


@pytest.mark.parametrize(("pmid", "expected"), [
    ("12345", "12345"), (None, "1"), ("0123", "1"), ("1234567890", "1"), ("PMC12", "1"),
])
def test_build_article_pmid(pmid: str | None, expected: str) -> None:
    doc = GoldDoc(id="x", pmid=pmid, corpus="x", split="dev", title="", abstract="A.")
    assert build_article(doc).pmid == expected


def test_build_article_maps_characters_keeping_lengths() -> None:
    doc = load_gold([TRIALS], split="dev")[0]   # abstract has "P\u2009=\u20090.002"
    article = build_article(doc)
    assert article.title == doc.title
    assert [s.text for s in article.sections] == [doc.abstract.replace("\u2009", " ")]
    assert len(article.sections[0].text) == len(doc.abstract)


# ---------------------------------------------------------------------------- matching

def spans(*pairs: tuple[int, int]) -> list[GoldSpan]:
    return [GoldSpan("x" * (e - s), s, e) for s, e in pairs]


def test_match_strict_is_one_to_one() -> None:
    gold = spans((0, 5), (10, 15))
    pred = spans((0, 5), (0, 5), (10, 14))
    assert match_strict(gold, pred) == [(0, 0)]


def test_match_overlap_finds_the_largest_pairing() -> None:
    # Taking predictions by start would pair (0,15) with (0,5) and leave (3,4) unpaired.
    gold = spans((0, 5), (10, 20))
    pred = spans((0, 15), (3, 4))
    assert match_overlap(gold, pred) == [(0, 1), (1, 0)]


@pytest.mark.parametrize(("gold", "pred", "pairs"), [
    ([(0, 5)], [(5, 9)], []),             # touching is not overlapping
    ([(0, 5)], [(4, 9)], [(0, 0)]),       # one shared character is
    ([(0, 10)], [(1, 2), (3, 4)], [(0, 0)]),   # one gold span pairs once
    ([(0, 3), (4, 8)], [(0, 8)], [(0, 0)]),    # one prediction pairs once
])
def test_match_overlap_cases(gold: list[tuple[int, int]], pred: list[tuple[int, int]],
                             pairs: list[tuple[int, int]]) -> None:
    assert match_overlap(spans(*gold), spans(*pred)) == pairs


@pytest.mark.parametrize(("text", "expected"), [
    ("P = 0.002", ("=", 0.002)),
    ("P\u2009=\u20090.006", ("=", 0.006)),
    ("p<.05", ("<", 0.05)),
    ("= 0.3", ("=", 0.3)),          # comparator and value, no "P"
    ("0.05", ("=", 0.05)),          # number only
    ("P <or=.001", ("<=", 0.001)),  # C-TrO spelling of ≤
    ("p< or =0.05", ("<=", 0.05)),
    ("P≤0.001", ("<=", 0.001)),
    ("P ≥ 0.5", (">=", 0.5)),
    ("P >= 0.5", (">=", 0.5)),
    ("P>0.05", (">", 0.05)),
    ("P: < 0.001", ("<", 0.001)),
    ("(P = 0.003", ("=", 0.003)),
    ("p=0\u00b70001", ("=", 0.0001)),   # Lancet middle dot
    ("P-value = 0.04", ("=", 0.04)),
    ("P < 1 × 10-5", ("<", 1e-5)),
    ("P = 2.3e-4", ("=", 2.3e-4)),
    ("P = NS", None),
    ("= NS [not significant]", None),
    ("not significant", None),
])
def test_parse_p_text(text: str, expected: tuple[str, float] | None) -> None:
    parsed = parse_p_text(text)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed[0] == expected[0]
        assert parsed[1] == pytest.approx(expected[1], rel=1e-12)


# ---------------------------------------------------------------------------- scores

def test_perfect_prediction_scores_one() -> None:
    docs = load_gold([NER, TRIALS], split=None)
    report = evaluate(docs, extract=oracle(docs))
    assert list(report.corpora) == ["toy_ner", "toy_trials"]
    for corpus, name in [("toy_ner", "chemicals"), ("toy_ner", "diseases"),
                         ("toy_trials", "interventions"), ("toy_trials", "conditions")]:
        score = mention_score(report, corpus, name)
        assert (score.strict().precision, score.strict().recall, score.strict().f1) == (1, 1, 1)
        assert (score.lenient().precision, score.lenient().recall) == (1, 1)
    for name in ["arm_sizes", "responders", "p_values"]:
        assert hit_score(report, "toy_trials", name).scores().f1 == 1.0
    sizes = size_score(report, "toy_trials")
    assert (sizes.accuracy, sizes.coverage, sizes.accuracy_answered) == (1, 1, 1)
    p = hit_score(report, "toy_trials", "p_values")
    # 4 gold P values: three parse and are read right, "P = NS" has no number.
    assert (p.gold, p.gold_found, p.checked, p.operator_value_right, p.unparsed) == (4, 4, 3, 3, 1)


def test_empty_prediction_scores_zero() -> None:
    docs = load_gold([NER, TRIALS], split=None)
    report = evaluate(docs, extract=lambda article: Findings())
    chem = mention_score(report, "toy_ner", "chemicals")
    assert (chem.gold, chem.predicted, chem.strict_tp, chem.lenient_tp) == (6, 0, 0, 0)
    assert chem.strict().recall == 0.0
    assert chem.strict().f1 == 0.0
    assert chem.strict().precision is None   # no prediction: undefined, shown as "-"
    sizes = size_score(report, "toy_trials")
    assert (sizes.with_gold, sizes.answered, sizes.accuracy, sizes.coverage,
            sizes.accuracy_answered) == (3, 0, 0.0, 0.0, None)
    responders = hit_score(report, "toy_trials", "responders")
    assert (responders.scores().recall, responders.scores().f1) == (0.0, 0.0)


def test_half_right_mentions() -> None:
    # toy_ner:1 gold chemicals "Lithium carbonate" (0-17) and "lithium" (97-104).
    # Predictions: "Lithium" (0-7, overlaps the first) and "lithium" (exact).
    # strict: 1 of 2 predictions, 1 of 2 gold -> P = R = 0.5; overlap: 2 of 2 -> 1.0.
    # diseases: "tricuspid regurgitation" exact, "level" wrong -> 0.5 both ways.
    docs = load_gold([NER], split=None)[:1]
    report = evaluate(docs, extract=fake({"tricuspid": {
        "drugs": ("Lithium", "lithium"), "conditions": ("tricuspid regurgitation", "level")}}))
    chem = mention_score(report, "toy_ner", "chemicals")
    assert (chem.strict().precision, chem.strict().recall, chem.strict().f1) == (0.5, 0.5, 0.5)
    assert (chem.lenient().precision, chem.lenient().recall, chem.lenient().f1) == (1, 1, 1)
    dis = mention_score(report, "toy_ner", "diseases")
    assert (dis.strict_tp, dis.lenient_tp, dis.gold, dis.predicted) == (1, 1, 2, 2)
    assert dis.lenient().f1 == 0.5


def test_duplicate_predicted_offsets_count_once() -> None:
    # "Cocaine" predicted twice (as if under two drug names) is one prediction.
    docs = load_gold([NER], split=None)[1:2]

    def extract(article: Article) -> Findings:
        one = make_findings(article, drugs=("Cocaine",))
        return Findings(drugs=[*one.drugs, *one.drugs])

    chem = mention_score(evaluate(docs, extract=extract), "toy_ner", "chemicals")
    assert (chem.gold, chem.predicted, chem.strict_tp) == (2, 1, 1)


def test_mentions_from_other_sources_are_not_predictions() -> None:
    docs = load_gold([NER], split=None)[1:2]

    def extract(article: Article) -> Findings:
        found = make_findings(article, drugs=("Cocaine",))
        listed = Drug(name="d", source="chemical_list", mentions=found.drugs[0].mentions)
        return Findings(drugs=[listed])

    assert mention_score(evaluate(docs, extract=extract), "toy_ner", "chemicals").predicted == 0


DEV_TRIAL_PLAN: dict[str, dict[str, object]] = {
    # toy_trials:11 (title + abstract)
    "We randomised": {
        "sample_size": "120", "sample_value": 120,
        "arms": (("60", 60), (("60", 1), 60), ("30", 30)),
        "responders": (("30", 30), ("12", 6)),          # "12": wrong value, not found
        "p_values": (("P = 0.002", "=", 0.002),         # found, operator+value right
                     ("p<.05", "=", 0.05),               # found, operator wrong
                     ("0.5", "=", 0.5)),                 # relative risk: false positive
        "drugs": ("Aspirin", "aspirin", "placebo"),
        "conditions": ("migraine", ("migraine", 1)),
    },
    # toy_trials:12: total 42, extractor answers 24
    "Forty-two": {"sample_size": "42", "sample_value": 24, "responders": (("21", 21),)},
    # toy_trials:13: gold total has no value; an answer here is not scored
    "About 40.5%": {"sample_size": "88", "sample_value": 88},
}


def test_sample_size_accuracy_and_coverage() -> None:
    docs = load_gold([TRIALS], split="dev")
    sizes = size_score(evaluate(docs, extract=fake(DEV_TRIAL_PLAN)), "toy_trials")
    # Scored: toy_trials:11 (120, right) and :12 (42, answered 24). :13 has only a null value,
    # :15 an empty list.
    assert (sizes.docs, sizes.with_gold, sizes.answered, sizes.correct,
            sizes.answered_without_gold) == (4, 2, 2, 1, 1)
    assert (sizes.accuracy, sizes.coverage, sizes.accuracy_answered) == (0.5, 1.0, 0.5)


def test_sample_size_unanswered_lowers_coverage_not_answered_accuracy() -> None:
    docs = load_gold([TRIALS], split="dev")
    plan = {k: v for k, v in DEV_TRIAL_PLAN.items() if k != "Forty-two"}
    sizes = size_score(evaluate(docs, extract=fake(plan)), "toy_trials")
    assert (sizes.accuracy, sizes.coverage, sizes.accuracy_answered) == (0.5, 0.5, 1.0)


def test_responders_need_value_and_overlap() -> None:
    docs = load_gold([TRIALS], split="dev")
    score = hit_score(evaluate(docs, extract=fake(DEV_TRIAL_PLAN)), "toy_trials", "responders")
    # gold with a value: 30, 12 (:11), 21 (:12); "40.5%" (:13) has none.
    # found: 30, 21. "12" was read as 6: not found, and that prediction is a false positive.
    assert (score.gold, score.gold_without_value, score.predicted, score.gold_found,
            score.predicted_matched) == (3, 1, 3, 2, 2)
    assert score.scores().recall == pytest.approx(2 / 3)
    assert score.scores().precision == pytest.approx(2 / 3)


def test_arm_sizes_by_value_and_overlap() -> None:
    docs = load_gold([TRIALS], split="dev")
    score = hit_score(evaluate(docs, extract=fake(DEV_TRIAL_PLAN)), "toy_trials", "arm_sizes")
    # gold 60, 60 (:11); predictions 60, 60 right, "30" as an arm is a false positive.
    assert (score.gold, score.predicted, score.gold_found, score.predicted_matched) == (2, 3, 2, 2)


def test_p_values_found_and_operator_value_check() -> None:
    docs = load_gold([TRIALS], split="dev")
    score = hit_score(evaluate(docs, extract=fake(DEV_TRIAL_PLAN)), "toy_trials", "p_values")
    # gold: "P = 0.002", "p<.05", "= 0.3" (:11), "P = NS" (:12). Found: the first two.
    assert (score.gold, score.predicted, score.gold_found, score.predicted_matched) == (4, 3, 2, 2)
    assert (score.scores().recall, score.scores().precision) == (0.5, pytest.approx(2 / 3))
    # operator+value: "P = 0.002" right; "p<.05" read as "= 0.05" wrong.
    assert (score.checked, score.operator_value_right, score.unparsed) == (2, 1, 0)


def test_fields_not_annotated_are_not_scored() -> None:
    docs = load_gold([TRIALS], split="test")   # toy_trials:14 annotates sample_size only
    report = evaluate(docs, extract=fake({"gout": {"drugs": ("febuxostat",),
                                                   "sample_size": "300", "sample_value": 300}}))
    assert list(report.corpora["toy_trials"].fields) == ["sample_size"]
    assert size_score(report, "toy_trials").accuracy == 1.0


def test_mention_counts_over_documents_of_the_split() -> None:
    docs = load_gold([TRIALS], split="dev")
    report = evaluate(docs, extract=fake(DEV_TRIAL_PLAN))
    drugs = mention_score(report, "toy_trials", "interventions")
    # only :11 annotates interventions: gold Aspirin (title), placebo (title).
    # predicted Aspirin (title, exact), aspirin (abstract), placebo (title, exact).
    assert (drugs.docs, drugs.gold, drugs.predicted, drugs.strict_tp, drugs.lenient_tp) == (
        1, 2, 3, 2, 2)
    assert drugs.target is False
    conds = mention_score(report, "toy_trials", "conditions")
    # :11 gold migraine (title); predicted migraine (title) and migraine (abstract).
    # :12, :15 annotate "breast cancer", nothing predicted.
    assert (conds.docs, conds.gold, conds.predicted, conds.strict_tp) == (3, 3, 2, 1)


def test_progress_is_called_per_document() -> None:
    docs = load_gold([NER, TRIALS], split=None)
    calls: list[int] = []
    evaluate(docs, extract=lambda article: Findings(), progress=calls.append)
    assert calls == [1] * 8


def test_extractor_failure_names_the_document() -> None:
    docs = load_gold([NER], split=None)

    def broken(article: Article) -> Findings:
        raise RuntimeError("boom")

    with pytest.raises(EvaluationError, match=r"extraction failed on toy_ner:1: boom"):
        evaluate(docs, extract=broken)


def test_prediction_with_wrong_offsets_is_an_error() -> None:
    docs = load_gold([NER], split=None)[1:2]

    def shifted(article: Article) -> Findings:
        return Findings(drugs=[Drug(name="d", source="text", mentions=[Mention(
            text="Cocaine", start=1, end=8, section="abstract", section_index=1, name="d")])])

    with pytest.raises(EvaluationError, match=r"toy_ner:2: prediction 'Cocaine' is not at 1-8"):
        evaluate(docs, extract=shifted)


# ---------------------------------------------------------------------------- rendering

def test_render_table() -> None:
    docs = load_gold([NER, TRIALS], split="dev")
    report = evaluate(docs, extract=fake(DEV_TRIAL_PLAN))
    table = render_table(report)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "toy_ner: split dev, 2 documents" in lines
    assert "toy_trials: split dev, 4 documents" in lines
    # toy_ner got no predictions: precision undefined ("-"), recall and F1 0.
    assert any(re.fullmatch(r"chemicals\s+strict\s+4\s+0\s+0\s+0\s+4\s+-\s+0\.000\s+0\.000", line)
               for line in lines)
    assert any(re.fullmatch(r"p_values\s+overlap\s+4\s+3\s+2\s+1\s+2\s+0\.667\s+0\.500\s+0\.571",
                            line) for line in lines)
    assert any(line.startswith("interventions*") for line in lines)
    assert any(re.match(r"sample_size\s+accuracy\s+0\.500\s+1 right of 2", line) for line in lines)


def test_render_errors_shows_sentences_and_limits() -> None:
    docs = load_gold([TRIALS], split="dev")
    report = evaluate(docs, extract=fake(DEV_TRIAL_PLAN))
    text = render_errors(report, 1)
    assert "toy_trials / p_values: false negatives (1 of 2)" in text
    assert "toy_trials / p_values: false positives (1 of 1)" in text
    assert "[[0.5]]" in text                     # the span marked in its sentence
    assert "toy_trials / sample_size: false positives (1 of 2)" in text
    assert "predicted 24; gold 42" in text
    assert render_errors(report, 0) == ""


def test_report_json() -> None:
    docs = load_gold([TRIALS], split="dev")
    report = evaluate(docs, extract=fake(DEV_TRIAL_PLAN))
    data = json.loads(json.dumps(report_to_json(report, errors=2)))
    assert set(data) == {"corpora", "extractor_version", "seconds", "extract_seconds"}
    trials = data["corpora"]["toy_trials"]
    assert (trials["split"], trials["documents"]) == ("dev", 4)
    assert trials["fields"]["sample_size"] == {
        "kind": "sample_size", "docs": 4, "with_gold": 2, "answered": 2, "correct": 1,
        "answered_without_gold": 1, "accuracy": 0.5, "coverage": 1.0, "accuracy_answered": 0.5}
    assert trials["fields"]["p_values"]["operator_value"] == {
        "checked": 2, "right": 1, "unparsed": 0, "accuracy": 0.5}
    assert trials["fields"]["interventions"]["strict"] == {
        "tp": 2, "fp": 1, "fn": 0, "precision": 2 / 3, "recall": 1.0, "f1": 0.8}
    assert [e["text"] for e in trials["errors"]["responders"]["false_negative"]] == ["12"]


# ---------------------------------------------------------------------------- real extractor

# SMOKE TEST OF THE REAL EXTRACTORS: runs extractor.extract.extract_findings (the default
# `extract`) on the hand-made documents. It checks only that every prediction maps into gold
# TEXT and a report comes out, not accuracy. It fails while extractor/extract/* is incomplete.
def test_real_extractor_smoke() -> None:
    docs = load_gold([NER, TRIALS], split=None)
    report = evaluate(docs)
    assert [c.documents for c in report.corpora.values()] == [3, 5]
    assert "toy_trials" in render_table(report)


def test_mesh_id_agreement_of_condition_mentions(tmp_path: Path) -> None:
    # BC5CDR-style gold: two disease spans with MeSH IDs; the extractor names both (strict
    # matches), with the right ID for hypertension and its own ID for the made-up one.
    line = {
        "id": "toy:1", "pmid": "1", "corpus": "toy", "split": "dev", "title": "",
        "abstract": "Hypertension and psoriasis.",
        "annotations": {"diseases": [
            {"text": "Hypertension", "start": 0, "end": 12, "mesh": "D006973"},
            {"text": "psoriasis", "start": 17, "end": 26, "mesh": "D999999"},
        ]},
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    score = evaluate(load_gold([path])).corpora["toy"].fields["diseases"]
    assert isinstance(score, MentionScore)
    assert (score.strict_tp, score.identifier_checked, score.identifier_right) == (2, 2, 1)


# ---------------------------------------------------------------------- studied drugs, population


def doc_with(line: dict[str, object], tmp_path: Path) -> list[GoldDoc]:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return load_gold([path])


def test_studied_drugs_are_scored_per_document_by_identifier(tmp_path: Path) -> None:
    # Evidence Inference style: what the arms were given, as free strings (placebo left out)
    docs = doc_with({"id": "ei:1", "pmid": None, "corpus": "ei", "split": "dev", "title": "",
                     "abstract": "Metformin or sitagliptin in diabetes.",
                     "annotations": {"interventions_text": ["Metformin 500 mg twice daily"],
                                     "comparators_text": ["placebo", "sitagliptin"]}}, tmp_path)

    def extract(article: Article) -> Findings:
        return Findings(drugs=[
            Drug(name="Metformin", identifier="DB00331", source="text", role="studied",
                 studied=True),                                     # right
            Drug(name="Aspirin", identifier="DB00945", source="text", role="studied",
                 studied=True),                                     # wrong
            Drug(name="Sitagliptin", identifier="DB01261", source="text", role="measured"),
        ])                                                          # sitagliptin missed

    score = evaluate(docs, extract=extract).corpora["ei"].fields["studied_drugs"]
    assert isinstance(score, HitScore)
    assert (score.gold, score.predicted, score.gold_found, score.predicted_matched) == (2, 2, 1, 1)


def test_population_is_right_by_overlap_or_by_mesh_id(tmp_path: Path) -> None:
    abstract = "Women with breast cancer had hot flushes."
    docs = doc_with({"id": "pico:1", "pmid": None, "corpus": "pico", "split": "dev",
                     "title": "", "abstract": abstract,
                     "annotations": {"conditions": [{"text": "breast cancer", "start": 11,
                                                     "end": 24}]}}, tmp_path)

    def condition(name: str, identifier: str, text: str, role: str) -> Condition:
        start = abstract.index(text)
        return Condition(name=name, identifier=identifier, source="text", role=role,
                         studied=role == "population",
                         mentions=[Mention(text=text, start=start, end=start + len(text),
                                           section="abstract", section_index=1, name=name,
                                           identifier=identifier)])

    def extract(article: Article) -> Findings:
        return Findings(conditions=[
            condition("Breast Neoplasms", "D001943", "cancer", "population"),  # overlaps gold
            condition("Hot Flashes", "D019584", "hot flushes", "population"),  # wrong
            condition("Neoplasms", "D009369", "Women", "mentioned"),          # no population
        ])

    score = evaluate(docs, extract=extract).corpora["pico"].fields["population"]
    assert isinstance(score, HitScore)
    assert (score.gold, score.gold_found, score.predicted, score.predicted_matched) == (1, 1, 2, 1)

    def by_id(article: Article) -> Findings:
        # no mention overlaps, but the MeSH ID is that of "breast cancer" in the gold span
        return Findings(conditions=[condition("Breast Neoplasms", "D001943", "hot flushes",
                                              "population")])

    score = evaluate(docs, extract=by_id).corpora["pico"].fields["population"]
    assert isinstance(score, HitScore)
    assert (score.gold_found, score.predicted_matched) == (1, 1)
