"""Regular expressions for effect estimates with their intervals, built from named pieces.

An effect estimate is a named comparison measure with a value and an interval:
``HR 0.72 (95% CI 0.61-0.85; P < .001)``, ``OR = 2.42, 95% confidence interval [CI] 1.27-4.60``,
``relative risk, 0.81; 95% CI, 0.70 to 0.94``, ``mean difference -1.2 mmHg (-2.0 to -0.4)``.
Text reaching these patterns went through ``extractor.text.map_chars``: minus signs and en
dashes are ``-``, thin and no-break spaces are `` ``.
"""

from __future__ import annotations

import re

# --- the measure --------------------------------------------------------------------------------

# Spelled names (any case) -> code; the longest first, so "incidence rate ratio" wins over
# "rate ratio" and "standardized mean difference" over "mean difference".
SPELLED_MEASURES: tuple[tuple[str, str], ...] = (
    (r"incidence\s+rate\s+ratios?", "IRR"),
    (r"(?:sub-?distribution\s+|cause-specific\s+)?hazards?\s+ratios?", "HR"),
    (r"odds\s+ratios?", "OR"),
    (r"relative\s+risks?", "RR"),
    (r"risk\s+ratios?", "RR"),
    (r"(?:relative\s+)?rate\s+ratios?", "IRR"),
    (r"(?:absolute\s+)?risk\s+differences?", "RD"),
    (r"standardi[sz]ed\s+mean\s+differences?", "SMD"),
    (r"(?:weighted\s+)?mean\s+differences?", "MD"),
    (r"differences?\s+in\s+(?:the\s+)?means?", "MD"),
    # "treatment difference", "between-group difference", "the difference was 3.4 (95% CI ...)":
    # a generic difference, only with a qualifier or an article in front (never a bare word)
    (r"(?:(?:treatment|between[-\s]groups?|estimated|adjusted|absolute|mean\s+change)\s+)"
     r"differences?", "difference"),
    (r"(?<=\bthe\s)differences?", "difference"),
)
# Abbreviations, case-sensitive: "OR", "aOR", "AOR", "HR", "aHR", "sHR", "RR", "aRR", "IRR",
# "ARD", "RD", "WMD", "MD", "SMD".
ABBREVIATED_MEASURES: dict[str, str] = {
    "OR": "OR", "ORs": "OR", "aOR": "OR", "AOR": "OR", "aORs": "OR",
    "HR": "HR", "HRs": "HR", "aHR": "HR", "AHR": "HR", "sHR": "HR", "SHR": "HR", "csHR": "HR",
    "RR": "RR", "RRs": "RR", "aRR": "RR", "ARR": "RR",
    "IRR": "IRR", "IRRs": "IRR", "aIRR": "IRR",
    "ARD": "RD", "RD": "RD",
    "WMD": "MD", "MD": "MD",
    "SMD": "SMD",
}
ADJUSTED_ABBREVIATIONS = frozenset({"aOR", "AOR", "aORs", "aHR", "AHR", "aRR", "ARR", "aIRR"})

_SPELLED = "|".join(f"(?:{pattern})" for pattern, _ in SPELLED_MEASURES)
_ABBREVIATED = "|".join(sorted(ABBREVIATED_MEASURES, key=len, reverse=True))

MEASURE = rf"""
    (?P<adjusted>(?i:adjusted|multivariable(?:-adjusted)?|multivariate)\s+)?
    (?:
        (?P<spelled>(?i:{_SPELLED}))
        # "odds ratio (OR)", "adjusted odds ratio (aOR)": the short form it defines
        (?:\s?[(\[](?:{_ABBREVIATED})[)\]])?
      | (?<![A-Za-z0-9-])(?P<abbreviation>{_ABBREVIATED})(?![A-Za-z0-9])
    )
"""

# --- between the measure and its value -----------------------------------------------------------

# "hazard ratio for death from any cause, 0.72", "OR of 2.1", "HR = 0.5", "RR: 0.8",
# "the difference was 3.4", "odds ratio for X vs Y was 1.5"
LINK = r"""
    (?:\s(?:for|of|in)\s(?![0-9.-]+\s?[(\[])[^;:()\[\]=<>\d]{1,60}?)?   # what it is for
    # "mean difference (active - placebo) [95% CI] = -0.35 [-0.78 to 0.07]"
    (?:\s?\((?![0-9.-]+\s?(?:-|to)\s?[0-9.-])[^()\d]{1,40}\))?
    (?:\s?\[(?:\d{2}\s?%\s?)?CI\](?=\s?=))?
    (?:
        \s?[,:=]\s?(?:(?:was|were|is|of)\s)?
      | \s(?:was|were|is|of|equal\sto|amounted\sto)\s(?:=\s?)?
      | \s
    )
"""

