"""Score the extractors against gold corpora (``extract evaluate``).

Each gold document's title and abstract go through exactly the code ``extract`` runs
(:func:`extractor.extract.extract_findings`), offline: the :class:`~extractor.models.Article`
has the title as section 0 and the whole abstract as one unlabelled section 1, both passed
through :func:`~extractor.parse.text.map_chars` (one character for one, so offsets are unchanged).
A PMID that is not 1-9 digits (or is null) is replaced by the placeholder ``"1"``.
Predicted offsets are moved into gold ``TEXT`` (``title + " " + abstract``, or the abstract
alone when the title is empty) by :func:`text_offset`.

Which prediction is scored against which gold key (a key a corpus does not annotate, i.e. absent
from a document's ``annotations``, is not scored for that document):

- ``chemicals``, ``interventions``: every mention of every drug found in the text
  (``drugs[].mentions`` with ``source == "text"``). ``interventions`` is reported but is not a
  target: PICO and C-TrO interventions also cover procedures, placebo, drug classes.
- ``diseases``, ``conditions``: every mention of every condition found in the text.
- ``sample_size``: the chosen total, ``findings.sample_size``.
- ``arm_sizes``: sample sizes with role ``"arm"``.
- ``responders``: ``response_counts`` (their ``responders`` number) and the counts printed
  with no group size (doubts ``count_without_group``).
- ``p_values``: ``p_values``.

Matching rules:

- Mention fields. Predicted spans with identical offsets count once, and so do gold spans
  (a corpus may give one span two identifiers). *Strict*: a prediction is right when its
  offsets equal those of a gold span of the same document; each gold span and each prediction
  is used at most once. *Lenient*: a prediction is right when it overlaps a gold span (shares
  at least one character); pairs are one-to-one, and the pairing is the largest possible one
  (greedy by end offset, which is optimal for intervals), so lenient counts are never below the
  strict ones. Precision = right predictions / predictions, recall = matched gold / gold,
  F1 = their harmonic mean. All counts are summed over the documents of a corpus (micro average).
  For condition fields, *MeSH ID* is the share of strict matches whose gold span has a ``mesh``
  ID (the first span at those offsets) that the prediction's identifier equals.
- ``sample_size``: scored on the documents with at least one gold ``sample_size`` span whose
  ``value`` is not null. A document is correct when the chosen total equals one of those values.
  accuracy = correct / those documents; coverage = documents with an answer / those documents;
  accuracy when answered = correct / answered. An answer on a document whose gold has no total
  is counted separately (``answered_without_gold``) and listed as a false positive.
- ``responders`` and ``arm_sizes``: a gold span with a non-null ``value`` is found when some
  predicted count states that number and its span overlaps the gold span. recall = found gold
  spans / gold spans with a value; precision = predictions that found some gold span /
  predictions (in the documents that annotate the field). Not one-to-one.
- ``p_values``: a gold span is found when some predicted P value overlaps it; recall = found /
  gold, precision = predictions overlapping some gold span / predictions. Among found spans,
  *operator+value right* counts those where an overlapping prediction has the operator and the
  value that :func:`parse_p_text` reads from the gold text (values equal within 1e-12
  relative). A gold text without a number (``P = NS``) is counted as ``unparsed`` and left
  out of that check.

When a denominator is 0 the ratio is ``None`` (``-`` in the table); F1 is ``None`` only when
there is neither gold nor prediction, else 0.0 if precision or recall is undefined or both
are 0.
"""

from __future__ import annotations

import math
import re
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from extractor import __version__
from extractor.errors import ExtractorError
from extractor.evaluate.gold import MENTION_FIELDS, GoldDoc, GoldSpan
from extractor.evaluate.reviewer import ReviewerError, ReviewerScore, score_record
from extractor.ids import is_pmid
from extractor.kinds import SPLITS
from extractor.models import Article, Evidence, Findings, Mention, Section
from extractor.nlp.sentences import sentence_at
from extractor.parse.text import map_chars

ExtractFn = Callable[[Article], Findings]
ProgressFn = Callable[[int], object]
ErrorKind = Literal["false_positive", "false_negative", "boundary"]

PLACEHOLDER_PMID = "1"
# Fields a corpus may annotate but the extractor does not aim at (shown with a note).
NOT_TARGETS = frozenset({"interventions"})
# Mention fields whose predictions carry MeSH IDs, checked against the gold ``mesh`` IDs.
MESH_FIELDS = frozenset({"diseases", "conditions"})
# Table order of the fields.
FIELD_ORDER = ("chemicals", "diseases", "conditions", "interventions", "studied_drugs",
               "population", "sample_size", "arm_sizes", "responders", "p_values")
# Document-level fields and the scoring shown for them in the table.
DOCUMENT_SCORING = {"studied_drugs": "drugs per doc", "population": "per document"}
# The gold strings that name what each arm of a trial was given (Evidence Inference).
TREATMENT_STRINGS = ("interventions_text", "comparators_text")
_SPLIT_ORDER: dict[str, int] = {split: order for order, split in enumerate(SPLITS)}


