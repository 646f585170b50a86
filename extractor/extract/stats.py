"""The arithmetic of the consistency checks: rounding ranges, P values from intervals and from
test statistics. Pure functions of numbers; no text.

Rounding: a number printed with ``d`` decimals stands for any value within half a unit of its
last digit (``0.72`` is 0.715..0.725), so every recomputation gives a range, from the corners
of its inputs' ranges, and a check fails only when no reading of the printed numbers agrees.
"""

from __future__ import annotations

import math
from itertools import product
from statistics import NormalDist

Range = tuple[float, float]
_NORMAL = NormalDist()


def rounding_range(value: float, decimals: int) -> Range:
    """The values a number printed with ``decimals`` decimals stands for."""
    half = 0.5 * 10.0 ** -decimals
    return value - half, value + half


def overlaps(a: Range, b: Range) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def z_critical(level: float) -> float:
    """The two-sided normal quantile of a ``level`` % interval: 95 -> 1.959964."""
    return _NORMAL.inv_cdf(1 - (1 - level / 100) / 2)


def two_sided_p(z: float) -> float:
    """P of a standard normal statistic ``z``, two-sided."""
    return math.erfc(abs(z) / math.sqrt(2))


def p_from_interval(value: float, lower: float, upper: float, level: float, ratio: bool) -> float:
    """The P value an estimate and its interval imply (normal approximation; on the log scale
    for a ratio). 1.0 when the interval has no width."""
    if ratio:
        value, lower, upper = math.log(value), math.log(lower), math.log(upper)
    se = (upper - lower) / (2 * z_critical(level))
    if se <= 0:
        return 1.0
    return two_sided_p(value / se)


def p_range_from_interval(value: Range, lower: Range, upper: Range, level: float,
                          ratio: bool) -> Range:
    """``p_from_interval`` over every reading of the rounded inputs: (lowest, highest)."""
    null = 1.0 if ratio else 0.0
    floor = 1e-300 if ratio else -math.inf      # a ratio's bound rounded to 0 still reads > 0
    ps = [p_from_interval(v, max(lo, floor), max(hi, floor), level, ratio)
          for v, lo, hi in product(value, lower, upper)
          if lo < hi and (not ratio or v > 0)]
    if not ps:
        return 0.0, 1.0
    highest = 1.0 if value[0] <= null <= value[1] else max(ps)
    return min(ps), highest


def centre_range(lower: Range, upper: Range) -> Range:
    """The log-scale centre (ln L + ln U) / 2 of a ratio's interval, over the rounded bounds
    (a bound rounded down to 0 or below reads as the smallest positive number)."""
    def log(x: float) -> float:
        return math.log(max(x, 1e-300))

    return (log(lower[0]) + log(upper[0])) / 2, (log(lower[1]) + log(upper[1])) / 2


# --- test statistics (statcheck's recomputations) --------------------------------------------


def p_from_statistic(kind: str, value: float, df1: float | None, df2: float | None) -> float:
    """Two-sided P of a t, z or r statistic; upper-tail P of F and chi-square.

    ``kind``: ``t`` (df1 = df), ``F`` (df1, df2), ``chi2`` (df1 = df), ``z``, ``r`` (df1 = df).
    """
    from scipy import special  # imported on first use: most abstracts print no statistic

    if kind == "z":
        return two_sided_p(value)
    if kind == "r":
        assert df1 is not None
        if abs(value) >= 1:
            return 0.0
        return p_from_statistic("t", value * math.sqrt(df1 / (1 - value * value)), df1, None)
    if kind == "t":
        assert df1 is not None
        return float(special.betainc(df1 / 2, 0.5, df1 / (df1 + value * value)))
    if kind == "F":
        assert df1 is not None and df2 is not None
        if value <= 0:
            return 1.0
        return float(special.betainc(df2 / 2, df1 / 2, df2 / (df2 + df1 * value)))
    if kind == "chi2":
        assert df1 is not None
        return float(special.gammaincc(df1 / 2, max(value, 0.0) / 2))
    raise ValueError(f"unknown statistic {kind!r}")


def p_range_from_statistic(kind: str, value: Range, df1: float | None, df2: float | None) -> Range:
    """``p_from_statistic`` over the rounding range of the statistic (P falls as it grows)."""
    ends = [p_from_statistic(kind, v, df1, df2) for v in value]
    if kind in ("t", "z", "r") and value[0] <= 0 <= value[1]:
        ends.append(1.0)
    return min(ends), max(ends)
