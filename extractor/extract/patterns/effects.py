"""Regular expressions for effect estimates with their intervals, built from named pieces.

An effect estimate is a named comparison measure with a value and an interval:
``HR 0.72 (95% CI 0.61-0.85; P < .001)``, ``OR = 2.42, 95% confidence interval [CI] 1.27-4.60``,
``relative risk, 0.81; 95% CI, 0.70 to 0.94``, ``mean difference -1.2 mmHg (-2.0 to -0.4)``.
Text reaching these patterns went through ``extractor.parse.text.map_chars``: minus signs and en
dashes are ``-``, thin and no-break spaces are `` ``.
"""

from __future__ import annotations

import re

# --- the measure --------------------------------------------------------------------------------

# Spelled names (any case) -> code; the longest first, so "incidence rate ratio" wins over
# "rate ratio" and "standardized mean difference" over "mean difference".
SPELLED_MEASURES: tuple[tuple[str, str], ...] = (
    (r"incidence\s+rate\s+ratios?", "IRR"),
    (r"(?:sub-?distribution\s+|cause-specific\s+)?hazards?\s+(?:rate\s+)?ratios?", "HR"),
    (r"odds\s+ratios?", "OR"),
    (r"relative\s+risks?", "RR"),
    (r"risk\s+ratios?", "RR"),
    (r"(?:relative\s+)?rate\s+ratios?", "IRR"),
    (r"(?:absolute\s+)?risk\s+differences?", "RD"),
    (r"standardi[sz]ed\s+mean\s+differences?", "SMD"),
    (r"(?:weighted\s+)?mean\s+(?:adjusted\s+)?differences?", "MD"),
    (r"differences?\s+(?:in|of|between)\s+(?:the\s+)?means?", "MD"),
    # "the difference in mean within-patient diurnal IOP was 1.1 mmHg"
    (r"differences?\s+in\s+(?:the\s+)?mean\s+[\w-]+(?:\s[\w-]+){0,3}?(?=\s(?:was|were|is)\s)",
     "MD"),
    (r"(?:least[-\s]squares?\s+|LS\s+)mean\s+differences?", "MD"),
    # "treatment difference", "between-group difference", "the difference was 3.4 (95% CI ...)":
    # a generic difference, only with a qualifier or an article in front (never a bare word)
    (r"(?:(?:treatment|between[-\s]groups?|estimated|adjusted|absolute|mean\s+change)\s+)"
     r"differences?", "difference"),
    # "difference between groups = 0.13", "difference between study and control group: 1.7"
    (r"differences?\s+between\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?groups?", "difference"),
    # "(difference 12%, 95% CI 6-18)", "the difference was 3.4 (95% CI 1.0 to 5.8)"
    (r"differences?", "difference"),
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

# Each spelled name is its own group, spelled_<i>, so a match says which one it was.
_SPELLED = "|".join(f"(?P<spelled_{i}>{pattern})" for i, (pattern, _) in enumerate(SPELLED_MEASURES))
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
    # "hazard ratio (S-1/capecitabine) of 0.85", "mean difference (active - placebo) [95% CI] =",
    # "HR (95% CI): 0.58 (0.384, 0.876)", "rate ratio [RR] [95% CI] 1.09 [0.88; 1.36]"
    (?:\s?\((?![-+]?[0-9.]+\s?(?:-|to|,)\s?[-+]?[0-9.])[^()]{1,40}\))?
    # "(hazard ratio [95% confidence interval]) of abemaciclib", "hazard ratios and 95%
    # confidence intervals for all-cause mortality ... were 0.96 (0.76-1.21)"
    (?:\s?[\[(](?:\d{2}\s?%\s?)?(?i:CIs?|confidence\sintervals?)[\])]\)?\s?:?)?
    (?:\s(?:and|with)\s(?:their\s)?\d{2}\s?%\s?(?i:CIs?|confidence\sintervals?))?
    # what it is for: "hazard ratio for death from any cause, 0.72", "HR for E120 versus
    # EC-CMF 1.04", "treatment difference from placebo at 1 h: 1.206" (no percent, and no
    # comma before a number: "RR of 61.7 %, DCR of 89.4 %, and median PFS of 13.1" is none)
    (?:\s(?:(?:was|were)\s(?:found|seen|observed)\s)?
       (?:for|of|in|between|comparing|among|from|with|at)\s
       (?![-+]?[0-9.])(?:(?!\d\.\d|\+/-|\u00b1)[^;:()\[\]=<>%,]|,(?!\s?[-+]?[\d.])){1,80}?)?
    (?:\s?\((?![-+]?[0-9.]+\s?(?:-|to|,)\s?[-+]?[0-9.])[^()]{1,40}\))?
    (?:
        \s{0,3}[,:=]\s{0,3}(?:(?:was|were|is|of)\s)?
      | \s(?:was|were|is|of|equal\sto|amounted\sto)\s(?:=\s?)?
      | \s\((?=[-+]?[\d.]+%?;)     # "difference in arm volume (0.3%; 95% CI, -1.7% to 2.3%)"
      | \s
    )
    [\u00a3$\u20ac\u00a5]?        # currency: "mean difference -\u00a3448"
"""

# --- numbers ------------------------------------------------------------------------------------

# "0.72", ".85", "1,234.5" (thousands), "12"; a sign in front: "-1.2", "+0.4"
NUMBER = r"""(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?![\d])"""
SIGNED = rf"""[-+]?\s?[\u00a3$\u20ac\u00a5]?{NUMBER}"""

# Units or words between a value and its interval: "-1.2 mmHg (-2.0 to -0.4)",
# "5.2 percentage points (95% CI ...)", "3.4 kg;" (at most three words, no digits)
UNIT_WORDS = r"""
    (?:\s?(?:\+/-|\u00b1)\s?\d*\.?\d+)?     # its SD: "2.5 +/- 0.3 mm Hg (95% CI: 1.9, 3.2)"
    (?:\s?[%\u20ac\u00a3$]
      | (?:\s(?!CI\b|C\.I\.|confidence\b)[A-Za-z\u00b5/²]{1,15}(?=[\s,;(\[])){1,5}
    )?
    # "0.99 for disease-free survival (DFS) (95%CI: 0.77-1.26)"
    (?:\s(?:for|in|at)\s(?!CI\b)[^;:()\[\]=<>\d,%]{1,40}?(?:\s\([A-Za-z-]{1,10}\))?(?=\s?[(\[]))?
"""

# --- the interval -------------------------------------------------------------------------------

# "95% CI", "95 % confidence interval", "95%CI", "90% CI", "95% confidence interval [CI]",
# "95% CrI", "CI 95%", "CI"
CI_LABEL = r"""
    (?:
        (?P<level>\d{2}(?:\.\d{1,2})?)\s?(?:%|\spercent)\s?
        (?i:CI|CIs|C\.I\.|CrI|confidence\s+intervals?|credible\s+intervals?|confidence\s+limits?)
        (?:\s?[(\[](?:CI|CrI)[)\]])?
      | (?i:CI|confidence\s+intervals?)\s?[,:]?\s?(?P<level_after>\d{2}(?:\.\d)?)\s?%
      | (?<![A-Za-z])CI(?![A-Za-z])(?:\s?[(\[](?:CI|CrI)[)\]])?
      | (?i:confidence\s+intervals?)(?:\s?[(\[]CI[)\]])?
    )
"""

# The two bounds: "0.61-0.85", "0.70 to 0.94", "1.2, 2.7", "-2.0 to -0.4", "5%-19%", "-2.0--0.4"
# "0.46-0. 92": a decimal split by a space (as printed in some abstracts)
BOUND = rf"""(?:[-+]?\s?\d+\.\s\d+(?![\d.])|{SIGNED})"""
BOUNDS = rf"""
    (?P<lower>{BOUND})%?
    \s?(?:-|to|,|;)\s?
    (?P<upper>{BOUND})%?
"""

# Labelled: "(95% CI 0.61-0.85", "; 95% CI, 0.70 to 0.94", ", 95% confidence interval [CI]
# 1.27-4.60", "[95% CI: 1.2, 2.7", "(95% CI = 0.3-0.8". Unlabelled, in brackets right after the
# value: "1.5 (1.1-2.0)", "-1.2 mmHg (-2.0 to -0.4)" (the caller requires the label or the
# brackets, and a closing bracket or a comma after unlabelled bounds).
INTERVAL = rf"""
    \s?[,;]?\s?(?:and\s)?(?P<open>[(\[]{{1,2}})?\s?
    (?:(?P<label>{CI_LABEL})\s?(?:[,:=]|\s(?:of|was|from))?\s?[(\[]?\s?)?
    {BOUNDS}
    (?(label)|(?(open)(?=\s?[)\],;])|(?!)))    # a label, or brackets that close
"""

# The value: a number that is not an interval's level ("95% CI")
VALUE = rf"""(?P<value>{SIGNED})(?!\s?%\s?(?:CI|C\.I\.|CrI|confidence))"""

EFFECT_ESTIMATE = rf"""{MEASURE}{LINK}{VALUE}{UNIT_WORDS}{INTERVAL}"""

# Another value with its interval after an estimate, for the same measure:
# "ORs were 1.5 (1.1-2.0) and 2.3 (1.4-3.8)", "HR 0.7 (95% CI 0.5-0.9) for A and 0.8 (0.6-1.1)"
LIST_ITEM = rf"""
    [%)\]]{{0,3}}
    (?:\s?[,;]\s?[Pp]\s?[<>=\u2264\u2265]\s?[\d.]+[%)\]]{{0,3}})?   # its P: ", p = 0.006]"
    (?:\s(?![-+]?[0-9.]+\s?[(\[])[^;:()\[\]=<>]{{1,40}}?)?   # "for the total sample"
    \s?(?:,|;|and|,\s?and|;\s?and|versus|vs\.?)\s
    (?:(?![-+]?[0-9.]+\s?[(\[])[^;:()\[\]=<>]{{1,40}}?(?:\s|\s?[:=]\s?))?   # "at 4 h:"
    {VALUE}{UNIT_WORDS}{INTERVAL}
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


def spelled_measure(match: re.Match[str]) -> str:
    """The code of the spelled name an ``EFFECT_ESTIMATE_RE`` match holds."""
    return next(code for i, (_, code) in enumerate(SPELLED_MEASURES) if match.group(f"spelled_{i}"))