class EvaluationError(ExtractorError):
    """The extract function failed on, or returned an impossible span for, a gold document."""


# --------------------------------------------------------------------------------------------
# Building the input and reading the output of the extractor


def build_article(doc: GoldDoc) -> Article:
    """The Article ``extract`` would see: the title as section 0, then the abstract's labelled
    sections when the record gives them (as PubMed's XML would), else the abstract as one
    unlabelled section 1."""
    pmid = doc.pmid if doc.pmid is not None and is_pmid(doc.pmid) else PLACEHOLDER_PMID
    sections = ([Section(label=label or None, text=map_chars(text)) for label, text in doc.sections]
                or [Section(text=map_chars(doc.abstract))])
    return Article(pmid=pmid, title=map_chars(doc.title), sections=sections)


def section_starts(doc: GoldDoc) -> list[int]:
    """Where each section of :func:`build_article` starts in gold TEXT (0: the title)."""
    position = len(doc.title) + 1 if doc.title else 0
    if not doc.sections:
        return [0, position]
    starts = [0]
    for label, text in doc.sections:
        position += len(label) + 2 if label else 0   # "Label: "
        starts.append(position)
        position += len(text) + 1
    return starts


def text_offset(doc: GoldDoc, section_index: int, offset: int) -> int:
    """Move an offset into section ``section_index`` of :func:`build_article` into gold TEXT."""
    starts = section_starts(doc)
    if not 0 <= section_index < len(starts):
        raise ValueError(f"section_index {section_index}: the article has sections 0 to "
                         f"{len(starts) - 1}")
    return starts[section_index] + offset


@dataclass(frozen=True)
class Span:
    """A predicted span in gold TEXT; ``value`` is a count or a P value, ``operator`` a P's."""

    start: int
    end: int
    text: str
    value: float | None = None
    operator: str | None = None
    identifier: str | None = None


def _span(doc: GoldDoc, ev: Evidence, value: float | None = None,
          operator: str | None = None) -> Span:
    try:
        start = text_offset(doc, ev.section_index, ev.start)
    except ValueError as exc:
        raise EvaluationError(f"{doc.id}: {exc} (prediction {ev.text!r})") from exc
    end = start + (ev.end - ev.start)
    if map_chars(doc.text[start:end]) != ev.text:
        raise EvaluationError(f"{doc.id}: prediction {ev.text!r} is not at {start}-{end} of TEXT")
    identifier = ev.identifier if isinstance(ev, Mention) else None
    return Span(start=start, end=end, text=doc.text[start:end], value=value, operator=operator,
                identifier=identifier)


def _unique(spans: Iterable[Span]) -> list[Span]:
    """Spans with distinct offsets, in text order (the first of equal offsets is kept)."""
    seen: dict[tuple[int, int], Span] = {}
    for span in spans:
        seen.setdefault((span.start, span.end), span)
    return sorted(seen.values(), key=lambda s: (s.start, s.end))


def predicted_spans(doc: GoldDoc, findings: Findings) -> dict[str, list[Span]]:
    """The predictions of each scored field (except ``sample_size``), in gold TEXT offsets."""
    drugs = _unique(_span(doc, m) for d in findings.drugs if d.source == "text"
                    for m in d.mentions)
    conditions = _unique(_span(doc, m) for c in findings.conditions if c.source == "text"
                         for m in c.mentions)
    return {
        "chemicals": drugs,
        "interventions": drugs,
        "diseases": conditions,
        "conditions": conditions,
        "arm_sizes": [_span(doc, s, s.value) for s in findings.sample_sizes if s.role == "arm"],
        "responders": [*(_span(doc, r, r.responders) for r in findings.response_counts),
                       *(_span(doc, ev, n) for ev, n in _counts_without_group(findings))],
        "p_values": [_span(doc, p, p.value, p.operator) for p in findings.p_values],
    }


# --------------------------------------------------------------------------------------------
# Matching


