"""Read gold-standard JSONL files (format: shared/gold/FORMAT.md) for ``extract evaluate``.

One JSON object per line::

    {"id": "ctro:dm2_15562200", "pmid": "15562200", "corpus": "ctro", "split": "dev",
     "title": "...", "abstract": "...", "annotations": {"p_values": [{"text": "P <0.0001",
     "start": 1012, "end": 1021, "kind": "PvalueDiff"}], ...}}

``TEXT`` is ``title + " " + abstract`` when the title is non-empty, else ``abstract``; span
offsets are 0-based, end-exclusive offsets into ``TEXT`` and ``TEXT[start:end] == text``.
``annotations`` holds only the keys a corpus annotates: an absent key is "not annotated", an
empty list is "annotated, none here". A record may instead carry ``labels``: document-level
labels the way a systematic reviewer extracts a trial (``reviewer.jsonl``: drugs, conditions,
sample size, responses, P values, effect estimates, and ``<field>_optional`` items only one
annotator gave), kept as given and scored by ``evaluate.reviewer``. Keys this module does not
use are skipped, so users can
bring their own file in the same format (``pmid``, ``split`` and ``title`` may be missing:
they default to null, null and ""). Every malformed line raises :class:`GoldFormatError`
naming ``file:line``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError

# The annotation keys ``extract evaluate`` knows; any other key is ignored.
MENTION_FIELDS = ("chemicals", "diseases", "interventions", "conditions")
COUNT_FIELDS = ("sample_size", "arm_sizes", "responders")
GOLD_FIELDS = (*MENTION_FIELDS, *COUNT_FIELDS, "p_values")
# Document-level lists of strings, no offsets (Evidence Inference): what the trial compared.
STRING_FIELDS = ("interventions_text", "comparators_text", "outcomes_text")


_Fail = Callable[[str], "GoldFormatError"]


class GoldFormatError(ExtractorError):
    """A line of a gold file is not a record of the gold format (names ``file:line``)."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        super().__init__(f"{source}:{line}: {reason}" if line else f"{source}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class GoldSpan:
    """One annotated span; ``value`` is the stated count (count fields only, may be None);
    ``identifier`` the corpus's concept ID of a mention (its ``mesh`` key), when it gives one."""

    text: str
    start: int
    end: int
    value: int | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class GoldDoc:
    """One annotated document. ``annotations`` maps each annotated field to its spans."""

    id: str
    pmid: str | None
    corpus: str
    split: str | None
    title: str
    abstract: str
    annotations: Mapping[str, tuple[GoldSpan, ...]] = field(default_factory=dict)
    strings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # (label, text) of the abstract's sections when the record gives them and they make up
    # the abstract ("Label: text" joined by spaces); empty otherwise.
    sections: tuple[tuple[str, str], ...] = ()
    # Document-level labels (``labels``), or None when the record has span annotations.
    labels: Mapping[str, Any] | None = None

    @property
    def text(self) -> str:
        """``TEXT``: what every gold offset indexes."""
        return f"{self.title} {self.abstract}" if self.title else self.abstract


def load_gold(paths: Iterable[Path], split: str | None = None) -> list[GoldDoc]:
    """Every document of ``paths`` in file order, only those of ``split`` when it is given."""
    docs: list[GoldDoc] = []
    for path in paths:
        docs.extend(doc for doc in read_gold(path) if split is None or doc.split == split)
    return docs


