"""Findings -> consistency checks: do the numbers of an abstract agree with each other?

Every check compares findings of one article (or a test statistic and its P value) and gives a
``Check`` with its verdict. The rules (``stats`` holds the arithmetic):

- ``estimate_in_interval``: the estimate lies inside its interval (within rounding).
- ``ratio_centre`` (OR, RR, HR, IRR and other ratios): the estimate sits at the log-scale
  centre of its interval, within rounding and a further ``CENTRE_SLACK`` (intervals from exact
  or profile methods are not quite symmetric).
- ``p_vs_interval``: the P value printed with an estimate against the one its interval implies
  (normal approximation, log scale for ratios), within rounding and a factor ``P_SLACK``; not
  for a measure whose scale is not said (``other``: a treatment effect, an NNT).
- ``p_vs_statistic``: t(df), F(df1, df2), chi-square(df), z or r(df) with its P, recomputed as
  statcheck does, within the rounding of the statistic; a correlation beyond 1 ("r(16) =
  26.05") is a misreading, never checked.
- ``percent_vs_count``: "12 (44.4%) of 27": 12/27 within the rounding (or truncation) of the
  printed percent. ``responders_vs_total``: a count above its own group (a doubt of the
  response counts). ``arms_vs_total``: arm sizes against the stated total (more is an error;
  fewer is not checkable: exclusions and dropouts).
- ``words_vs_p``: "significantly" or "no significant difference" before a P value in the same
  clause that says otherwise.

``discrepant`` P values are ``decision_error`` when they also fall on the other side of 0.05
than the recomputed range: printed significant, recomputed not, or the reverse. ``P = .05``
exactly is never a decision error (``models.reported_significance``, the one rule of what a
printed P value says, cannot say: authors differ).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence

from extractor.extract.patterns.statistics import STATISTIC
from extractor.extract.pvalues import PValuePlaces
from extractor.extract.stats import (
    Range,
    centre_range,
    overlaps,
    p_range_from_interval,
    p_range_from_statistic,
    rounding_range,
)
from extractor.kinds import InputKind, Verdict
from extractor.models import (
    ALPHA,
    Arm,
    Check,
    CheckInput,
    Doubt,
    EffectEstimate,
    Evidence,
    PValue,
    ResponseCount,
    SampleSize,
    reported_significance,
)
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection

P_SLACK = 2.0                   # recomputed P from an interval: a factor either way
CENTRE_SLACK = math.log(1.05)   # ratio estimate off its interval's log centre: 5 % allowed
_EPSILON = 1e-9

# "P = 2 × 10^-5", "p<.001", "0.03": the number of a P value's text, for its rounding.
_P_NUMBER = re.compile(
    r"(?P<mantissa>\d*\.\d+|\d+)(?:\s?[x\u00d7*]\s?10\^?\s?(?P<exponent>[-+]?\s?\d+)"
    r"|\s?[eE]\s?(?P<e_exponent>[-+]?\s?\d+))?")
_TO_STATISTIC_P = re.compile(r"\s?[,;]\s?$")
# Significance words before a P value, and what negates them.
_SIGNIFICANCE = re.compile(r"\b(?P<prefix>in|non-?)?signific\w*", re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:but|whereas|while)\s(?:not|no)\b", re.IGNORECASE)
# Between the words and the P: another statement ("..., whereas the AUC above 180 was lower
# (p<0.01)", "with no difference between groups (P = 0.77)"): the words are not about this P.
_OTHER_STATEMENT = re.compile(
    r"\b(?:whereas|while|but|although|however|except|no\s(?:difference|change|effect))\b",
    re.IGNORECASE)
# Words that hedge or change what "significant" means: "borderline significant", "nearly
# significant", "approached significance", "clinically significant", "significance was lost".
_HEDGE_BEFORE = re.compile(
    r"\b(?:borderline|marginal(?:ly)?|nearly|near|almost|approach\w*|trend\w*|clinically|"
    r"close\sto|towards?)\W+(?:\w+\W+){0,2}$", re.IGNORECASE)
_HEDGE_AFTER = re.compile(r"^\w*(?:\s\w+)?\s(?:was|were)\s(?:lost|not)\b|"
                          r"^[^;]*\b(?:Bonferroni|after\s(?:correction|adjustment))", re.IGNORECASE)
_WORDS_REACH = 150   # characters from the words to their P
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
# A negation at most three words before the significance word ("no statistically significant",
# "did not differ significantly", "nonstatistically significant", "None of the differences
# ... were significant" aside), never "versus not" / "or not" (the other group).
_NEGATION = re.compile(
    r"(?:\b(?<!versus\s)(?<!vs\s)(?<!vs\.\s)(?<!or\s)(?:no|not|without|nor|neither|"
    r"fail(?:ed|s)?\sto|didn't|doesn't|don't|wasn't|weren't|lack\sof|absence\sof)|"
    r"\bnon-?statistically)\s(?:[\w-]+\s){0,3}$", re.IGNORECASE)
# Negations that reach further: "We found no evidence that ... differed significantly",
# "None of the differences between the two groups were significant", "failed to find that
# donepezil produced any significant difference", "did not meet the level of significance".
_NEGATION_FAR = re.compile(
    r"\b(?:no\sevidence|none\sof\sthe\s(?:\w+\s)?(?:differences|comparisons|changes)|"
    r"(?:failed\sto|could\snot|did\snot)\s(?:find|detect|show|reach|meet|achieve|attain))\b",
    re.IGNORECASE)
# A main clause after a subordinate one: "Although no significant difference was seen in
# height, mean birth weight (... P = 0.04)": the words are not about the P after the comma.
_SUBORDINATE = re.compile(r"\b(?:although|though|despite|whilst|while)\b", re.IGNORECASE)
# After the P: a threshold ("not significant at the p < .05 level"), not a result.
_LEVEL_AFTER = re.compile(r"^\s?(?:level|significance\slevel)\b", re.IGNORECASE)


def run_checks(analysed: AnalysedArticle, p_values: Sequence[PValue],
               estimates: Sequence[EffectEstimate], counts: Sequence[ResponseCount],
               arms: Sequence[Arm], sample_sizes: Sequence[SampleSize],
               doubts: Sequence[Doubt]) -> list[Check]:
    """Every check the findings of one article allow, grouped by kind."""
    checks: list[Check] = []
    for position, estimate in enumerate(estimates):
        checks.extend(estimate_checks(position, estimate, p_values))
    checks.extend(statistic_checks(analysed, p_values))
    checks.extend(c for position, count in enumerate(counts)
                  if (c := percent_check(position, count)) is not None)
    checks.extend(responders_checks(doubts))
    checks.extend(arms_checks(analysed, arms, sample_sizes))
    checks.extend(words_checks(analysed, p_values))
    return checks


def _input(finding: InputKind, position: int | None, evidence: Evidence) -> CheckInput:
    return CheckInput(finding=finding, position=position, text=evidence.text, start=evidence.start,
                      end=evidence.end, section=evidence.section,
                      section_index=evidence.section_index)


def _fmt(number: float) -> str:
    return f"{number:.4g}"


def _span(low: float, high: float) -> str:
    return _fmt(low) if _fmt(low) == _fmt(high) else f"{_fmt(low)} to {_fmt(high)}"


# --- P values ------------------------------------------------------------------------------------


def p_half_unit(p_value: PValue) -> float:
    """Half a unit of the last printed digit of a P value: ``P < .001`` -> 0.0005,
    ``P = 2 × 10^-5`` -> 0.5e-5."""
    for match in _P_NUMBER.finditer(p_value.text):
        mantissa = match.group("mantissa")
        exponent = match.group("exponent") or match.group("e_exponent")
        power = int(exponent.replace(" ", "")) if exponent else 0
        if math.isclose(float(mantissa) * 10.0 ** power, p_value.value, rel_tol=1e-6, abs_tol=1e-12):
            decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
            return 0.5 * 10.0 ** (power - decimals)
    return 0.0


def p_verdict(p_value: PValue, recomputed: Range, slack: float = 1.0) -> Verdict:
    """The printed P against the recomputed range (widened by the factor ``slack``)."""
    operator, printed = p_value.operator, p_value.value
    if operator in ("<", "<=") and printed == 0:
        return "not_checkable"   # "P < 0" (digits lost: "P<0.000 1")
    half = p_half_unit(p_value)
    if operator == "=" and printed == 0:
        operator, printed = "<", half    # "P = 0.000" says "< 0.0005"
    low, high = recomputed[0] / slack, min(1.0, recomputed[1] * slack)
    if operator == "=":
        agrees = overlaps((printed - half, printed + half), (low, high))
    elif operator in ("<", "<="):
        agrees = low < printed or (operator == "<=" and low <= printed)
    else:
        agrees = high > printed or (operator == ">=" and high >= printed)
    if agrees:
        return "consistent"
    significant = reported_significance(operator, printed)
    if (significant is True and recomputed[0] >= ALPHA) or (
            significant is False and recomputed[1] < ALPHA):
        return "decision_error"
    return "discrepant"


def _p_text(p_value: PValue) -> str:
    return f"P {p_value.operator} {p_value.value:g}"


# --- effect estimates ---------------------------------------------------------------------------


def estimate_checks(position: int, estimate: EffectEstimate,
                    p_values: Sequence[PValue]) -> Iterator[Check]:
    """The interval checks of one estimate, and its P value's when it has one."""
    value = rounding_range(estimate.value, estimate.value_decimals)
    lower = rounding_range(estimate.lower, estimate.lower_decimals)
    upper = rounding_range(estimate.upper, estimate.upper_decimals)
    inputs = [_input("effect_estimates", position, estimate)]
    reported = (f"{estimate.measure} {estimate.value:g} ({estimate.level:g}% CI "
                f"{estimate.lower:g} to {estimate.upper:g})")
    ordered = estimate.lower <= estimate.upper
    inside = ordered and overlaps(value, (lower[0], upper[1]))
    yield Check(kind="estimate_in_interval", verdict="consistent" if inside else "discrepant",
                reported=reported,
                recomputed=f"interval {_span(lower[0], upper[1])}" if ordered
                else "lower bound above the upper", tolerance="rounding of each number",
                inputs=inputs, sentence=estimate.sentence)
    ratio = estimate.on_log_scale
    if ratio and min(estimate.lower, estimate.upper) > 0:
        centre = centre_range(lower, upper)
        logged = (math.log(max(value[0], 1e-300)), math.log(value[1]))
        at_centre = overlaps(logged, (centre[0] - CENTRE_SLACK, centre[1] + CENTRE_SLACK))
        yield Check(kind="ratio_centre", verdict="consistent" if at_centre else "discrepant",
                    reported=reported,
                    recomputed=f"geometric centre {_span(math.exp(centre[0]), math.exp(centre[1]))}",
                    tolerance="rounding, then 5% either way", inputs=inputs,
                    sentence=estimate.sentence)
    if estimate.p_value is None or estimate.measure == "other":
        return   # no P, or no scale to read one from (a treatment effect, an NNT)
    p_value = p_values[estimate.p_value]
    if estimate.lower >= estimate.upper or (ratio and estimate.lower <= 0):
        verdict: Verdict = "not_checkable"    # no interval to read a P from
        recomputed: Range = (0.0, 1.0)
    else:
        recomputed = p_range_from_interval(value, lower, upper, estimate.level, ratio)
        verdict = p_verdict(p_value, recomputed, P_SLACK)
        null = 1.0 if ratio else 0.0
        if verdict == "decision_error" and reported_significance(
                p_value.operator, p_value.value) == (not lower[0] <= null <= upper[1]):
            # the interval itself sides with the printed P (an asymmetric interval: bootstrap,
            # exact): the normal approximation disagrees, the decision does not
            verdict = "discrepant"
    yield Check(kind="p_vs_interval", verdict=verdict, reported=f"{reported}, {_p_text(p_value)}",
                recomputed=f"P {_span(*recomputed)}",
                tolerance="rounding, then a factor of 2 either way (normal approximation"
                          + (", log scale)" if ratio else ")"),
                inputs=[*inputs, _input("p_values", estimate.p_value, p_value)],
                sentence=estimate.sentence)