def _counts_without_group(findings: Findings) -> list[tuple[Evidence, float | None]]:
    """Counts of responders printed with no group size: doubts of code ``count_without_group``,
    as evidence carrying their count (the corpora mark these responders too; a reviewer, who
    pools counts with their groups, does not)."""
    return [(Evidence(text=d.text, start=d.start, end=d.end, section=d.section or "",
                      section_index=d.section_index), d.value)
            for d in findings.doubts if d.code == "count_without_group" and d.start is not None
            and d.end is not None and d.section_index is not None]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True when the two end-exclusive spans share at least one character."""
    return a_start < b_end and b_start < a_end


def match_strict(gold: Sequence[GoldSpan | Span], pred: Sequence[GoldSpan | Span]
                 ) -> list[tuple[int, int]]:
    """(gold index, prediction index) pairs with equal offsets, each index used once."""
    free: dict[tuple[int, int], list[int]] = {}
    for i, g in enumerate(gold):
        free.setdefault((g.start, g.end), []).append(i)
    pairs = []
    for j, p in enumerate(pred):
        waiting = free.get((p.start, p.end))
        if waiting:
            pairs.append((waiting.pop(0), j))
    return sorted(pairs)


def match_overlap(gold: Sequence[GoldSpan | Span], pred: Sequence[GoldSpan | Span]
                  ) -> list[tuple[int, int]]:
    """A largest one-to-one pairing of overlapping gold and predicted spans.

    Predictions are taken by increasing end; each takes the free overlapping gold span that
    ends first. An exchange argument shows no pairing of intervals can be larger.
    """
    used = [False] * len(gold)
    pairs = []
    for j in sorted(range(len(pred)), key=lambda j: (pred[j].end, pred[j].start)):
        p = pred[j]
        best = None
        for i, g in enumerate(gold):
            if not used[i] and overlaps(g.start, g.end, p.start, p.end) and (
                    best is None or (g.end, g.start) < (gold[best].end, gold[best].start)):
                best = i
        if best is not None:
            used[best] = True
            pairs.append((best, j))
    return sorted(pairs)


# Gold P value texts seen in C-TrO: "P = 0.02", "p<.001", "P\u2009=\u20090.006", "= 0.02",
# "0.05", "P <or=.001", "p< or =0.05", "P: < 0.001", "(P = 0.003", "P = NS" (no number).
_P_TEXT = re.compile(
    r"""
    ^\W*?(?:p(?:[\s-]*values?)?\s*:?\s*)?       # "P", "p", "P-value", "P:" (optional)
    (?P<op><\s*or\s*=|>\s*or\s*=|<=|>=|=<|=>|≤|≥|<|>|=)?\s*  # "<or=" (C-TrO), "≤", "="
    (?P<num>\d*\.?\d+)                          # "0.02", ".001", "0"
    (?:\s*(?:e|[x×*]\s*10\s*\^?)\s*\(?\s*(?P<exp>[-+]?\d+)\s*\)?)?  # "1e-5", "2 × 10-5"
    """,
    re.IGNORECASE | re.VERBOSE,
)
_OPERATORS = {"=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=",
              "=<": "<=", "=>": ">="}


def parse_p_text(text: str) -> tuple[str, float] | None:
    """(operator, value) of a gold P value text; no operator means ``=``; None if no number."""
    m = _P_TEXT.match(map_chars(text).strip())
    if m is None:
        return None
    op = re.sub(r"\s*or\s*", "", m.group("op") or "=")   # "<or=" -> "<="
    value = float(m.group("num"))
    if m.group("exp") is not None:
        value *= 10.0 ** int(m.group("exp"))
    return _OPERATORS[op], value


def same_p(gold: tuple[str, float], pred: Span) -> bool:
    """Operator equal and value equal within 1e-12 relative."""
    op, value = gold
    return (pred.operator == op and pred.value is not None
            and math.isclose(pred.value, value, rel_tol=1e-12, abs_tol=0.0))


# --------------------------------------------------------------------------------------------
# Scores


@dataclass(frozen=True)
class Prf:
    precision: float | None
    recall: float | None
    f1: float | None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def prf(gold_found: int, gold: int, pred_right: int, predicted: int) -> Prf:
    """Precision, recall and F1 with the zero-denominator rules of the module docstring."""
    precision, recall = _ratio(pred_right, predicted), _ratio(gold_found, gold)
    if gold == 0 and predicted == 0:
        f1 = None
    elif precision is None or recall is None or precision + recall == 0:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return Prf(precision, recall, f1)


@dataclass
class MentionScore:
    """Counts of a mention field; ``strict_tp``/``lenient_tp`` are matched pairs."""

    docs: int = 0
    gold: int = 0
    predicted: int = 0
    strict_tp: int = 0
    lenient_tp: int = 0
    target: bool = True
    # condition fields: strict matches whose gold span has a MeSH ID, and those whose
    # prediction carries that same ID
    identifier_checked: int = 0
    identifier_right: int = 0

    def strict(self) -> Prf:
        return prf(self.strict_tp, self.gold, self.strict_tp, self.predicted)

    def lenient(self) -> Prf:
        return prf(self.lenient_tp, self.gold, self.lenient_tp, self.predicted)


@dataclass
class HitScore:
    """Counts of ``responders``, ``arm_sizes`` or ``p_values`` (found = matched, not 1:1)."""

    docs: int = 0
    gold: int = 0
    gold_without_value: int = 0
    predicted: int = 0
    gold_found: int = 0
    predicted_matched: int = 0
    # p_values only: operator+value check among found gold spans.
    checked: int = 0
    operator_value_right: int = 0
    unparsed: int = 0

    def scores(self) -> Prf:
        return prf(self.gold_found, self.gold, self.predicted_matched, self.predicted)


@dataclass
class SampleSizeScore:
    """Counts of ``sample_size``; ``with_gold`` are the documents scored."""

    docs: int = 0
    with_gold: int = 0
    answered: int = 0
    correct: int = 0
    answered_without_gold: int = 0

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.with_gold)

    @property
    def coverage(self) -> float | None:
        return _ratio(self.answered, self.with_gold)

    @property
    def accuracy_answered(self) -> float | None:
        return _ratio(self.correct, self.answered)


FieldScore = MentionScore | HitScore | SampleSizeScore


@dataclass(frozen=True)
class ErrorExample:
    """One false positive, false negative or boundary miss, with where it is in TEXT."""

    kind: ErrorKind
    doc_id: str
    text: str
    start: int | None
    end: int | None
    detail: str = ""
    doc_text: str = field(default="", repr=False, compare=False)


@dataclass
class CorpusReport:
    name: str
    split: str
    documents: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    errors: dict[str, list[ErrorExample]] = field(default_factory=dict)
    # documents labelled at document level (``labels``), scored as a reviewer would
    reviewer: ReviewerScore | None = None
    # TEXT of each of those documents, to show an error in its sentence
    texts: dict[str, str] = field(default_factory=dict)

    def add_error(self, field_name: str, example: ErrorExample) -> None:
        self.errors.setdefault(field_name, []).append(example)


@dataclass
class Report:
    corpora: dict[str, CorpusReport]
    extractor_version: str
    seconds: float
    extract_seconds: float


# --------------------------------------------------------------------------------------------
# Evaluation


def evaluate(docs: Sequence[GoldDoc], extract: ExtractFn | None = None,
             progress: ProgressFn | None = None) -> Report:
    """Run ``extract`` (default: ``extract_findings``) on every document and score it.

    ``progress``, when given, is called with 1 after each document (``click`` progress bars'
    ``update`` fits).
    """
    if extract is None:
        from extractor.extract import extract_findings
        extract = extract_findings
    started = time.perf_counter()
    extract_seconds = 0.0
    corpora: dict[str, CorpusReport] = {}
    for doc in docs:
        corpus = corpora.get(doc.corpus)
        if corpus is None:
            corpus = corpora[doc.corpus] = CorpusReport(name=doc.corpus, split="")
        t0 = time.perf_counter()
        try:
            findings = extract(build_article(doc))
        except Exception as exc:
            raise EvaluationError(f"extraction failed on {doc.id}: {exc}") from exc
        extract_seconds += time.perf_counter() - t0
        score_document(corpus, doc, findings)
        if progress is not None:
            progress(1)
    for name, corpus in corpora.items():
        corpus.split = _split_label(d.split for d in docs if d.corpus == name)
        corpus.fields = {f: corpus.fields[f] for f in FIELD_ORDER if f in corpus.fields}
    return Report(corpora=corpora, extractor_version=__version__,
                  seconds=time.perf_counter() - started, extract_seconds=extract_seconds)


def _split_label(splits: Iterable[str | None]) -> str:
    names = {s or "-" for s in splits}
    return ",".join(sorted(names, key=lambda s: (_SPLIT_ORDER.get(s, 3), s)))


def score_document(corpus: CorpusReport, doc: GoldDoc, findings: Findings) -> None:
    """Add one document's counts and error examples to ``corpus``."""
    corpus.documents += 1
    if doc.labels is not None:
        if corpus.reviewer is None:
            corpus.reviewer = ReviewerScore()
        corpus.texts[doc.id] = doc.text
        errors = len(corpus.reviewer.errors)
        score_record(corpus.reviewer, doc.id, doc.labels, findings.model_dump(mode="json"))
        corpus.reviewer.errors[errors:] = [_in_text(doc, e) for e in corpus.reviewer.errors[errors:]]
        return
    predicted = predicted_spans(doc, findings)
    if any(key in doc.strings for key in TREATMENT_STRINGS):
        score = corpus.fields.setdefault("studied_drugs", HitScore())
        assert isinstance(score, HitScore)
        _score_studied_drugs(corpus, score, doc, findings)
    if doc.annotations.get("conditions"):
        score = corpus.fields.setdefault("population", HitScore())
        assert isinstance(score, HitScore)
        _score_population(corpus, score, doc, findings, predicted)
    for name, gold in doc.annotations.items():
        if name in MENTION_FIELDS:
            score = corpus.fields.setdefault(name, MentionScore(target=name not in NOT_TARGETS))
            assert isinstance(score, MentionScore)
            _score_mentions(corpus, name, score, doc, gold, predicted[name])
        elif name == "sample_size":
            score = corpus.fields.setdefault(name, SampleSizeScore())
            assert isinstance(score, SampleSizeScore)
            _score_sample_size(corpus, score, doc, gold, findings)
        else:
            score = corpus.fields.setdefault(name, HitScore())
            assert isinstance(score, HitScore)
            _score_hits(corpus, name, score, doc, gold, predicted[name])


