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
    # "hazard radio [HR] = 0.87", "adjusted hazard ration [AHR], 0.50": "ratio" misspelt
    (r"(?:sub-?distribution\s+|cause-specific\s+)?hazards?\s+(?:rate\s+)?ra(?:tio|dio|tion)s?",
     "HR"),
    (r"odds\s+ratios?", "OR"),
    (r"relative\s+risks?(?!\s+reduction)", "RR"),
    (r"risk\s+ratios?", "RR"),
    (r"(?:relative\s+)?rate\s+ratios?", "IRR"),
    # other ratios between groups: "GLSmean ratio 1.03; 90% CI 0.95, 1.11", "the GMRs of 1.0091
    # (90% CI: 0.9872, 1.0314)", "treatment effect ratio [TER] = 0.93", "mortality ratio 0.96"
    (r"(?:geometric\s+)?(?:least[-\s]squares?\s+|LS\s?|GLS\s?)?mean\s+ratios?", "ratio"),
    (r"ratios?\s+of\s+(?:the\s+)?(?:geometric\s+)?means", "ratio"),
    (r"(?:treatment\s+effect|prevalence|mortality)\s+ratios?", "ratio"),
    (r"(?:absolute\s+)?risk\s+differences?", "RD"),
    # "absolute risk reduction (ARR): 4.5%, 95% CI: 1.4-7.6", "an absolute benefit in terms of
    # disease-free survival of 4.7 percent (95 percent confidence interval, 2.6 to 6.8)"
    (r"absolute\s+(?:risk\s+)?(?:reductions?|increases?|benefits?)", "RD"),
    (r"standardi[sz]ed\s+mean\s+differences?", "SMD"),
    # "Cohen's d: -0.16, 95% Confidence Interval: -0.32 to 0.00", "effect size 0.4 (95% CI ...)"
    (r"Cohen'?s\s+d|Hedges'?\s+g|(?:standardi[sz]ed\s+)?effect\s+sizes?", "SMD"),
    # "mean difference", "mean treatment difference of -2.61 kg", "mean between-group difference"
    (r"(?:weighted\s+)?mean\s+(?:adjusted\s+|treatment\s+|between[-\s]groups?\s+)?differences?",
     "MD"),
    (r"differences?\s+(?:in|of|between)\s+(?:the\s+)?means?", "MD"),
    # "the difference in mean within-patient diurnal IOP was 1.1 mmHg", "adjusted difference in
    # mean Beck Depression Inventory (BDI) scores: 1.19"
    (r"differences?\s+in\s+(?:the\s+)?mean\s+[\w-]+(?:\s(?:[\w-]+|\([\w-]{1,10}\))){0,4}?"
     r"(?=\s(?:was|were|is)\s|:\s)", "MD"),
    (r"(?:least[-\s]squares?\s+|LS\s+)mean\s+differences?", "MD"),
    # "treatment difference", "between-group difference", "the difference was 3.4 (95% CI ...)":
    # a generic difference, only with a qualifier or an article in front (never a bare word)
    (r"(?:(?:treatment|between[-\s]groups?|estimated|adjusted|absolute|mean\s+change)\s+)"
     r"differences?", "difference"),
    # "difference between groups = 0.13", "difference between study and control group: 1.7"
    (r"differences?\s+between\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?groups?", "difference"),
    # "(difference 12%, 95% CI 6-18)", "the difference was 3.4 (95% CI 1.0 to 5.8)"; not "the
    # mean (or median) of the differences", the paired, within-group statistic
    (r"(?<!of\sthe\s)differences?", "difference"),
    # "regression coefficient [b]: 0.02 [95% CI: -0.21 to 0.25]"
    (r"(?:regression\s+)?coefficients?", "coefficient"),
    # effects named as such: "the estimated mean effect on the 6MWT versus placebo was 22.5 m
    # (95 % CI 4.0, 40.9)", "an intervention effect of 0.5 (95% CI -3.2 to 4.2)", "adjusted
    # treatment effect 1.02, 95% CI 0.69-1.53"; their scale is not said ("other")
    (r"(?:(?:estimated|adjusted|mean|net)\s+){0,2}(?:treatment|intervention)\s+effects?"
     r"|(?:estimated|adjusted)\s+(?:mean\s+)?effects?", "other"),
    # "relative risk reduction", "number needed to treat of 22 (95% CI, 20 to 27)"
    (r"relative\s+risk\s+reductions?|numbers?\s+needed\s+to\s+(?:treat|harm)", "other"),
)
# Abbreviations, case-sensitive: "OR", "aOR", "AOR", "HR", "aHR", "sHR", "RR", "aRR", "IRR",
# "ARD", "RD", "WMD", "MD", "SMD", "GMR", "NNT". One the abstract defines otherwise wins: "heart
# rate (HR)" is no measure, "absolute risk reduction (ARR)" is an RD (``effects.py`` reads the
# definitions).
ABBREVIATED_MEASURES: dict[str, str] = {
    "OR": "OR", "ORs": "OR", "aOR": "OR", "AOR": "OR", "aORs": "OR",
    "HR": "HR", "HRs": "HR", "aHR": "HR", "AHR": "HR", "sHR": "HR", "SHR": "HR", "csHR": "HR",
    "RR": "RR", "RRs": "RR", "aRR": "RR", "ARR": "RR",
    "IRR": "IRR", "IRRs": "IRR", "aIRR": "IRR",
    "ARD": "RD", "RD": "RD",
    "WMD": "MD", "MD": "MD",
    "SMD": "SMD",
    "GMR": "ratio", "GMRs": "ratio",
    "NNT": "other",
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

# A coefficient or an effect size named by its symbol, then "=" (or ":" after a beta): "B=3.62,
# 95% CI 2.01 to 5.18", "beta=-4.3, 95% CI -7.2 to -1.3", "(\u03b2 = 0.72, 95 % CI = 0.21-1.23)",
# "(d=0.89; 95% CI 0.35-1.43)". Only with a labelled interval (the caller requires it): "B = 2
# (1-3)" may be anything; "group A and B: 91.6%; 95% CI 61.52-99.79%" is a group.
SYMBOL = r"""
    (?<![A-Za-z0-9'\u2019-])
    (?P<symbol>(?P<beta>\u03b2|[Bb]eta(?=\s?[=:])|[Bb](?=\s?=))|(?P<d>d(?=\s?=)))
    (?![A-Za-z0-9])\s?[=:]\s?
"""

# --- between the measure and its value -----------------------------------------------------------

# "hazard ratio for death from any cause, 0.72", "OR of 2.1", "HR = 0.5", "RR: 0.8",
# "the difference was 3.4", "odds ratio for X vs Y was 1.5"
LINK = r"""
    # "hazard ratio (S-1/capecitabine) of 0.85", "mean difference (active - placebo) [95% CI] =",
    # "HR (95% CI): 0.58 (0.384, 0.876)", "rate ratio [RR] [95% CI] 1.09 [0.88; 1.36]"
    (?:\s?\((?![-+]?[0-9.]+\s?(?:-|to|,)\s?[-+]?[0-9.])[^()]{1,40}\)
      # "GLSmean ratio [vandetanib + itraconazole/vandetanib alone] 1.09; 90% CI 1.01, 1.18",
      # "cumulative incidence difference [CID], -6.0%; 95% CI"
      | \s?\[(?![-+]?[0-9.]+\s?(?:-|to|,)\s?[-+]?[0-9.])[^()\[\]]{1,60}\])?
    # "(hazard ratio [95% confidence interval]) of abemaciclib", "hazard ratios and 95%
    # confidence intervals for all-cause mortality ... were 0.96 (0.76-1.21)"
    (?:\s?[\[(](?:\d{2}\s?%\s?)?(?i:CIs?|confidence\sintervals?)[\])]\)?\s?:?)?
    (?:\s(?:and|with)\s(?:their\s)?\d{2}\s?%\s?(?i:CIs?|confidence\sintervals?))?
    # what it is for: "hazard ratio for death from any cause, 0.72", "HR for E120 versus
    # EC-CMF 1.04", "treatment difference from placebo at 1 h: 1.206", "the estimated mean
    # effect on the 6MWT versus placebo was 22.5 m", "the estimated HR over Phambili and HVTN
    # 503-S follow-up was 1.52" (no percent, and no comma before a number: "RR of 61.7 %, DCR of
    # 89.4 %, and median PFS of 13.1" is none)
    (?:\s(?:(?:was|were)\s(?:found|seen|observed)\s)?
       (?:for|of|in|between|comparing|among|from|with|at|on|over|versus|vs\.?)\s
       # not a number ("OR of 2.1"), but an outcome's name may start with one ("on 3MSCT")
       (?![-+]?[0-9.]+(?![0-9.]*[A-Za-z]))
       (?:(?!\d\.\d|\+/-|\u00b1)[^;:()\[\]=<>%,]|,(?!\s?[-+]?[\d.])){1,120}?)?
    (?:\s?\((?![-+]?[0-9.]+\s?(?:-|to|,)\s?[-+]?[0-9.])[^()]{1,40}\))?
    (?:
        # the interval's label before the value, its bounds after: "(HR; 95% CI: 1.19;
        # 0.94-1.50)", "[hazard ratio (HR); 95 % CI 1.9; 1.2, 3.1; p = 0.011]"
        (?P<label_first>\s?;\s?\d{2}\s?%\s?CI\s?:?\s?)
      | \s{0,3}[,:=]\s{0,3}(?:(?:was|were|is|of)\s)?
      | \s(?:was|were|is|of|equal\sto|amounted\sto)\s(?:=\s?)?
      # "difference in arm volume (0.3%; 95% CI, -1.7% to 2.3%)", "between-group difference in
      # MVPA (69 min/wk; 95% CI = 22-116)", "difference between early and delayed pramipexole
      # (-0.4 points, 95% CI -2.2 to 1.4, p=0.65)": a bracket holding the value and its labelled CI
      | \s\((?=[-+]?[\d.]+(?:%|\s[A-Za-z/\u00b5]{1,12}){0,2}[;,]\s?\d{2}\s?%\s?(?:CI|C\.I\.|confidence))
      | \s
    )
    [\u00a3$\u20ac\u00a5]?        # currency: "mean difference -\u00a3448"
"""

# --- numbers ------------------------------------------------------------------------------------

# "0.72", ".85", "1,234.5" (thousands), "12"; a sign in front: "-1.2", "+0.4"
NUMBER = r"""(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?![\d])"""
SIGNED = rf"""[-+]?\s?[\u00a3$\u20ac\u00a5]?{NUMBER}"""

# Units or words between a value and its interval: "-1.2 mmHg (-2.0 to -0.4)",
# "5.2 percentage points (95% CI ...)", "3.4 kg;" (at most five words, each starting with a
# letter; digits inside a unit: "-285 dyn s/cm5 (95% CI", "+0.6 L/min/m2 (95% CI", "-28.1 cm2
# (95% CI"), after a percent sign too: "20.0% points [95% CI 2.6; 37.4]"
UNIT_WORDS = r"""
    (?:\s?[%\u20ac\u00a3$](?=\s?(?:\+/-|\u00b1)))?   # "2.5% +/- 1.2%, (95% confidence interval"
    (?:\s?(?:\+/-|\u00b1)\s?\d*\.?\d+)?     # its SD: "2.5 +/- 0.3 mm Hg (95% CI: 1.9, 3.2)"
    (?:\s?[%\u20ac\u00a3$])?
    # "1.7 MET*hr/wk [95% CI, 0.8 to 2.6]"
    (?:\s(?!CI\b|C\.I\.|confidence\b)[A-Za-z\u00b5/²][A-Za-z0-9\u00b5/²*]{0,14}(?=[\s,;(\[])){0,5}
    # per what: "odds ratio [OR] = 0.65 per 5 kg/m2 increase, 95% confidence interval [CI]:
    # 0.56-0.75", "HR 1.05 per additional year, CI [1.03-1.08]"
    (?:\sper\s(?:\d[\d.,]*\s?%?\s)?[A-Za-z][\w/²-]*(?:\s(?!CI\b)[A-Za-z][\w/²-]*){0,3}
       (?=\s?[,;(\[]))?
    # "0.99 for disease-free survival (DFS) (95%CI: 0.77-1.26)"
    (?:\s(?:for|in|at)\s(?!CI\b)[^;:()\[\]=<>\d,%]{1,40}?(?:\s\([A-Za-z-]{1,10}\))?(?=\s?[(\[]))?
    # its P before the interval: "(hazard ratio [HR], 0.76; P = .002; 95% confidence interval
    # [CI], 0.64-0.91)", "(HR, 1.01; P = .904; 95% CI, 0.85-1.20)"
    (?:\s?[;,]\s?[Pp]\s?[<>=\u2264\u2265]\s?0?\.\d+(?=\s?[;,]\s?\d{2}\s?%\s?(?:CI|confidence)))?
"""

# --- the interval -------------------------------------------------------------------------------

# "95% CI", "95 % confidence interval", "95%CI", "90% CI", "95% confidence interval [CI]",
# "95% CrI", "CI 95%", "CI"
CI_LABEL = r"""
    (?:
        # "two-sided 80% CI: 0.79-1.81"
        (?:(?i:two|one)-sided\s)?
        (?P<level>\d{2}(?:\.\d{1,2})?)\s?(?:%|\spercent)\s?
        (?i:CI|CIs|C\.I\.|CrI|confidence\s+intervals?|credible\s+intervals?|confidence\s+limits?)
        # "95% confidence interval [CI] 1.27-4.60", "95% confidence interval CI = 1.24-2.67"
        (?:\s?[(\[](?:CI|CrI)[)\]]|\sCI\b)?
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
    \s?(?:(?P<dash>-)|to|,\s?to|,|;)\s?      # "(95% CI -75.47, to -2.305, p=0.038)"
    (?P<upper>{BOUND})%?
"""

# Labelled: "(95% CI 0.61-0.85", "; 95% CI, 0.70 to 0.94", ", 95% confidence interval [CI]
# 1.27-4.60", "[95% CI: 1.2, 2.7", "(95% CI = 0.3-0.8". Unlabelled, in brackets right after the
# value: "1.5 (1.1-2.0)", "-1.2 mmHg (-2.0 to -0.4)" (the caller requires the label or the
# brackets, and a closing bracket or a comma after unlabelled bounds). Unlabelled after a comma
# (Lancet style), when a dash joins the bounds and the clause ends there: "HR 0.43, 0.19-0.97;
# p=0.04", "HR 0.56, 0.34-0.92, p=0.007)", "aOR 0.73, 0.53-0.99, p=0.0406".
_INTERVAL = rf"""
    \s?(?:(?P<comma>,)|;|:(?=\s?\d{{2}}\s?%))?\s?(?:and\s)?(?P<open>[(\[]{{1,2}})?\s?
    (?:(?P<label>{CI_LABEL})\s?(?:[,:=]|\s(?:of|was|from))?\s?[(\[]?\s?)?
    {BOUNDS}
"""
_UNLABELLED_ENDS = r"(?=\s?[)\],;])"
INTERVAL = rf"""{_INTERVAL}
    (?(label)|(?(open){_UNLABELLED_ENDS}|(?(comma)(?(dash){_UNLABELLED_ENDS}|(?!))|(?!))))
"""
# After an estimate's head, its interval may also follow a label printed before the value
# ("HR; 95% CI: 1.19; 0.94-1.50)").
HEAD_INTERVAL = rf"""{_INTERVAL}
    (?(label)|(?(open){_UNLABELLED_ENDS}|(?(comma)(?(dash){_UNLABELLED_ENDS}|(?!))
     |(?(label_first){_UNLABELLED_ENDS}|(?!)))))
"""

# A value first in its bracket, with its labelled interval and no measure named: "(-0.7, 95% CI
# -1.2 to -0.2)", "(0.08 points; 95% CI, -1.1-1.2; p = 0.75)", "(-7.79; 95% CI, -14.31 to -1.27;
# P = .02)", "(\u20ac437 per patient, 95% confidence interval -562 to 1436, p = 0.39)". Whether the
# words before it compare groups, ``effects.py`` judges.
UNNAMED = rf"""
    (?<=[(\[])
    (?P<value>{SIGNED})
    (?:\s?%|(?:\s(?!CI\b)[A-Za-z\u00b5/²][A-Za-z0-9\u00b5/²]{{0,14}}){{1,3}})?
    # "mean differences between weight (-3.4 kg (95% CI -5.5, -1.3)), BMI kg/m2 (-1.14 (95% CI"
    (?:\s?[;,]\s?|\s\()
    (?P<label>{CI_LABEL})\s?[,:=]?\s?[(\[]?\s?
    {BOUNDS}
"""

# The value: a number that is not an interval's level ("95% CI")
VALUE = rf"""(?P<value>{SIGNED})(?!\s?%\s?(?:CI|C\.I\.|CrI|confidence))"""

EFFECT_ESTIMATE = rf"""
    \b      # every name starts a word: a cheap test that spares most positions the names' list
    (?:{MEASURE}{LINK}|{SYMBOL})
    (?:
        {VALUE}{UNIT_WORDS}{HEAD_INTERVAL}
        (?(symbol)(?(label)|(?!)))      # a symbol's interval is labelled
    )
"""

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
UNNAMED_RE = re.compile(UNNAMED, re.VERBOSE)
LIST_ITEM_RE = re.compile(LIST_ITEM, re.VERBOSE)
COMPARISON_RE = re.compile(COMPARISON, re.VERBOSE)
SPELLED_MEASURE_RES = tuple((re.compile(pattern, re.IGNORECASE), code)
                            for pattern, code in SPELLED_MEASURES)


def spelled_measure(match: re.Match[str]) -> str:
    """The code of the spelled name an ``EFFECT_ESTIMATE_RE`` match holds."""
    return next(code for i, (_, code) in enumerate(SPELLED_MEASURES) if match.group(f"spelled_{i}"))
