"""A record's findings as rows a reviewer can pool: one row per arm and outcome, one row per
contrast (an outcome, an intervention arm against a comparator arm).

Pure functions of a record as ``extract --json`` prints it (``store.load_record`` gives it).

A **contrast** comes from each result of the record (``results``): its outcome, intervention
and comparator, and what supports it. The events and totals of each arm (metafor's ``ai``,
``n1i``, ``ci``, ``n2i``) are the response counts the result links: a count goes to the arm its
group names (the arm label or the result's intervention/comparator words), else, when the
result links exactly two counts, the first printed is the intervention's (abstracts print the
intervention first, as the result names it). The reported measure, estimate, interval and
level are the linked effect estimate's. ``yi`` and ``sei`` are on the analysis scale:

- from a reported estimate with its interval (as metafor's ``conv.wald`` does): a ratio (OR,
  RR, HR, IRR, another ratio) on the log scale, ``yi = log(estimate)`` and ``sei = (log(ci_ub) -
  log(ci_lb)) / (2 z)``; a difference on its own scale, ``sei = (ci_ub - ci_lb) / (2 z)``, where
  ``z`` is the normal quantile of the interval's level (1.96 for 95 %);
- else from both arms' events and totals, for ``measure`` ``OR`` (log odds ratio), ``RR`` (log
  risk ratio) or ``RD`` (risk difference), with metafor's default of adding 0.5 to every cell
  of a table holding a zero (``yi_source`` says which).

An **arm row** is an arm of the trial (``arms``) with its size and studied drugs, once per
outcome its events are reported for (and once with no outcome when none is).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from statistics import NormalDist
from typing import Any

from extractor.kinds import PoolMeasure
from extractor.models import RATIO_MEASURES

Json = dict[str, Any]
CONTINUITY = 0.5   # added to each cell of a 2x2 table holding a zero (metafor's escalc default)

ARM_COLUMNS = ("pmid", "study", "arm", "drugs", "size", "outcome", "events", "total",
               "evidence")
CONTRAST_COLUMNS = (
    "pmid", "study", "outcome", "time_point", "intervention", "comparator", "against_baseline",
    "ai", "n1i", "ci", "n2i", "measure", "estimate", "ci_lb", "ci_ub", "level",
    "yi", "sei", "vi", "yi_source", "p_operator", "p_value", "direction",
    "evidence", "section_index", "start", "end", "checks",
)
_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset({"the", "a", "an", "group", "groups", "arm", "arms", "patients", "of", "in",
                     "with", "and", "or", "receiving", "treated", "to"})


def study_label(record: Mapping[str, Any]) -> str:
    """"Usmani 2007": the first author's last name and the year (what a forest plot shows),
    or "PMID 17638731" when neither is known."""
    article = record.get("article") or {}
    parts = [str(p) for p in (article.get("first_author"), article.get("year")) if p]
    return " ".join(parts) or f"PMID {record.get('pmid')}"


def z_of(level: float) -> float:
    """The normal quantile of a two-sided interval of ``level`` percent (1.96 for 95)."""
    return NormalDist().inv_cdf(1 - (1 - level / 100) / 2)


def from_interval(measure: str, estimate: float, lower: float, upper: float,
                  level: float) -> tuple[float, float] | None:
    """(yi, sei) of a reported estimate and its interval, or None when the interval cannot
    give one (a ratio with a bound at or below 0, an empty interval)."""
    z = z_of(level)
    if measure in RATIO_MEASURES:
        if min(estimate, lower, upper) <= 0:
            return None
        yi, low, high = math.log(estimate), math.log(lower), math.log(upper)
    else:
        yi, low, high = estimate, lower, upper
    sei = (max(low, high) - min(low, high)) / (2 * z)
    return (yi, sei) if sei > 0 else None


def from_events(ai: int, n1i: int, ci: int, n2i: int,
                measure: PoolMeasure = "OR") -> tuple[float, float] | None:
    """(yi, vi) of two arms' events and totals for ``measure``, as metafor's escalc computes
    them (0.5 added to every cell of a table holding a zero); None when impossible (an empty
    arm, more events than the arm holds)."""
    if n1i <= 0 or n2i <= 0 or not (0 <= ai <= n1i and 0 <= ci <= n2i):
        return None
    a, b, c, d = float(ai), float(n1i - ai), float(ci), float(n2i - ci)
    if measure == "RD":
        p1, p2 = a / n1i, c / n2i
        return p1 - p2, p1 * (1 - p1) / n1i + p2 * (1 - p2) / n2i
    if 0 in (a, b, c, d):
        a, b, c, d = (x + CONTINUITY for x in (a, b, c, d))
    if measure == "RR":
        return math.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return math.log((a * d) / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def _words(text: str | None) -> set[str]:
    return {w for w in _WORD.findall((text or "").lower()) if w not in _FILLER}


def _names(text: str | None, *others: str | None) -> bool:
    """``text`` (a count's group) shares a word with any of ``others`` (an arm's names)."""
    words = _words(text)
    return bool(words) and any(words & _words(other) for other in others)


def _arm_events(result: Json, counts: Sequence[Json],
                arms: Sequence[Json]) -> tuple[Json | None, Json | None]:
    """The response counts of the intervention and of the comparator arm."""
    linked = [counts[i] for i in result.get("response_counts") or [] if i < len(counts)]
    names = {}
    for side in ("intervention", "comparator"):
        arm_at = result.get(f"{side}_arm")
        label = arms[arm_at].get("label") if arm_at is not None and arm_at < len(arms) else None
        names[side] = (result.get(side), label)
    chosen: dict[str, Json | None] = {"intervention": None, "comparator": None}
    rest = []
    for count in linked:
        named = next((s for s in ("intervention", "comparator")
                      if chosen[s] is None and _names(count.get("arm"), *names[s])), None)
        if named is None:
            rest.append(count)
        else:
            chosen[named] = count
    if result.get("comparator") is None and result.get("against_baseline"):
        return chosen["intervention"] or (linked[0] if linked else None), None
    if len(linked) == 2 and rest:
        ordered = sorted(linked, key=lambda c: (c.get("section_index", 0), c.get("start", 0)))
        return ordered[0], ordered[1]
    return chosen["intervention"], chosen["comparator"]


def _checks_on(record: Mapping[str, Any], result: Json) -> str:
    """"kind:verdict; ..." of the checks whose inputs are the numbers the result links."""
    linked = {("p_values", result.get("p_value")), ("effect_estimates", result.get("effect_estimate")),
              *(("response_counts", i) for i in result.get("response_counts") or [])}
    found = []
    for check in record.get("checks") or []:
        inputs = {(i.get("finding"), i.get("position")) for i in check.get("inputs") or []}
        if inputs & linked:
            found.append(f"{check['kind']}:{check['verdict']}")
    return "; ".join(dict.fromkeys(found))


def contrast_rows(record: Mapping[str, Any], measure: PoolMeasure = "OR") -> Iterator[Json]:
    """One row per result of ``record`` (see the module docstring); ``measure`` is what the
    arms' events give when no estimate is reported."""
    counts = record.get("response_counts") or []
    arms = record.get("arms") or []
    estimates = record.get("effect_estimates") or []
    p_values = record.get("p_values") or []
    for result in record.get("results") or []:
        treated, control = _arm_events(result, counts, arms)
        row: Json = dict.fromkeys(CONTRAST_COLUMNS)
        row.update({
            "pmid": record.get("pmid"), "study": study_label(record),
            "outcome": result.get("outcome"), "time_point": result.get("time_point"),
            "intervention": result.get("intervention"), "comparator": result.get("comparator"),
            "against_baseline": bool(result.get("against_baseline")),
            "direction": result.get("direction"), "evidence": result.get("text"),
            "section_index": result.get("section_index"), "start": result.get("start"),
            "end": result.get("end"), "checks": _checks_on(record, result),
        })
        if treated is not None and treated.get("total") is not None:
            row["ai"], row["n1i"] = treated.get("responders"), treated.get("total")
        if control is not None and control.get("total") is not None:
            row["ci"], row["n2i"] = control.get("responders"), control.get("total")
        position = result.get("p_value")
        if position is not None and position < len(p_values):
            row["p_operator"], row["p_value"] = p_values[position]["operator"], p_values[position]["value"]
        position = result.get("effect_estimate")
        if position is not None and position < len(estimates):
            estimate = estimates[position]
            row.update({"measure": estimate["measure"], "estimate": estimate["value"],
                        "ci_lb": estimate["lower"], "ci_ub": estimate["upper"],
                        "level": estimate.get("level", 95.0)})
            scaled = from_interval(estimate["measure"], estimate["value"], estimate["lower"],
                                   estimate["upper"], estimate.get("level", 95.0))
            if scaled is not None:
                row["yi"], row["sei"] = scaled
                row["vi"], row["yi_source"] = scaled[1] ** 2, "reported"
        if row["yi"] is None and None not in (row["ai"], row["n1i"], row["ci"], row["n2i"]):
            computed = from_events(row["ai"], row["n1i"], row["ci"], row["n2i"], measure)
            if computed is not None:
                row["yi"], row["vi"] = computed
                row["sei"], row["yi_source"] = math.sqrt(computed[1]), f"events:{measure}"
        yield row


def arm_rows(record: Mapping[str, Any]) -> Iterator[Json]:
    """One row per arm of ``record`` and outcome its events are reported for (one with no
    outcome when none is)."""
    counts = record.get("response_counts") or []
    per_arm: dict[int, list[tuple[str | None, Json | None]]] = {}
    for result in record.get("results") or []:
        treated, control = _arm_events(result, counts, record.get("arms") or [])
        for side, count in (("intervention", treated), ("comparator", control)):
            position = result.get(f"{side}_arm")
            if position is not None and count is not None:
                per_arm.setdefault(position, []).append((result.get("outcome"), count))
    for position, arm in enumerate(record.get("arms") or []):
        base = {"pmid": record.get("pmid"), "study": study_label(record), "arm": arm.get("label"),
                "drugs": "; ".join(arm.get("drugs") or []), "size": arm.get("size")}
        events = per_arm.get(position) or [(None, None)]
        for outcome, count in events:
            yield {**base, "outcome": outcome,
                   "events": None if count is None else count.get("responders"),
                   "total": None if count is None else count.get("total"),
                   "evidence": (count or arm).get("text")}