def _in_text(doc: GoldDoc, error: ReviewerError) -> ReviewerError:
    """``error`` with its evidence moved into gold TEXT (section_index None): a prediction's
    offsets through ``text_offset``, a label's text where it first occurs."""
    text, section_index, start, end = error.evidence
    if section_index is not None and start is not None and end is not None:
        moved = text_offset(doc, section_index, start)
        return replace(error, evidence=(text, None, moved, moved + (end - start)))
    where = doc.text.find(text) if text else -1
    if where >= 0:
        return replace(error, evidence=(text, None, where, where + len(text)))
    return error


def _example(kind: ErrorKind, doc: GoldDoc, span: GoldSpan | Span | None,
             detail: str = "", text: str | None = None) -> ErrorExample:
    return ErrorExample(kind=kind, doc_id=doc.id,
                        text=span.text if span is not None else (text or ""),
                        start=span.start if span is not None else None,
                        end=span.end if span is not None else None,
                        detail=detail, doc_text=doc.text)


def _score_mentions(corpus: CorpusReport, name: str, score: MentionScore, doc: GoldDoc,
                    gold_spans: Sequence[GoldSpan], pred: list[Span]) -> None:
    gold = _unique_gold(gold_spans)
    strict = match_strict(gold, pred)
    lenient = match_overlap(gold, pred)
    score.docs += 1
    score.gold += len(gold)
    score.predicted += len(pred)
    score.strict_tp += len(strict)
    score.lenient_tp += len(lenient)
    if name in MESH_FIELDS:
        with_id = [(gold[i].identifier, pred[j].identifier) for i, j in strict
                   if gold[i].identifier]
        score.identifier_checked += len(with_id)
        score.identifier_right += sum(g == p for g, p in with_id)
    matched_gold = {i for i, _ in lenient}
    matched_pred = {j for _, j in lenient}
    for j, p in enumerate(pred):
        if j not in matched_pred:
            corpus.add_error(name, _example("false_positive", doc, p))
    for i, g in enumerate(gold):
        if i not in matched_gold:
            corpus.add_error(name, _example("false_negative", doc, g))
    for i, j in lenient:
        if (gold[i].start, gold[i].end) != (pred[j].start, pred[j].end):
            corpus.add_error(name, _example("boundary", doc, pred[j],
                                            f"gold {gold[i].text!r}"))


