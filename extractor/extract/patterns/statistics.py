"""How a test statistic is printed: ``t(28) = 2.20``, ``F(2, 120) = 3.1``, ``chi2(1) = 4.2``,
``z = 2.4``, ``r(48) = .31``, read as statcheck reads them (the checks recompute its P).

The forms follow statcheck's own test suite (``tests/testthat/test-extract-*.R``): corrected
degrees of freedom ("t(28.1)", "F(2.1, 28.1)"), a sample size with a thousands separator inside
a chi-square's brackets ("chi2(1, N = 11,455)"), and the ways chi is spelt ("X2", "x2", "chi2",
"chi_2", "x^2", "\u03c72", "chi\u00b2").
"""

from __future__ import annotations

import re

# Degrees of freedom, whole or corrected (Welch, Greenhouse-Geisser): "28", "28.1".
_DF = r"\d+(?:\.\d+)?"

# Chi-square however it is spelt: "chi2", "chi-square", "chi squared", "χ2", "χ 2", "χ²", "X2",
# "x2", "chi_2", "x^2" (statcheck: "variations in spelling the Greek letter chi").
_CHI2 = r"\u03c7\s?(?:2|\u00b2)|(?:chi|[Xx])(?:2|\u00b2|_2|\^2)|chi-squared?|chi\ssquared?"

# A sample size printed inside a chi-square's brackets: "chi2(28, N = 129)", "chi2(1, N =
# 11,455)", "chi2(1, n = 81)".
_SAMPLE = r"\s?,\s?[Nn]\s?=\s?(?:\d{1,3}(?:,\d{3})+|\d+)"

STATISTIC = re.compile(
    rf"""
    (?<![A-Za-z0-9])
    (?:
        (?P<t>t)\s?\(\s?(?P<t_df>{_DF})\s?\)                          # "t(28) = 2.20"
      | (?P<F>F)\s?\(\s?(?P<f_df1>{_DF})\s?,\s?(?P<f_df2>{_DF})\s?\)    # "F(2.1, 28.1) = 2.20"
      | (?P<chi2>{_CHI2})\s?\(\s?(?P<chi2_df>{_DF})(?:{_SAMPLE})?\s?\)  # "x2(28) = 2.20"
      | (?P<z>[zZ])                                                     # "z = 2.4"
      | (?P<r>r)\s?\(\s?(?P<r_df>{_DF})\s?\)                            # "r(48) = .31"
    )
    \s?=\s?(?P<value>-?\d*\.?\d+)(?![\d.])
    """,
    re.VERBOSE,
)