# --- test statistics ------------------------------------------------------------------------------


def statistic_checks(analysed: AnalysedArticle, p_values: Sequence[PValue]) -> Iterator[Check]:
    """t, F, chi-square, z and r statistics followed by their P value."""
    places = PValuePlaces(p_values)
    for section in analysed.sections:
        for match in STATISTIC.finditer(section.text):
            found = _statistic_p(section, match.end(), p_values, places)
            if found is None:
                continue
            position, p_value = found
            kind, df1, df2 = _statistic_kind(match)
            if kind == "r" and df1 == 2:
                continue   # "r(2) = 0.32": r squared with its superscript lost, as printed
            statistic = match.group("value")
            if kind == "r" and abs(float(statistic)) > 1:
                continue   # "r(16) = 26.05": no correlation, a misreading (statcheck skips it)
            decimals = len(statistic.split(".", 1)[1]) if "." in statistic else 0
            recomputed = p_range_from_statistic(kind, rounding_range(float(statistic), decimals),
                                                df1, df2)
            text = match.group()
            evidence = Evidence(text=text, start=match.start(), end=match.end(),
                                section=section.label, section_index=section.index)
            yield Check(kind="p_vs_statistic", verdict=p_verdict(p_value, recomputed),
                        reported=f"{text}, {_p_text(p_value)}", recomputed=f"P {_span(*recomputed)}",
                        tolerance="rounding of the statistic (as statcheck)",
                        inputs=[_input("text", None, evidence),
                                _input("p_values", position, p_value)],
                        sentence=section.sentence_text(section.sentence_at(match.start())))