def _unique_gold(spans: Sequence[GoldSpan]) -> list[GoldSpan]:
    seen: dict[tuple[int, int], GoldSpan] = {}
    for span in spans:
        seen.setdefault((span.start, span.end), span)
    return list(seen.values())


def _score_sample_size(corpus: CorpusReport, score: SampleSizeScore, doc: GoldDoc,
                       gold_spans: Sequence[GoldSpan], findings: Findings) -> None:
    values = [g.value for g in gold_spans if g.value is not None]
    answer = findings.sample_size
    chosen = next((s for s in findings.sample_sizes if s.chosen and s.value == answer), None)
    chosen_span = _span(doc, chosen) if chosen is not None else None
    score.docs += 1
    if not values:
        if answer is not None:
            score.answered_without_gold += 1
            corpus.add_error("sample_size", _example(
                "false_positive", doc, chosen_span, f"predicted {answer}; no gold total",
                text=str(answer)))
        return
    score.with_gold += 1
    gold_text = " or ".join(str(v) for v in sorted(set(values)))
    if answer is None:
        first = next(g for g in gold_spans if g.value is not None)
        corpus.add_error("sample_size", _example(
            "false_negative", doc, first, f"gold {gold_text}; no answer"))
        return
    score.answered += 1
    if answer in values:
        score.correct += 1
    else:
        corpus.add_error("sample_size", _example(
            "false_positive", doc, chosen_span, f"predicted {answer}; gold {gold_text}",
            text=str(answer)))


def _score_hits(corpus: CorpusReport, name: str, score: HitScore, doc: GoldDoc,
                gold_spans: Sequence[GoldSpan], pred: list[Span]) -> None:
    is_p = name == "p_values"
    gold = [g for g in gold_spans if is_p or g.value is not None]
    score.docs += 1
    score.gold += len(gold)
    score.gold_without_value += len(gold_spans) - len(gold)
    score.predicted += len(pred)
    matched_pred: set[int] = set()
    for g in gold:
        hits = [j for j, p in enumerate(pred) if overlaps(g.start, g.end, p.start, p.end)
                and (is_p or p.value == g.value)]
        matched_pred.update(hits)
        if not hits:
            corpus.add_error(name, _example(
                "false_negative", doc, g, "" if is_p else f"value {g.value}"))
            continue
        score.gold_found += 1
        if is_p:
            parsed = parse_p_text(g.text)
            if parsed is None:
                score.unparsed += 1
            elif any(same_p(parsed, pred[j]) for j in hits):
                score.checked += 1
                score.operator_value_right += 1
            else:
                score.checked += 1
                shown = pred[hits[0]]
                corpus.add_error(name, _example(
                    "boundary", doc, shown,
                    f"read {shown.operator} {shown.value!r}; gold {g.text!r} is "
                    f"{parsed[0]} {parsed[1]!r}"))
    score.predicted_matched += len(matched_pred)
    for j, p in enumerate(pred):
        if j not in matched_pred:
            detail = "" if is_p else f"value {_count(p.value)}"
            corpus.add_error(name, _example("false_positive", doc, p, detail))


def drug_identity(name: str, identifier: str | None) -> str:
    """How two drugs are compared: the DrugBank ID, else the name in lower case."""
    return identifier or name.lower()


