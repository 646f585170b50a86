"""How a test statistic is printed: ``t(28) = 2.20``, ``F(2, 120) = 3.1``, ``chi2(1) = 4.2``,
``z = 2.4``, ``r(48) = .31``, read as statcheck reads them (the checks recompute its P)."""

from __future__ import annotations

import re

# "t(28) = 2.20", "F(2, 120) = 3.1", "chi2(1) = 4.2", "z = 2.4", "r(48) = .31", then its P.
STATISTIC = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?P<t>t)\s?\(\s?(?P<t_df>\d+(?:\.\d+)?)\s?\)"
    r"|(?P<F>F)\s?\(\s?(?P<f_df1>\d+)\s?,\s?(?P<f_df2>\d+(?:\.\d+)?)\s?\)"
    r"|(?P<chi2>\u03c7\s?2|\u03c7\u00b2|chi2|chi-squared?|chi squared?|X2)\s?"
    r"\(\s?(?P<chi2_df>\d+)(?:\s?,\s?[Nn]\s?=\s?\d+)?\s?\)"
    r"|(?P<z>[zZ])"
    r"|(?P<r>r)\s?\(\s?(?P<r_df>\d+)\s?\)"
    r")\s?=\s?(?P<value>-?\d*\.?\d+)(?![\d.])")