def read_gold(path: Path) -> Iterator[GoldDoc]:
    """The documents of one gold file; blank lines are skipped."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below; open errors named apart
    except OSError as exc:
        raise GoldFormatError(str(path), None, f"cannot read file: {exc.strerror or exc}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise GoldFormatError(str(path), number, f"not UTF-8 ({exc.reason})") from exc
            if line.strip():
                yield parse_gold_line(line, str(path), number)


def parse_gold_line(line: str, source: str = "<string>", number: int = 1) -> GoldDoc:
    """One JSONL line -> :class:`GoldDoc`; ``source`` and ``number`` name it in errors."""

    def fail(reason: str) -> GoldFormatError:
        return GoldFormatError(source, number, reason)

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise fail(f"expected a JSON object, got {type(record).__name__}")

    doc_id = _required_str(record, "id", fail)
    corpus = _required_str(record, "corpus", fail)
    abstract = _required_str(record, "abstract", fail)
    title = _optional_str(record, "title", fail) or ""
    pmid = _optional_str(record, "pmid", fail)
    split = _optional_str(record, "split", fail)
    labels = record.get("labels")
    if labels is not None:
        return GoldDoc(id=doc_id, pmid=pmid, corpus=corpus, split=split, title=title,
                       abstract=abstract, labels=_labels(labels, doc_id, fail),
                       sections=_sections(record.get("sections"), abstract))
    annotations = record.get("annotations")
    if not isinstance(annotations, dict):
        raise fail(f"{doc_id}: 'annotations' (or document-level 'labels') must be an object")

    text = f"{title} {abstract}" if title else abstract
    parsed: dict[str, tuple[GoldSpan, ...]] = {}
    for key in GOLD_FIELDS:
        if key not in annotations:
            continue
        spans = annotations[key]
        if not isinstance(spans, list):
            raise fail(f"{doc_id}: annotations.{key} must be a list")
        parsed[key] = tuple(
            _parse_span(span, text, f"{doc_id}: annotations.{key}[{i}]", fail)
            for i, span in enumerate(spans)
        )
    strings: dict[str, tuple[str, ...]] = {}
    for key in STRING_FIELDS:
        if key in annotations:
            values = annotations[key]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise fail(f"{doc_id}: annotations.{key} must be a list of strings")
            strings[key] = tuple(values)
    return GoldDoc(id=doc_id, pmid=pmid, corpus=corpus, split=split, title=title,
                   abstract=abstract, annotations=parsed, strings=strings,
                   sections=_sections(record.get("sections"), abstract))


# Document-level label keys and what each must hold (a list, or an integer or null).
LABEL_LISTS = ("drugs", "conditions", "sample_size_alternatives", "responses", "p_values",
               "effect_estimates")


def _labels(value: Any, doc_id: str, fail: _Fail) -> dict[str, Any]:
    """``labels`` checked for shape: every list key a list (``<key>_optional`` too), the sample
    size an integer or null, each response a pair of integers, each P value an operator and a
    number, each effect estimate three numbers."""
    if not isinstance(value, dict):
        raise fail(f"{doc_id}: 'labels' must be an object")
    for key in LABEL_LISTS:
        for name in (key, f"{key}_optional"):
            if name in value and not isinstance(value[name], list):
                raise fail(f"{doc_id}: labels.{name} must be a list")
    size = value.get("sample_size")
    if size is not None and not _is_int(size):
        raise fail(f"{doc_id}: labels.sample_size must be an integer or null")
    for name in ("responses", "responses_optional"):
        for i, item in enumerate(value.get(name, [])):
            if not (isinstance(item, dict) and _is_int(item.get("responders"))
                    and _is_int(item.get("total"))):
                raise fail(f"{doc_id}: labels.{name}[{i}] must have integer responders and total")
    for name in ("p_values", "p_values_optional"):
        for i, item in enumerate(value.get(name, [])):
            if not (isinstance(item, dict) and isinstance(item.get("operator"), str)
                    and _is_number(item.get("value"))):
                raise fail(f"{doc_id}: labels.{name}[{i}] must have an operator and a value")
    for name in ("effect_estimates", "effect_estimates_optional"):
        for i, item in enumerate(value.get(name, [])):
            if not (isinstance(item, dict)
                    and all(_is_number(item.get(k)) for k in ("value", "ci_low", "ci_high"))):
                raise fail(f"{doc_id}: labels.{name}[{i}] must have value, ci_low and ci_high")
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sections(value: Any, abstract: str) -> tuple[tuple[str, str], ...]:
    """The record's ``sections`` as (label, text), when they are well formed and joined as
    "Label: text" with single spaces they are exactly the abstract; else none."""
    if not isinstance(value, list) or not value:
        return ()
    if not all(isinstance(s, dict) and isinstance(s.get("label"), str)
               and isinstance(s.get("text"), str) for s in value):
        return ()
    sections = tuple((s["label"], s["text"]) for s in value)
    joined = " ".join(f"{label}: {text}" if label else text for label, text in sections)
    return sections if joined == abstract else ()


def _parse_span(span: Any, text: str, where: str, fail: _Fail) -> GoldSpan:
    if not isinstance(span, dict):
        raise fail(f"{where} must be an object")
    start, end, span_text = span.get("start"), span.get("end"), span.get("text")
    # bool is an int subclass: reject true/false explicitly.
    if not (_is_int(start) and _is_int(end)):
        raise fail(f"{where}: 'start' and 'end' must be integers")
    assert isinstance(start, int) and isinstance(end, int)  # for the type checker
    if not isinstance(span_text, str):
        raise fail(f"{where}: 'text' must be a string")
    if not 0 <= start <= end <= len(text):
        raise fail(f"{where}: offsets {start}-{end} outside TEXT of {len(text)} characters")
    if text[start:end] != span_text:
        raise fail(f"{where}: TEXT[{start}:{end}] is {text[start:end]!r}, not {span_text!r}")
    value = span.get("value")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise fail(f"{where}: 'value' must be an integer or null")
    identifier = span.get("mesh")
    if identifier is not None and not isinstance(identifier, str):
        raise fail(f"{where}: 'mesh' must be a string or null")
    return GoldSpan(text=span_text, start=start, end=end, value=value, identifier=identifier)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _required_str(record: dict[str, Any], key: str, fail: _Fail) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise fail(f"missing or non-string {key!r}" if value is None
                   else f"{key!r} must be a string, got {type(value).__name__}")
    return value


def _optional_str(record: dict[str, Any], key: str, fail: _Fail) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise fail(f"{key!r} must be a string or null, got {type(value).__name__}")
    return value