def gold_drugs(strings: Iterable[str]) -> dict[str, str]:
    """identity -> name of the drugs the drug vocabulary finds in ``strings`` (no placebo: the
    vocabulary's stop list leaves it out)."""
    from extractor.extract.drugs import drug_display
    from extractor.nlp.vocabulary import drug_lexicon

    found: dict[str, str] = {}
    for string in strings:
        for match in drug_lexicon().find(map_chars(string)):
            name, identifier = drug_display(match.key, match.text)
            found.setdefault(drug_identity(name, identifier), name)
    return found


def _score_studied_drugs(corpus: CorpusReport, score: HitScore, doc: GoldDoc,
                         findings: Findings) -> None:
    gold = gold_drugs(s for key in TREATMENT_STRINGS for s in doc.strings.get(key, ()))
    predicted = {drug_identity(d.name, d.identifier): d for d in findings.drugs
                 if d.role == "studied"}
    score.docs += 1
    score.gold += len(gold)
    score.predicted += len(predicted)
    right = set(gold) & set(predicted)
    score.gold_found += len(right)
    score.predicted_matched += len(right)
    for identity, name in gold.items():
        if identity not in right:
            corpus.add_error("studied_drugs", _example("false_negative", doc, None, text=name))
    for identity, drug in predicted.items():
        if identity not in right:
            first = drug.mentions[0] if drug.mentions else None
            span = _span(doc, first) if first is not None else None
            corpus.add_error("studied_drugs", _example("false_positive", doc, span,
                                                       text=drug.name, detail=drug.name))


def gold_condition_ids(spans: Iterable[GoldSpan]) -> set[str]:
    """MeSH IDs of the disease names the vocabulary finds in the gold condition spans."""
    from extractor.nlp.vocabulary import disease_lexicon, disease_mesh_id

    ids = set()
    for span in spans:
        for match in disease_lexicon().find(map_chars(span.text)):
            mesh = disease_mesh_id(match.key)
            if mesh:
                ids.add(mesh)
    return ids


def _score_population(corpus: CorpusReport, score: HitScore, doc: GoldDoc, findings: Findings,
                      predicted: dict[str, list[Span]]) -> None:
    """The participants' condition, per document: a predicted population condition is right
    when a mention overlaps a gold condition span or its MeSH ID is that of a name in one."""
    gold = doc.annotations["conditions"]
    ids = gold_condition_ids(gold)
    score.docs += 1
    score.gold += 1
    found = False
    for condition in findings.conditions:
        if condition.role != "population":
            continue
        score.predicted += 1
        spans = [_span(doc, m) for m in condition.mentions]
        right = (condition.identifier in ids) or any(
            overlaps(g.start, g.end, s.start, s.end) for g in gold for s in spans)
        if right:
            score.predicted_matched += 1
            found = True
        else:
            corpus.add_error("population", _example(
                "false_positive", doc, spans[0] if spans else None, text=condition.name,
                detail=condition.name))
    if found:
        score.gold_found += 1
    else:
        corpus.add_error("population", _example("false_negative", doc, gold[0],
                                                f"{len(gold)} gold condition spans"))