def _statistic_kind(match: re.Match[str]) -> tuple[str, float | None, float | None]:
    if match.group("t"):
        return "t", float(match.group("t_df")), None
    if match.group("F"):
        return "F", float(match.group("f_df1")), float(match.group("f_df2"))
    if match.group("chi2"):
        return "chi2", float(match.group("chi2_df")), None
    if match.group("r"):
        return "r", float(match.group("r_df")), None
    return "z", None, None


def _statistic_p(section: AnalysedSection, end: int, p_values: Sequence[PValue],
                 places: PValuePlaces) -> tuple[int, PValue] | None:
    for position in places.starting_in(section.index, end, end + 4):
        if _TO_STATISTIC_P.match(section.text[end:p_values[position].start]):
            return position, p_values[position]
    return None


# --- counts ---------------------------------------------------------------------------------------

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_COUNT_OF = re.compile(r"\d\s(?:\([^()]*\)\s)?of\s\d")     # "12 of 10", "12 (120%) of 10"


def percent_check(position: int, count: ResponseCount) -> Check | None:
    """A count printed with its percent and its group: does the percent follow?"""
    if count.percent is None or count.total is None or count.total_source != "printed":
        return None
    if re.search(rf"(?<![\d.]){count.percent:g}\s?%\s?(?:CI|C\.I\.|confidence)", count.sentence):
        return None   # "20/152, 95% CI 9-20%": the percent read is an interval's level
    printed = _PERCENT.search(count.text)
    decimals = len(printed.group(1).split(".", 1)[1]) if printed and "." in printed.group(1) else 0
    exact = 100 * count.responders / count.total
    half = 0.5 * 10.0 ** -decimals
    truncated = math.floor(exact * 10 ** decimals + _EPSILON) / 10 ** decimals
    agrees = abs(exact - count.percent) <= half + _EPSILON or math.isclose(truncated, count.percent)
    return Check(kind="percent_vs_count", verdict="consistent" if agrees else "discrepant",
                 reported=f"{count.responders} of {count.total} ({count.percent:g}%)",
                 recomputed=f"{exact:.{decimals + 2}f}%",
                 tolerance="rounding or truncation of the printed percent",
                 inputs=[_input("response_counts", position, count)], sentence=count.sentence)


