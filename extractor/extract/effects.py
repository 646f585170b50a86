"""Article -> effect estimates: ``HR 0.72 (95% CI 0.61-0.85; P < .001)``.

A named comparison measure (``patterns.effects``) with a value and an interval, in the title or
an abstract section. The interval is either labelled ("95% CI", "confidence interval") or in
brackets right after the value ("odds ratio of 2.1 (1.3 to 3.4)"). More values of the same
measure may follow in a list ("ORs were 1.5 (1.1-2.0) and 2.3 (1.4-3.8)").

Not kept: an abbreviation the article defines as something else ("heart rate (HR)",
"operating room (OR)"), a ratio that is not positive. An interval printed the wrong way round
("OR 2.69, CI 7.24-1.00") is kept as printed: the checks flag it. The P value printed with an
estimate (inside its brackets, or right after it) is linked by its position in the P value
findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extractor.extract.patterns.effects import (
    ABBREVIATED_MEASURES,
    ADJUSTED_ABBREVIATIONS,
    COMPARISON_RE,
    EFFECT_ESTIMATE_RE,
    LIST_ITEM_RE,
    SPELLED_MEASURE_RES,
    spelled_measure,
)
from extractor.extract.pvalues import PValuePlaces
from extractor.kinds import EffectMeasure
from extractor.models import RATIO_MEASURES, EffectEstimate, PValue
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection

# What may stand between an estimate's upper bound and its own P value: "; P < .001)",
# "), P = 0.02", ", p=0.01", " (P = .03)", "] L, p = 0.9" (a unit).
_TO_OWN_P = re.compile(r"%?[)\]]?(?:\s?[A-Za-z%/]{1,6})?\s?[)\]]?\s?[,;]?\s?(?:[(\[]\s?)?$")
_P_REACH = 30    # characters after the upper bound where its P may start
# A P value of another test printed next to an estimate: "P for interaction = .04".
_OTHER_TEST = re.compile(r"interaction|trend|heterogeneity|\bhet|\bint\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Hit:
    measure: EffectMeasure
    adjusted: bool
    start: int
    end: int
    value: str
    lower: str
    upper: str
    level: str | None
    abbreviation: str | None = None


def extract_effect_estimates(analysed: AnalysedArticle,
                             p_values: Sequence[PValue]) -> list[EffectEstimate]:
    """Effect estimates of the title and abstract sections, in text order; ``p_values`` are the
    article's P value findings (an estimate's ``p_value`` is a position in this list)."""
    redefined = _redefined_abbreviations(analysed)
    places = PValuePlaces(p_values)
    found: list[EffectEstimate] = []
    for section in analysed.sections:
        for hit in find_effect_estimates(section.text):
            if hit.abbreviation in redefined:
                continue
            estimate = _estimate(section, hit, p_values, places)
            if estimate is not None:
                found.append(estimate)
    return found


def find_effect_estimates(text: str) -> Iterator[_Hit]:
    """Every estimate of ``text``: each head match and the list items after it."""
    done = 0
    for match in EFFECT_ESTIMATE_RE.finditer(text):
        if match.start() < done:
            continue   # inside a list already read: "HR 1.45 (...), TIMI major HR 1.28 (...)"
        measure, adjusted = _measure(match)
        abbreviation = match.group("abbreviation")
        yield _hit(measure, adjusted, match.start(), match, abbreviation)
        done = match.end()
        while (item := LIST_ITEM_RE.match(text, done)) is not None:
            yield _hit(measure, adjusted, item.start("value"), item, abbreviation)
            done = item.end()


def _hit(measure: EffectMeasure, adjusted: bool, start: int, match: re.Match[str],
         abbreviation: str | None) -> _Hit:
    return _Hit(measure, adjusted, start, match.end("upper"), match.group("value"),
                match.group("lower"), match.group("upper"),
                match.group("level") or match.group("level_after"), abbreviation)


def _measure(match: re.Match[str]) -> tuple[EffectMeasure, bool]:
    adjusted = bool(match.group("adjusted"))
    abbreviation = match.group("abbreviation")
    if abbreviation is not None:
        return ABBREVIATED_MEASURES[abbreviation], adjusted or abbreviation in ADJUSTED_ABBREVIATIONS  # type: ignore[return-value]
    spelled = match.group("spelled")
    code = spelled_measure(match)
    return code, adjusted or spelled.lower().startswith("adjusted")  # type: ignore[return-value]


def _redefined_abbreviations(analysed: AnalysedArticle) -> set[str]:
    """Measure abbreviations the article defines as something else ("heart rate (HR)")."""
    return {short for section in analysed.sections
            for short, (long_form, _, _) in section.abbreviations.items()
            if short in ABBREVIATED_MEASURES
            and not any(pattern.search(long_form) for pattern, _ in SPELLED_MEASURE_RES)}


def _number(text: str) -> float:
    """``"1,234.5"`` -> 1234.5, ``"- \u00a3448"`` -> -448."""
    return float(re.sub(r"[,\s\u00a3$\u20ac\u00a5]", "", text))


def decimals(text: str) -> int:
    """Digits after the decimal point as printed: ``"0.85"`` -> 2, ``"12"`` -> 0."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def _estimate(section: AnalysedSection, hit: _Hit, p_values: Sequence[PValue],
              places: PValuePlaces) -> EffectEstimate | None:
    value, lower, upper = _number(hit.value), _number(hit.lower), _number(hit.upper)
    if hit.measure in RATIO_MEASURES and (value <= 0 or min(lower, upper) < 0):
        return None    # no ratio; a bound printed as 0 is a rounded one ("95% CI 0-0.83")
    sentence = section.sentence_at(hit.start)
    sentence_text = section.sentence_text(sentence)
    return EffectEstimate(
        text=section.text[hit.start:hit.end], start=hit.start, end=hit.end,
        section=section.label, section_index=section.index,
        measure=hit.measure, adjusted=hit.adjusted, value=value, lower=lower, upper=upper,
        level=float(hit.level) if hit.level else 95.0,
        value_decimals=decimals(hit.value), lower_decimals=decimals(hit.lower),
        upper_decimals=decimals(hit.upper),
        p_value=_own_p_value(section, hit.end, p_values, places),
        comparison=_comparison(section.text, sentence.start, sentence.end, hit.start),
        sentence=sentence_text,
    )


def _own_p_value(section: AnalysedSection, end: int, p_values: Sequence[PValue],
                 places: PValuePlaces) -> int | None:
    """Position of the P value printed right after the interval ending at ``end``, or None."""
    for position in places.starting_in(section.index, end, end + _P_REACH):
        p_value = p_values[position]
        if _TO_OWN_P.match(section.text[end:p_value.start]) and not _OTHER_TEST.search(p_value.text):
            return position
    return None


def _comparison(text: str, start: int, end: int, at: int) -> str | None:
    """The "A versus B" of the sentence ``text[start:end]`` nearest before ``at`` (else the
    first after it), or None."""
    found = list(COMPARISON_RE.finditer(text, start, end))
    before = [m for m in found if m.start() < at]
    chosen = before[-1] if before else (found[0] if found else None)
    return None if chosen is None else chosen.group()