def _count(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


# --------------------------------------------------------------------------------------------
# Rendering

_HEADER = (f"{'field':<15}{'scoring':<17}{'gold':>7}{'pred':>7}{'tp':>7}{'fp':>7}{'fn':>7}"
           f"{'prec':>7}{'recall':>7}{'F1':>7}")


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _row(name: str, scoring: str, gold: int, pred: int, tp: int, fp: int, fn: int,
         scores: Prf) -> str:
    return (f"{name:<15}{scoring:<17}{gold:>7}{pred:>7}{tp:>7}{fp:>7}{fn:>7}"
            f"{_fmt(scores.precision):>7}{_fmt(scores.recall):>7}{_fmt(scores.f1):>7}")


def _field_rows(name: str, score: FieldScore) -> list[str]:
    label = name + ("*" if isinstance(score, MentionScore) and not score.target else "")
    if isinstance(score, MentionScore):
        rows = [
            _row(label, "strict", score.gold, score.predicted, score.strict_tp,
                 score.predicted - score.strict_tp, score.gold - score.strict_tp, score.strict()),
            _row("", "overlap", score.gold, score.predicted, score.lenient_tp,
                 score.predicted - score.lenient_tp, score.gold - score.lenient_tp,
                 score.lenient()),
        ]
        if score.identifier_checked:
            rows.append(f"{'':<15}{'MeSH ID':<17}"
                        f"{_fmt(_ratio(score.identifier_right, score.identifier_checked)):>7}   "
                        f"{score.identifier_right} of {score.identifier_checked} strict matches "
                        f"carry the gold MeSH ID")
        return rows
    if isinstance(score, SampleSizeScore):
        return [
            f"{label:<15}{'accuracy':<17}{_fmt(score.accuracy):>7}   "
            f"{score.correct} right of {score.with_gold} documents with a gold total",
            f"{'':<15}{'coverage':<17}{_fmt(score.coverage):>7}   "
            f"{score.answered} answered; {score.answered_without_gold} more answered "
            f"without a gold total",
            f"{'':<15}{'acc. answered':<17}{_fmt(score.accuracy_answered):>7}   "
            f"{score.correct} right of {score.answered} answered",
        ]
    scoring = DOCUMENT_SCORING.get(name, "overlap" if name == "p_values" else "value+overlap")
    rows = [_row(label, scoring, score.gold, score.predicted, score.gold_found,
                 score.predicted - score.predicted_matched, score.gold - score.gold_found,
                 score.scores())]
    if name == "p_values":
        rows.append(f"{'':<15}{'operator+value':<17}"
                    f"{_fmt(_ratio(score.operator_value_right, score.checked)):>7}   "
                    f"{score.operator_value_right} right of {score.checked} found; "
                    f"{score.unparsed} gold texts without a number")
    elif score.gold_without_value:
        rows.append(f"{'':<15}{'':<17}{'':>7}   "
                    f"{score.gold_without_value} gold spans without a value not scored")
    return rows


_REVIEWER_HEADER = f"{'field':<18}{'prec':>7}{'recall':>7}{'F1':>7}   tp/predicted/labelled"


def _reviewer_rows(score: ReviewerScore) -> list[str]:
    """The reviewer's figures: one line per field (as score_reviewer.py prints them)."""
    lines = ["document-level labels, scored as a reviewer extracts a trial", _REVIEWER_HEADER,
             "-" * len(_REVIEWER_HEADER)]
    for name, counts in score.fields.items():
        lines.append(f"{name:<18}{counts.precision:>7.3f}{counts.recall:>7.3f}{counts.f1:>7.3f}"
                     f"   {counts.tp}/{counts.predicted}/{counts.gold}")
    sizes = score.sample_size
    lines.append(f"{'sample_size':<18}accuracy {sizes.accuracy:.3f} at coverage {sizes.coverage:.3f}"
                 f" ({sizes.right} right of {sizes.answered} answered, {sizes.gold} labelled; "
                 f"{sizes.answered_on_null} answered where none is labelled)")
    return lines


def render_table(report: Report) -> str:
    """One plain-text table per corpus (at most 100 columns wide)."""
    blocks = []
    for corpus in report.corpora.values():
        lines = [f"{corpus.name}: split {corpus.split}, {corpus.documents} documents"]
        if corpus.reviewer is not None:
            lines.extend(_reviewer_rows(corpus.reviewer))
        if corpus.fields:
            lines.extend([_HEADER, "-" * len(_HEADER)])
        for name, score in corpus.fields.items():
            lines.extend(_field_rows(name, score))
        if any(isinstance(s, MentionScore) and not s.target for s in corpus.fields.values()):
            lines.append("* not a target: scored against drug mentions, but the corpus also "
                         "annotates non-drug interventions")
        blocks.append("\n".join(lines))
    blocks.append(f"extractor {report.extractor_version}; {report.seconds:.1f} s "
                  f"({report.extract_seconds:.1f} s extracting)")
    return "\n\n".join(blocks) + "\n"


_KIND_TITLES = {"false_positive": "false positives", "false_negative": "false negatives",
                "boundary": "right place, wrong boundary or value"}


def _context(example: ErrorExample, width: int = 100, indent: str = "      ") -> list[str]:
    text = example.doc_text
    if example.start is None or example.end is None or not text:
        return []
    lo, hi = sentence_at(text, example.start)
    lo, hi = min(lo, example.start), max(hi, example.end)
    marked = (text[lo:example.start] + "[[" + text[example.start:example.end] + "]]"
              + text[example.end:hi])
    return textwrap.wrap(" ".join(marked.split()), width=width, initial_indent=indent,
                         subsequent_indent=indent)


def _reviewer_errors(corpus: CorpusReport, score: ReviewerScore, n: int) -> list[str]:
    """Per field, the false findings and the misses grouped by kind (most first, with their
    counts), with up to ``n`` examples of each kind in their sentence."""
    lines: list[str] = []
    for name in (*score.fields, "sample_size"):
        for false in (True, False):
            errors = [e for e in score.errors if e.field == name and e.false is false]
            if not errors:
                continue
            kinds = Counter(e.kind for e in errors)
            title = "false findings" if false else "misses"
            lines.append(f"{corpus.name} / {name}: {len(errors)} {title}: "
                         + "; ".join(f"{kind} {count}" for kind, count in kinds.most_common()))
            for kind, count in kinds.most_common():
                shown = [e for e in errors if e.kind == kind][:n]
                lines.append(f"  {kind} ({len(shown)} of {count})")
                for error in shown:
                    text, _, start, end = error.evidence
                    lines.append(f"    {error.doc_id}  {error.value}")
                    lines.extend(_context(ErrorExample("false_positive", error.doc_id, text, start,
                                                       end, doc_text=corpus.texts.get(error.doc_id, "")),
                                          indent="        "))
            lines.append("")
    return lines


def render_errors(report: Report, n: int) -> str:
    """Up to ``n`` false positives, false negatives and boundary misses per field, in context
    (for document-level labels: per kind of error, with the counts of every kind)."""
    lines: list[str] = []
    for corpus in report.corpora.values():
        if corpus.reviewer is not None and n > 0:
            lines.extend(_reviewer_errors(corpus, corpus.reviewer, n))
        for name in corpus.fields:
            examples = corpus.errors.get(name, [])
            for kind, title in _KIND_TITLES.items():
                of_kind = [e for e in examples if e.kind == kind]
                if not of_kind or n <= 0:
                    continue
                lines.append(f"{corpus.name} / {name}: {title} "
                             f"({min(n, len(of_kind))} of {len(of_kind)})")
                for example in of_kind[:n]:
                    detail = f"  ({example.detail})" if example.detail else ""
                    lines.append(f"  {example.doc_id}  {example.text!r}{detail}")
                    lines.extend(_context(example))
                lines.append("")
    return "\n".join(lines)


def _prf_json(scores: Prf) -> dict[str, float | None]:
    return {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1}


def field_to_json(name: str, score: FieldScore) -> dict[str, Any]:
    """The figures of one field, as in the table."""
    if isinstance(score, MentionScore):
        return {
            "kind": "mentions", "target": score.target, "docs": score.docs,
            "gold": score.gold, "predicted": score.predicted,
            "strict": {"tp": score.strict_tp, "fp": score.predicted - score.strict_tp,
                       "fn": score.gold - score.strict_tp, **_prf_json(score.strict())},
            "lenient": {"tp": score.lenient_tp, "fp": score.predicted - score.lenient_tp,
                        "fn": score.gold - score.lenient_tp, **_prf_json(score.lenient())},
            "identifier": {"checked": score.identifier_checked,
                           "right": score.identifier_right,
                           "agreement": _ratio(score.identifier_right, score.identifier_checked)},
        }
    if isinstance(score, SampleSizeScore):
        return {
            "kind": "sample_size", "docs": score.docs, "with_gold": score.with_gold,
            "answered": score.answered, "correct": score.correct,
            "answered_without_gold": score.answered_without_gold,
            "accuracy": score.accuracy, "coverage": score.coverage,
            "accuracy_answered": score.accuracy_answered,
        }
    out: dict[str, Any] = {
        "kind": "hits", "docs": score.docs, "gold": score.gold,
        "gold_without_value": score.gold_without_value, "predicted": score.predicted,
        "tp": score.gold_found, "fp": score.predicted - score.predicted_matched,
        "fn": score.gold - score.gold_found, "predicted_matched": score.predicted_matched,
        **_prf_json(score.scores()),
    }
    if name == "p_values":
        out["operator_value"] = {
            "checked": score.checked, "right": score.operator_value_right,
            "unparsed": score.unparsed,
            "accuracy": _ratio(score.operator_value_right, score.checked),
        }
    return out


def report_to_json(report: Report, errors: int = 0) -> dict[str, Any]:
    """The report as JSON-ready data; ``errors`` > 0 adds that many examples per kind."""
    corpora: dict[str, Any] = {}
    for name, corpus in report.corpora.items():
        entry: dict[str, Any] = {
            "split": corpus.split, "documents": corpus.documents,
            "fields": {f: field_to_json(f, s) for f, s in corpus.fields.items()},
        }
        if corpus.reviewer is not None:
            entry["reviewer"] = reviewer_to_json(corpus.reviewer, errors)
        if errors > 0:
            entry["errors"] = {
                f: {kind: [{"doc_id": e.doc_id, "text": e.text, "start": e.start,
                            "end": e.end, "detail": e.detail}
                           for e in corpus.errors.get(f, []) if e.kind == kind][:errors]
                    for kind in _KIND_TITLES}
                for f in corpus.fields}
        corpora[name] = entry
    return {"corpora": corpora, "extractor_version": report.extractor_version,
            "seconds": round(report.seconds, 3),
            "extract_seconds": round(report.extract_seconds, 3)}


def reviewer_to_json(score: ReviewerScore, errors: int = 0) -> dict[str, Any]:
    """The reviewer's figures as score_reviewer.py writes them (``--json``), and the count of
    every kind of error (with ``errors`` examples of each when ``errors`` > 0)."""
    out: dict[str, Any] = {
        name: {"p": round(c.precision, 4), "r": round(c.recall, 4), "f1": round(c.f1, 4),
               "tp": c.tp, "pred": c.predicted, "gold": c.gold}
        for name, c in score.fields.items()}
    sizes = score.sample_size
    out["sample_size"] = {"accuracy": round(sizes.accuracy, 4), "coverage": round(sizes.coverage, 4),
                          "right": sizes.right, "answered": sizes.answered, "gold": sizes.gold,
                          "answered_on_null": sizes.answered_on_null}
    kinds: dict[str, dict[str, int]] = {}
    for error in score.errors:
        group = kinds.setdefault(f"{error.field} {'false' if error.false else 'missed'}", {})
        group[error.kind] = group.get(error.kind, 0) + 1
    out["error_kinds"] = kinds
    if errors > 0:
        out["errors"] = [{"field": e.field, "false": e.false, "kind": e.kind, "doc_id": e.doc_id,
                          "value": e.value, "text": e.evidence[0]} for e in score.errors]
    return out