# --- numbers ------------------------------------------------------------------------------------

# "0.72", ".85", "1,234.5" (thousands), "12"; a sign in front: "-1.2", "+0.4"
NUMBER = r"""(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?![\d])"""
SIGNED = rf"""[-+]?\s?{NUMBER}"""

# Units or words between a value and its interval: "-1.2 mmHg (-2.0 to -0.4)",
# "5.2 percentage points (95% CI ...)", "3.4 kg;" (at most three words, no digits)
UNIT_WORDS = r"""(?:\s?%|\s(?:[A-Za-z\u00b5/²]{1,15}(?:\s|(?=[,;(\[])|$)){1,3})?"""

# --- the interval -------------------------------------------------------------------------------

# "95% CI", "95 % confidence interval", "95%CI", "90% CI", "95% confidence interval [CI]",
# "95% CrI", "CI 95%", "CI"
CI_LABEL = r"""
    (?:
        (?P<level>\d{2}(?:\.\d)?)\s?%\s?
        (?i:CI|CIs|C\.I\.|CrI|confidence\s+intervals?|credible\s+intervals?|confidence\s+limits?)
        (?:\s?[(\[](?:CI|CrI)[)\]])?
      | (?i:CI|confidence\s+intervals?)\s?[,:]?\s?(?P<level_after>\d{2}(?:\.\d)?)\s?%
      | (?<![A-Za-z])CI(?![A-Za-z])
    )
"""

# The two bounds: "0.61-0.85", "0.70 to 0.94", "1.2, 2.7", "-2.0 to -0.4", "5%-19%", "-2.0--0.4"
BOUNDS = rf"""
    (?P<lower>{SIGNED})%?
    \s?(?:-|to|,|;)\s?
    (?P<upper>{SIGNED})%?
"""

# Labelled: "(95% CI 0.61-0.85", "; 95% CI, 0.70 to 0.94", ", 95% confidence interval [CI]
# 1.27-4.60", "[95% CI: 1.2, 2.7", "(95% CI = 0.3-0.8". Unlabelled, in brackets right after the
# value: "1.5 (1.1-2.0)", "-1.2 mmHg (-2.0 to -0.4)" (the caller requires the label or the
# brackets, and a closing bracket or a comma after unlabelled bounds).
INTERVAL = rf"""
    \s?[,;]?\s?(?P<open>[(\[])?\s?
    (?:(?P<label>{CI_LABEL})\s?(?:[,:=]|\s(?:of|was|from))?\s?[(\[]?\s?)?
    {BOUNDS}
"""

EFFECT_ESTIMATE = rf"""{MEASURE}{LINK}(?P<value>{SIGNED}){UNIT_WORDS}{INTERVAL}"""

# Another value with its interval after an estimate, for the same measure:
# "ORs were 1.5 (1.1-2.0) and 2.3 (1.4-3.8)", "HR 0.7 (95% CI 0.5-0.9) for A and 0.8 (0.6-1.1)"
LIST_ITEM = rf"""
    [)\]]?\s?(?:,|;|and|,\s?and|versus|vs\.?)\s
    (?:[^;:()\[\]=<>\d]{{1,40}}?\s)?
    (?P<value>{SIGNED}){UNIT_WORDS}{INTERVAL}
"""

# "A versus B", "A vs. B", "A compared with B": the comparison named in an estimate's sentence
COMPARISON = r"""
    (?<![A-Za-z])[A-Za-z][\w+/-]*(?:\s[\w+/-]+){0,3}
    \s(?:versus|vs\.?|compared\swith|compared\sto|relative\sto)\s
    [\w+/-]+(?:\s(?!and\b|with\b|in\b|was\b|were\b|for\b)[\w+/-]+){0,3}
"""

EFFECT_ESTIMATE_RE = re.compile(EFFECT_ESTIMATE, re.VERBOSE)
LIST_ITEM_RE = re.compile(LIST_ITEM, re.VERBOSE)
COMPARISON_RE = re.compile(COMPARISON, re.VERBOSE)
SPELLED_MEASURE_RES = tuple((re.compile(pattern, re.IGNORECASE), code)
                            for pattern, code in SPELLED_MEASURES)