def responders_checks(doubts: Sequence[Doubt]) -> Iterator[Check]:
    """A count above its own group, kept as a doubt of the response counts."""
    for position, doubt in enumerate(doubts):
        if doubt.code != "responders_exceed_total" or doubt.value is None or doubt.bound is None:
            continue
        if doubt.start is None or doubt.end is None or doubt.section_index is None:
            continue
        if not _COUNT_OF.search(doubt.text):
            continue   # "25/08", "3391/56": a date or a ratio as often as a count
        evidence = Evidence(text=doubt.text, start=doubt.start, end=doubt.end,
                            section=doubt.section or "", section_index=doubt.section_index)
        yield Check(kind="responders_vs_total", verdict="discrepant",
                    reported=f"{doubt.value:g} of {doubt.bound:g}",
                    recomputed=f"{doubt.value:g} > {doubt.bound:g}", tolerance="none",
                    inputs=[_input("doubts", position, evidence)], sentence=doubt.text)


def arms_checks(analysed: AnalysedArticle, arms: Sequence[Arm],
                sample_sizes: Sequence[SampleSize]) -> Iterator[Check]:
    """The chosen total against the two arms stated after it in its own sentence ("Forty-two
    patients were randomly assigned to MZR (n = 21) and control (n = 21)"). Arms elsewhere,
    more than two, or an arm as large as the total are most often subgroups, analysis sets or
    misreadings (measured on train abstracts): not compared."""
    total = next(((i, s) for i, s in enumerate(sample_sizes) if s.chosen and s.role == "total"), None)
    if total is None:
        return
    position, size = total
    section = next(s for s in analysed.sections if s.index == size.section_index)
    sentence = section.sentence_at(size.start)
    stated = [(i, a) for i, a in enumerate(arms) if a.section_index == size.section_index
              and size.end <= a.start < sentence.end]
    if len(stated) != 2 or max(a.size for _, a in stated) >= size.value:
        return   # more arms than two are often analysis sets; an arm above the total, a misreading
    summed = sum(arm.size for _, arm in stated)
    verdict: Verdict = ("consistent" if summed == size.value
                        else "discrepant" if summed > size.value else "not_checkable")
    yield Check(kind="arms_vs_total", verdict=verdict,
                reported=f"total {size.value}; arms {' + '.join(str(a.size) for _, a in stated)}",
                recomputed=f"arms sum to {summed}",
                tolerance="none (fewer than the total: exclusions, dropouts, not checkable)",
                inputs=[_input("sample_sizes", position, size),
                        *(_input("arms", i, arm) for i, arm in stated)],
                sentence=size.sentence)


