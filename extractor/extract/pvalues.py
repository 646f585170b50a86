"""Article -> P values: ``P = .002``, ``p<0.001``, ``P for trend = 0.01``, ``P = 2 × 10^-5``.

Each value found in the title or an abstract section becomes a ``PValue`` with the operator and
the number as written, the exact evidence text and its offsets, and the enclosing sentence.
A list after one P (``P < 0.05, 0.01 and 0.001, respectively``) gives one ``PValue`` per value,
each with its own span. What is seen but not kept goes to ``doubts``:

- values outside [0, 1] (``P = 1.5``, ``P < 5``) and percentages (``P<5%``);
- a value printed as a bare ``0`` (``P = 0.``, ``P < 0``): the digits after the point were lost
  or never printed, and a P value of exactly 0 is not a readable result;
- ``P = NS`` (no number);
- significance thresholds (``A P value < 0.05 was considered significant``), which state the
  test level, not a result.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from extractor.extract.patterns.pvalues import (
    P_LIST_ITEM_RE,
    P_NOT_SIGNIFICANT_RE,
    P_VALUE_RE,
    SIGNIFICANCE_THRESHOLD_AFTER_RE,
    SIGNIFICANCE_THRESHOLD_BEFORE_RE,
)
from extractor.extract.result import Extraction, unread_doubts
from extractor.kinds import DoubtCode, Operator
from extractor.models import Doubt, PValue
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection

FIELD: Literal["p_values"] = "p_values"

# Comparator as written (lower-cased, spaces removed) -> operator.
_OPERATORS: dict[str, Operator] = {
    "=": "=", "\uff1d": "=", "equalto": "=", "equals": "=", "equalled": "=", "equaled": "=",
    "<": "<", "\uff1c": "<", "lessthan": "<", "lowerthan": "<", "smallerthan": "<",
    "below": "<", "under": "<",
    ">": ">", "\uff1e": ">", "greaterthan": ">", "morethan": ">", "higherthan": ">",
    "largerthan": ">", "above": ">",
    "<=": "<=", "=<": "<=", "</=": "<=", "<or=": "<=", "\u2264": "<=", "\u2a7d": "<=",
    "\u2266": "<=", "lessthanorequalto": "<=", "lowerthanorequalto": "<=",
    "smallerthanorequalto": "<=",
    ">=": ">=", "=>": ">=", ">/=": ">=", ">or=": ">=", "\u2265": ">=", "\u2a7e": ">=",
    "\u2267": ">=", "greaterthanorequalto": ">=", "morethanorequalto": ">=",
    "higherthanorequalto": ">=", "largerthanorequalto": ">=",
}

_SUPERSCRIPTS = str.maketrans(
    "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789"
)
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u207b": "-", " ": None})


@dataclass(frozen=True)
class PValueHit:
    """One value read from the text, before it is checked and turned into a PValue."""

    start: int
    end: int
    operator: Operator
    value: float
    percent: bool
    bare_zero: bool = False


# "P = 0." / "P < 0": a zero with no digit after it (not "P = 0.000", which says "< 0.0005").
_BARE_ZERO = re.compile(r"0+")


def _is_bare_zero(match: re.Match[str]) -> bool:
    """The value of a ``P_NUMBER`` / ``P_LIST_ITEM`` match is printed as a bare zero."""
    number = match.groupdict().get("number")
    return number is not None and _BARE_ZERO.fullmatch(number) is not None


def parse_operator(written: str | None) -> Operator:
    """``"< or ="`` -> ``"<="``, ``"less than"`` -> ``"<"``; no comparator means ``"="``.

    >>> parse_operator("<or=")
    '<='
    """
    if written is None:
        return "="
    key = re.sub(r"\s+", "", written.lower())
    if key.startswith("=") and len(key) == 2 and key[1] in "<>\u2264\u2265":
        # "p = <0.001" (with a space) reads as "<"; "=<" typed as one token reads as "<="
        key = key if written.strip() in ("=<", "=>") else key[1]
    return _OPERATORS[key]


def parse_number(match: re.Match[str]) -> float:
    """The float of a ``P_NUMBER`` / ``P_LIST_ITEM`` match: ``.002``, ``2 × 10^-5``, ``2.1e-5``."""
    groups = match.groupdict()
    names = ("exponent", "exponent_b", "exponent_c", "exponent_d")
    exponent = next((groups[name] for name in names if groups.get(name)), None)
    if exponent is None and groups.get("sup_exponent"):
        exponent = "-" + groups["sup_exponent"].translate(_SUPERSCRIPTS)
    if exponent is not None:
        mantissa = (groups.get("mantissa") or "1").replace("\u00b7", ".")
        return float(f"{mantissa}e{exponent.translate(_MINUSES)}")
    if groups.get("e_exponent"):
        return float(f"{groups['e_mantissa']}e{groups['e_exponent'].translate(_MINUSES)}")
    if groups.get("split_decimal"):
        return float(groups["split_decimal"].replace(" ", ""))
    if groups.get("comma_decimal"):
        return float(groups["comma_decimal"].replace(",", "."))
    return float(groups["number"].replace("\u00b7", "."))


def _is_threshold(text: str, start: int, end: int, sentence_start: int) -> bool:
    """True for a significance level ("P < 0.05 was considered significant"), not a result."""
    after = text[end:end + 120]
    before = text[max(sentence_start, start - 80):start]
    return bool(
        SIGNIFICANCE_THRESHOLD_AFTER_RE.search(after)
        or SIGNIFICANCE_THRESHOLD_BEFORE_RE.search(before)
    )


def find_p_values(text: str) -> list[PValueHit]:
    """Every P value in ``text``: the head match and any list items after it."""
    hits: list[PValueHit] = []
    for match in P_VALUE_RE.finditer(text):
        if match.group("op") is None and match.group("link") is None and not match.group(
            "value_word"
        ):
            continue  # "P 450", "p 53": a P and a number with nothing saying it is a P value
        operator = parse_operator(match.group("op"))
        hits.append(
            PValueHit(match.start(), match.end(), operator, parse_number(match),
                      bool(match.group("percent")), _is_bare_zero(match))
        )
        if match.group("percent"):
            continue
        position = match.end()
        while (item := P_LIST_ITEM_RE.match(text, position)) is not None:
            item_operator = parse_operator(item.group("op")) if item.group("op") else operator
            hits.append(
                PValueHit(item.start("item"), item.end("item"), item_operator,
                          parse_number(item), False, _is_bare_zero(item))
            )
            position = item.end()
    return hits


def extract_p_values(analysed: AnalysedArticle) -> Extraction[PValue]:
    """P values of the title and abstract sections, in text order.

    A significance level the methods state ("P < 0.05 was considered significant") is listed
    with ``threshold`` set. Doubts: rejected values (out of [0, 1], percentages, a bare ``0``,
    ``P = NS``).
    """
    found: list[PValue] = []
    doubts: list[Doubt] = []
    for section in analysed.sections:
        values, rejected = _section_p_values(section)
        found.extend(values)
        doubts.extend(rejected)
    return Extraction(found, [*doubts, *unread_doubts(analysed, FIELD)])


def _rejection(section: AnalysedSection, hit: PValueHit,
               sentence_start: int) -> tuple[DoubtCode, str, float | None] | None:
    """Why a value read as a P value is not kept as one (its doubt's code, reason and bound),
    or None."""
    if hit.percent:
        return "p_percentage", "P value written as a percentage", None
    if hit.bare_zero:
        return "p_bare_zero", "P value printed as 0, no significant digit", None
    if not 0.0 <= hit.value <= 1.0:
        return "p_out_of_range", f"P value {hit.value:g} outside [0, 1]", 1.0
    return None


def _section_p_values(section: AnalysedSection) -> tuple[list[PValue], list[Doubt]]:
    text, label, index = section.text, section.label, section.index
    found: list[PValue] = []
    doubts: list[Doubt] = []
    for hit in find_p_values(text):
        evidence = text[hit.start:hit.end]
        sentence = section.sentence_at(hit.start)
        rejection = _rejection(section, hit, sentence.start)
        if rejection is not None:
            code, reason, bound = rejection
            doubts.append(Doubt(field=FIELD, code=code, reason=reason, value=hit.value, bound=bound,
                                text=evidence, section=label, section_index=index,
                                start=hit.start, end=hit.end))
            continue
        found.append(PValue(text=evidence, start=hit.start, end=hit.end, section=label,
                            section_index=index, operator=hit.operator, value=hit.value,
                            sentence=section.sentence_text(sentence),
                            threshold=_is_threshold(text, hit.start, hit.end, sentence.start)))
    for match in P_NOT_SIGNIFICANT_RE.finditer(text):
        doubts.append(Doubt(field=FIELD, code="p_not_significant",
                            reason="P value given as not significant, no number",
                            text=match.group(), section=label, section_index=index,
                            start=match.start(), end=match.end()))
    return found, doubts


class PValuePlaces:
    """Where an article's P values start, per section, to find those inside a span in
    logarithmic time (an abstract may print thousands; the effect estimates and the checks ask
    for the P values near each of theirs). Thresholds are left out: they are no result."""

    def __init__(self, p_values: Sequence[PValue]) -> None:
        self._starts: dict[int, list[int]] = {}
        self._positions: dict[int, list[int]] = {}
        for position, p_value in sorted(enumerate(p_values), key=lambda item: item[1].start):
            if p_value.threshold:
                continue   # a stated significance level is no finding's P value
            self._starts.setdefault(p_value.section_index, []).append(p_value.start)
            self._positions.setdefault(p_value.section_index, []).append(position)

    def starting_in(self, section_index: int, low: int, high: int) -> list[int]:
        """Positions (in the list given) of the P values of the section starting at ``low``
        to ``high``, both included, in text order."""
        starts = self._starts.get(section_index, [])
        first, last = bisect_left(starts, low), bisect_right(starts, high)
        return self._positions.get(section_index, [])[first:last]
