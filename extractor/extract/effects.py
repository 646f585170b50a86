"""Article -> effect estimates: ``HR 0.72 (95% CI 0.61-0.85; P < .001)``.

A named comparison measure (``patterns.effects``), or a coefficient or effect size named by its
symbol ("B=3.62", "d=0.89"), with a value and an interval, in the title or an abstract section.
The interval is labelled ("95% CI", "confidence interval"), in brackets right after the value
("odds ratio of 2.1 (1.3 to 3.4)"), or after a comma in the Lancet's style ("HR 0.43,
0.19-0.97; p=0.04"). More values of the same measure may follow in a list ("ORs were 1.5
(1.1-2.0) and 2.3 (1.4-3.8)"), until another measure is named.

A measure's short form the article defines with a measure's name is that measure ("absolute
risk reduction (ARR)": an RD, not the adjusted RR "ARR" usually is). Not kept: an abbreviation
the article defines as something else ("heart rate (HR)", "operating room (OR)"), a ratio that
is not positive, a coefficient right after a group's name (that group's own slope). An interval
printed the wrong way round ("OR 2.69, CI 7.24-1.00") is kept as printed: the checks flag it.
The P value printed with an estimate (between its value and its interval, inside its brackets,
or right after it) is linked by its position in the P value findings.

A value first in its bracket with a labelled interval and no measure named ("these differences
remained significant only for depression (-0.7, 95% CI -1.2 to -0.2)") is an estimate when the
words before it in its sentence compare groups, and it is no group's own value (not right after a
group's name, not one of a pair "A (x; CI) than B (y; CI)"): a difference, or the ratio named
before it in the sentence when it reads as one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from extractor.extract.patterns.effects import (
    ABBREVIATED_MEASURES,
    ADJUSTED_ABBREVIATIONS,
    COMPARISON_RE,
    EFFECT_ESTIMATE_RE,
    LIST_ITEM_RE,
    SPELLED_MEASURE_RES,
    UNNAMED_RE,
    spelled_measure,
)
from extractor.extract.pvalues import PValuePlaces
from extractor.kinds import EffectMeasure
from extractor.models import RATIO_MEASURES, EffectEstimate, PValue
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection

# The adjusted prefix of a defined long form: "adjusted relative risk (ARR)".
_ADJUSTED_FORM = re.compile(r"^(?:adjusted|multivariable(?:-adjusted)?|multivariate)\s", re.IGNORECASE)
# Any measure's name, spelled or short: "with a risk difference of", "adjusted OR".
_MEASURE_NAME = re.compile(
    "|".join(f"(?i:{pattern.pattern})" for pattern, _ in SPELLED_MEASURE_RES)
    + "|(?<![A-Za-z0-9-])(?:"
    + "|".join(re.escape(short) for short in sorted(ABBREVIATED_MEASURES, key=len, reverse=True))
    + ")(?![A-Za-z0-9])")
# Right after a "definition": the estimate the short form names, so the words before its
# bracket are no long form ("higher than 1 (HR, 1.23; 95% CI, 0.90-1.70)").
_ESTIMATE_AFTER = r"\s?[(\[]{short}\s?[,:=]?\s?[-+]?\.?\d"

# Words that compare groups, before an unnamed value in its sentence: "compared with placebo",
# "versus", "lower than", "did not differ", "these differences", "between groups", "intervention
# effects", "in favour of", "placebo-corrected".
_COMPARES = re.compile(
    r"\b(?:compared\s(?:with|to)|versus|vs\b|relative\sto|than|differ\w*|"
    r"between[-\s](?:the\s)?(?:two\s|study\s|treatment\s)?groups?|"
    r"(?:treatment|intervention)\s+effects?|in\sfavou?r\sof|favou?ring|placebo-corrected)\b",
    re.IGNORECASE)
_COMPARES_REACH = 250    # characters before the value where the comparing words may be
# A group's own value: its bracket right after the group's name ("in the Internet group (68.9;
# 95% CI ...)", "patients assigned to the control conditions (B=-.20, 95% CI ...)") ...
# "(24.3%; 90% CI ...) and the paclitaxel treatment arm (25.2%; 90% CI ...)" (not "different
# between study groups (0.08 points; 95% CI ...)" or "between the intervention and control groups
# (...)", which compare them)
_GROUP_BEFORE = re.compile(
    r"(?:\b(?:in|of|for|with|to)\s(?:the\s)?(?:[\w+/-]+\s){0,4}(?:groups?|arms?|cohorts?|conditions?)"
    r"|\b(?:and|or|versus|vs\.?)\s(?:the\s)?(?:[\w+/-]+\s){0,4}(?:group|arm|cohort|condition)"
    r"|\b(?:assigned|randomi[sz]ed|allocated)\sto\s[^,;()]{1,60})\s?[(\[]\s?$", re.IGNORECASE)
# ... or one of a pair: "longer with exemestane (9.9 months; 95% CI ...) than with tamoxifen
# (5.8 months; 95% CI ...)", "faster (716 ms, 95% CI ...) than neutral words (769 ms, ...)"
# "(-0.92%, 95% CI -2.35 to 0.50 vs -2.39%, 95% CI ...)"
_PAIR_AFTER = re.compile(
    r"^[^()]{0,40}?\)?\)?\s(?:[\w-]+\s){0,2}?(?:than|versus|vs\b|compared\s(?:with|to))\b",
    re.IGNORECASE)
_PAIR_BEFORE = re.compile(
    r"\)\s(?:[\w-]+\s){0,2}?(?:than|versus|vs\b\.?|compared\s(?:with|to))\s[^()]{0,60}[(\[]\s?$",
    re.IGNORECASE)

# What may stand between an estimate's upper bound and its own P value: "; P < .001)",
# "), P = 0.02", ", p=0.01", " (P = .03)", "] L, p = 0.9" (a unit), " cm2; p = 0.02" (a unit
# with a digit), "; two-sided P = 0.59".
_TO_OWN_P = re.compile(r"%?[)\]]?(?:\s?[A-Za-z%/][A-Za-z0-9%/]{0,5})?\s?[)\]]?\s?[,;]?\s?(?:[(\[]\s?)?"
                       r"(?:(?:two|one)-sided\s)?$")
_P_REACH = 30    # characters after the upper bound where its P may start
# A P value of another test printed next to an estimate: "P for interaction = .04", "P for
# equivalence = .04" (its null is a margin, not 0: PICO train 21148134), "P for noninferiority".
_OTHER_TEST = re.compile(r"interaction|trend|heterogeneity|\bhet|\bint\b|equivalence|inferiority|"
                         r"superiority", re.IGNORECASE)


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
    symbol: bool = False        # named by a symbol: "B=3.62", "d = 0.40"
    value_start: int = 0


def extract_effect_estimates(analysed: AnalysedArticle,
                             p_values: Sequence[PValue]) -> list[EffectEstimate]:
    """Effect estimates of the title and abstract sections, in text order; ``p_values`` are the
    article's P value findings (an estimate's ``p_value`` is a position in this list)."""
    redefined = _redefined_abbreviations(analysed)
    defined = _defined_measures(analysed)
    places = PValuePlaces(p_values)
    found: list[EffectEstimate] = []
    for section in analysed.sections:
        named = [hit for hit in find_effect_estimates(section.text, defined)
                 if hit.abbreviation not in redefined and not _own_group_value(section, hit)]
        hits = sorted([*named, *_unnamed_estimates(section, named)], key=lambda hit: hit.start)
        for hit in hits:
            estimate = _estimate(section, hit, p_values, places)
            if estimate is not None:
                found.append(estimate)
    return found


def find_effect_estimates(text: str, defined: Mapping[str, tuple[EffectMeasure, bool]]
                          | None = None) -> Iterator[_Hit]:
    """Every estimate of ``text``: each head match and the list items after it. ``defined``: the
    measure short forms the article defines with a measure's name (short form -> measure,
    adjusted)."""
    defined = defined or {}
    done = 0
    for match in EFFECT_ESTIMATE_RE.finditer(text):
        if match.start() < done:
            continue   # inside a list already read: "HR 1.45 (...), TIMI major HR 1.28 (...)"
        measure, adjusted = _measure(match, defined)
        abbreviation = match.group("abbreviation")
        symbol = bool(match.group("symbol"))
        yield _hit(measure, adjusted, match.start(), match, abbreviation, symbol)
        done = match.end()
        while (item := LIST_ITEM_RE.match(text, done)) is not None:
            if _names_a_measure(text[done:item.start("value")]):
                break   # "OR 1.96 [95% CI 1.40-2.75]; p=0.0001), with a risk difference of 9.50%"
            yield _hit(measure, adjusted, item.start("value"), item, abbreviation, symbol)
            done = item.end()


def _hit(measure: EffectMeasure, adjusted: bool, start: int, match: re.Match[str],
         abbreviation: str | None, symbol: bool = False) -> _Hit:
    return _Hit(measure, adjusted, start, match.end("upper"), match.group("value"),
                match.group("lower"), match.group("upper"),
                match.group("level") or match.group("level_after"), abbreviation, symbol,
                match.start("value"))


def _names_a_measure(words: str) -> bool:
    """``words`` (between two values of a list, or a defined long form) name a measure."""
    return _MEASURE_NAME.search(words) is not None


def _own_group_value(section: AnalysedSection, hit: _Hit) -> bool:
    """A hit that is no comparison of groups:

    - a difference whose value is a group's own, in the bracket after the group's name ("no
      significant difference in the rate of pCR in the ixabepilone treatment arm (24.3%; 90%
      CI, 18.6-30.8)", PICO train 23853246);
    - a coefficient named by its symbol right after a group's name, that group's own slope
      ("patients assigned to the control conditions (B=-.20, 95% CI -0.32 to -0.07)"), or with
      no words comparing groups before it in its sentence, a mediation or an association ("an
      indirect effect of emotional support on emotional well-being through fatalism (b = 0.21,
      95% CI: 0.04, 0.51)", PICO train 26352186).
    """
    text = section.text
    if hit.measure in ("difference", "MD") and not hit.symbol:
        return bool(_GROUP_BEFORE.search(text[max(0, hit.value_start - 120):hit.value_start]))
    if not hit.symbol or hit.measure != "coefficient":
        return False
    sentence = section.sentence_at(hit.start)
    before = text[max(sentence.start, hit.start - _COMPARES_REACH):hit.start]
    return bool(_GROUP_BEFORE.search(before)) or not _COMPARES.search(before)


def _unnamed_estimates(section: AnalysedSection, named: Sequence[_Hit]) -> list[_Hit]:
    """Values first in their bracket with a labelled interval and no measure, that the words
    before them in their sentence make a comparison of groups (module docstring)."""
    text = section.text
    if "CI" not in text and "onfidence" not in text:
        return []
    found: list[_Hit] = []
    for match in UNNAMED_RE.finditer(text):
        start, end = match.start(), match.end("upper")
        if any(hit.start <= start < hit.end or start <= hit.start < end for hit in named):
            continue   # read already, as a named estimate or its list
        sentence = section.sentence_at(start)
        before = text[max(sentence.start, start - _COMPARES_REACH):start]
        if (not _COMPARES.search(before) or _GROUP_BEFORE.search(before)
                or _PAIR_BEFORE.search(before) or _PAIR_AFTER.match(text[end:sentence.end])):
            continue
        measure = _unnamed_measure(match, [hit for hit in named
                                           if sentence.start <= hit.start < start])
        found.append(_hit(measure, False, start, match, None))
    return found


def _unnamed_measure(match: re.Match[str], earlier: Sequence[_Hit]) -> EffectMeasure:
    """The ratio named before an unnamed value in its sentence when the value reads as one
    (positive, at the log-scale centre of its interval: "RR 0.74 ...; and preterm delivery
    (0.62, 95% CI: 0.43-0.89)"); else a difference."""
    ratios = [hit.measure for hit in earlier if hit.measure in RATIO_MEASURES]
    value, lower, upper = (_number(match.group(name)) for name in ("value", "lower", "upper"))
    if ratios and 0 < lower < value < upper:
        centre = math.sqrt(lower * upper)
        if abs(math.log(value / centre)) <= math.log(1.05):
            return ratios[-1]
    return "difference"


def _measure(match: re.Match[str], defined: Mapping[str, tuple[EffectMeasure, bool]]
             ) -> tuple[EffectMeasure, bool]:
    adjusted = bool(match.group("adjusted"))
    if match.group("symbol"):
        return ("coefficient" if match.group("beta") else "SMD"), False
    abbreviation = match.group("abbreviation")
    if abbreviation in defined:
        code, defined_adjusted = defined[abbreviation]
        return code, adjusted or defined_adjusted
    if abbreviation is not None:
        return (cast(EffectMeasure, ABBREVIATED_MEASURES[abbreviation]),
                adjusted or abbreviation in ADJUSTED_ABBREVIATIONS)
    spelled = match.group("spelled")
    code = cast(EffectMeasure, spelled_measure(match))
    return code, adjusted or spelled.lower().startswith("adjusted")


def _redefined_abbreviations(analysed: AnalysedArticle) -> set[str]:
    """Measure abbreviations the article defines as something else ("heart rate (HR)"); not the
    "definition" that is an estimate's own bracket ("higher than 1 (HR, 1.23; 95% CI ...)")."""
    return {short for section in analysed.sections
            for short, (long_form, _, end) in section.abbreviations.items()
            if short in ABBREVIATED_MEASURES and not _names_a_measure(long_form)
            and not re.match(_ESTIMATE_AFTER.format(short=re.escape(short)), section.text[end:])}


def _defined_measures(analysed: AnalysedArticle) -> dict[str, tuple[EffectMeasure, bool]]:
    """Measure short forms the article defines with a measure's name, as that measure (and
    whether the name says adjusted): "absolute risk reduction (ARR)" -> ("RD", False)."""
    found: dict[str, tuple[EffectMeasure, bool]] = {}
    for section in analysed.sections:
        for short, (long_form, _, _) in section.abbreviations.items():
            code = _measure_named_by(long_form) if short in ABBREVIATED_MEASURES else None
            if code is not None:
                found[short] = code, bool(_ADJUSTED_FORM.match(long_form))
    return found


def _measure_named_by(long_form: str) -> EffectMeasure | None:
    """The measure whose name ends ``long_form`` ("adjusted relative risk" -> "RR"), or None
    ("heart rate", "annualized relapse rate")."""
    for pattern, code in SPELLED_MEASURE_RES:
        for match in pattern.finditer(long_form):
            if match.end() == len(long_form.rstrip()):
                return cast(EffectMeasure, code)
    return None


def _number(text: str) -> float:
    """``"1,234.5"`` -> 1234.5, ``"- \u00a3448"`` -> -448."""
    return float(re.sub(r"[,\s\u00a3$\u20ac\u00a5]", "", text))


def decimals(text: str) -> int:
    """Digits after the decimal point as printed: ``"0.85"`` -> 2, ``"12"`` -> 0."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def _estimate(section: AnalysedSection, hit: _Hit, p_values: Sequence[PValue],
              places: PValuePlaces) -> EffectEstimate | None:
    value, lower, upper = _number(hit.value), _number(hit.lower), _number(hit.upper)
    sentence = section.sentence_at(hit.start)
    sentence_text = section.sentence_text(sentence)
    estimate = EffectEstimate(
        text=section.text[hit.start:hit.end], start=hit.start, end=hit.end,
        section=section.label, section_index=section.index,
        measure=hit.measure, adjusted=hit.adjusted, value=value, lower=lower, upper=upper,
        level=float(hit.level) if hit.level else 95.0,
        value_decimals=decimals(hit.value), lower_decimals=decimals(hit.lower),
        upper_decimals=decimals(hit.upper),
        p_value=_own_p_value(section, hit.start, hit.end, p_values, places),
        comparison=_comparison(section.text, sentence.start, sentence.end, hit.start),
        sentence=sentence_text,
    )
    if estimate.on_log_scale and (value <= 0 or min(lower, upper) < 0):
        return None    # no ratio; a bound printed as 0 is a rounded one ("95% CI 0-0.83")
    return estimate


def _own_p_value(section: AnalysedSection, start: int, end: int, p_values: Sequence[PValue],
                 places: PValuePlaces) -> int | None:
    """Position of the P value printed with the estimate ``text[start:end]``: between its value
    and its interval ("HR, 0.76; P = .002; 95% CI, 0.64-0.91") or right after the interval; or
    None."""
    for position in places.starting_in(section.index, start, end):
        if not _OTHER_TEST.search(p_values[position].text):
            return position
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