# --- words ----------------------------------------------------------------------------------------


def words_verdict(p_value: PValue, negated: bool) -> Verdict:
    """Words against the P they speak about: a decision error when "significant" meets a P
    printed not significant, or "no significant" one printed significant."""
    if p_value.operator == "=" and p_value.value == ALPHA:
        return "not_checkable"
    significant = reported_significance(p_value.operator, p_value.value)
    if (significant is True and negated) or (significant is False and not negated):
        return "decision_error"
    return "consistent"


def _printed_significance(p_value: PValue) -> str:
    significant = reported_significance(p_value.operator, p_value.value)
    if significant is None:
        return "neither (P = .05, or a bound on the far side)"
    return "printed significant" if significant else "printed not significant"


def words_checks(analysed: AnalysedArticle, p_values: Sequence[PValue]) -> Iterator[Check]:
    """Significance words before a P value in its clause, against the P value.

    The last such word speaks about the P; with one other P value between them, a contrast
    ("but not") turns the words round; with more, or a "respectively" list, there is no check.
    """
    sections = {section.index: section for section in analysed.sections}
    places = PValuePlaces(p_values)
    for position, p_value in enumerate(p_values):
        section = sections.get(p_value.section_index)
        if section is None:
            continue
        sentence = section.sentence_at(p_value.start)
        clause = max(section.text.rfind(";", sentence.start, p_value.start) + 1, sentence.start)
        before = section.text[clause:p_value.start]
        words = list(_SIGNIFICANCE.finditer(before))
        after = section.text[p_value.end:sentence.end]
        if not words or _RESPECTIVELY.search(after.split(";", 1)[0]):
            continue   # "... were not significant (p=0.016, p=0.0003, ..., respectively)": unmatched
        word = words[-1]
        negated = bool(word.group("prefix") or _NEGATION.search(before[:word.start()])
                       or _NEGATION_FAR.search(before[:word.start()]))
        between = len(places.starting_in(section.index, clause + word.start() + 1,
                                         p_value.start - 1))
        gap = before[word.end():]
        if between == 1 and _CONTRAST.search(gap):
            negated = not negated   # "significant for men (p = 0.001) but not for women (p = 0.62)"
        elif (between or _OTHER_STATEMENT.search(gap) or len(gap) > _WORDS_REACH
              or ("," in gap and _SUBORDINATE.search(before[:word.start()]))
              or _LEVEL_AFTER.match(after)):
            continue   # the words speak about another P value or statement, or P is a level
        if _HEDGE_BEFORE.search(before[:word.start()]) or _HEDGE_AFTER.match(before[word.start():]):
            continue   # "borderline significant", "significance was lost": no claim to test
        said = before[max(0, word.start() - 30):word.end()].lstrip()
        evidence = Evidence(text=said, start=clause + word.end() - len(said), end=clause + word.end(),
                            section=section.label, section_index=section.index)
        yield Check(kind="words_vs_p", verdict=words_verdict(p_value, negated),
                    reported=f"{'not ' if negated else ''}significant, {_p_text(p_value)}",
                    recomputed=_printed_significance(p_value),
                    tolerance="P = .05 is not checkable",
                    inputs=[_input("text", None, evidence), _input("p_values", position, p_value)],
                    sentence=section.sentence_text(sentence))
