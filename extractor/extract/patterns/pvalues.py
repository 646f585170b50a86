"""Regular expressions for P values, built from named pieces (statcheck style).

Every piece is a verbose pattern string; the compiled patterns at the end combine them.
Each branch carries a comment with the real abstract text that needed it. The counts helper
keeps its own patterns in ``counts.py``.

Text reaching these patterns went through ``extractor.parse.text.map_chars`` (Unicode minus and
dashes are ``-``, thin and no-break spaces are `` ``, middle dots are ``.``), but the pieces
accept the raw look-alikes too, so a caller that skipped normalisation still gets a match.
"""

from __future__ import annotations

import re

# Spaces: the gold text keeps thin and no-break spaces (mapped to " "), so "P\u2009 < .0001"
# becomes "P  < .0001" with two spaces.
S = r"""\s{0,3}"""  # optional space
W = r"""\s{1,3}"""  # required space

# --- the "P" marker -------------------------------------------------------------------------

# Words that name the kind of P value, glued to the P or after it.
P_QUALIFIER_WORD = r"""
    (?:trend|interaction|int|inter|heterogeneity|het|adj|adjusted|corr|corrected|diff
      |difference|overall|linear|logrank|log-rank|FDR|Bonferroni|non-?inferiority
      |superiority|equivalence|homogeneity|time|treatment|group|global|nonlinearity)
"""

# The P itself: a lone p/P (never the start of a word such as p53, P450, PO2, P-glycoprotein,
# PFS or PURPOSE), optionally with its qualifiers.
P_HEAD = rf"""
    (?<![A-Za-z0-9'\u2019])          # not inside a word or number: "SBP = 120", "2P"
    (?P<p>[Pp])
    (?:
        # "Pinteraction=0.04", "Ptrend < 0.05", "P_trend = 0.01", "Padj = 0.03"
        _?{P_QUALIFIER_WORD}(?![A-Za-z0-9])
    )?
    (?P<value_word>
        # "p-value of 0.03", "P value was 0.03", "P-values < 0.05", "Pvalue = 0.2"
        {S}-?{S}values?(?![A-Za-z0-9])
    )?
    (?:
        # "p trend < 0.05", "P-interaction = 0.3", "P for trend = 0.01",
        # "P for interaction=0.009", "P for equivalence = .99", "P for the difference = 0.02"
        {S}[-_]{S}{P_QUALIFIER_WORD}(?![A-Za-z0-9])
      | {W}{P_QUALIFIER_WORD}(?![A-Za-z0-9])
      | {W}for{W}(?:[\w\u00d7*/-]+{W}){{0,3}}?[\w-]+
        # "P(interaction) = 0.3", "P (two-sided) = 0.03", "P [log-rank] < 0.001":
        # a short bracket with no comparator inside (so "P (n = 20)" is not a P value)
      | {S}[(\[][^()\[\]=<>\u2264\u2265]{{1,30}}[)\]]
    )*
"""

# --- comparators ----------------------------------------------------------------------------

# "<", "=", ">", "≤", "≥" and their spelled and typed-out variants; group "op".
P_COMPARATOR = rf"""
    (?P<op>
        # "P <or=.001", "p< or =0.001", "p> or =0.05" (typed "≤" in older abstracts)
        [<>]{S}or{S}=
        # "P =< 0.05", "p<=0.05", "P >/= 0.05", "P</=0.01"
      | =[<>] | [<>]/?=
        # "P ≤ 0.05", "P ≥ 0.99" and the slanted and fullwidth look-alikes
      | [\u2264\u2265\u2a7d\u2a7e\u2266\u2267]
        # "p = <0.001" (= then <): the second sign is the comparison
      | ={S}(?=[<>\u2264\u2265])[<>\u2264\u2265]
      | [<>=\uff1c\uff1e\uff1d]
        # "P less than .001", "P greater than .05" (spelled out, 1980s abstracts)
      | (?:less|lower|smaller){W}than{W}or{W}equal{W}to
      | (?:greater|more|higher|larger){W}than{W}or{W}equal{W}to
      | (?:less|lower|smaller){W}than
      | (?:greater|more|higher|larger){W}than
      | below | above | under
      | equal{W}to | equals | equalled | equaled
    )
"""

# Words that may stand between the P and its comparator or value: "P value was 0.03",
# "p-value of less than 0.05", "P: < 0.001" (gold text "P: < 0.001").
P_LINK = r"""
    (?P<link>
        :
      | (?:was|were|is|are|of|being|reached)(?![A-Za-z])
    )
"""

# --- numbers --------------------------------------------------------------------------------

# A decimal: "0.002", ".002", "0·05" (Lancet middle dot), "1", "0".
DECIMAL = r"""(?:\d*[.\u00b7]\d+|\d+)"""

# "P=0. 048", "P < 0. 05.": a decimal split by a stray space in the source text (bc5cdr);
# "P<0.000 1": decimals grouped in threes (ISO 80000 style).
SPLIT_DECIMAL = r"""0\.(?:[ ]\d+|\d{3}[ ]\d{1,3})(?!\d|\.\d|[ ]?(?!and\b|or\b|respectively\b)[A-Za-z])"""

# Units and counted nouns after a number that make it a dose or a count, not a probability.
UNIT = r"""
    (?:mg|mcg|\u00b5g|\u03bcg|ng|g|kg|ml|dl|l|mmol|\u00b5mol|\u03bcmol|mol|iu|u|units?|mm|cm
      |m|mmhg|s|sec|min|h|hr|hours?|days?|weeks?|months?|years?|patients|subjects|women|men)
"""

# A minus sign: ASCII, Unicode minus, en dash, superscript minus.
MINUS = r"""[-\u2212\u2013\u207b]"""

# Superscript digits, as in "10⁻⁵".
SUPERSCRIPT_DIGITS = r"""[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+"""

# A power of ten with a negative exponent; group "exponent" (or "sup_exponent").
POWER_OF_TEN = rf"""
    10{S}
    (?:
        # "10^-5", "10^(-5)", "10^ -5"
        \^{S}(?:\({S}(?P<exponent>{MINUS}{S}\d+){S}\)|(?P<exponent_d>{MINUS}{S}\d+))
        # "10(-5)" (superscript lost in the text display)
      | \({S}(?P<exponent_b>{MINUS}{S}\d+){S}\)
        # "10⁻⁵"
      | \u207b(?P<sup_exponent>{SUPERSCRIPT_DIGITS})
        # "10-5", "10−5" (superscript lost after normalising the minus)
      | (?P<exponent_c>{MINUS}\d+)(?!\d|\.\d)
    )
"""

# The value of a P; groups "mantissa", "exponent*", "e_exponent", "split_decimal", "number".
P_NUMBER = rf"""
    (?P<value>
        # "P = 2 × 10^-5", "P = 2 x 10(-5)", "P < 1.2 × 10−8", "P = 3*10^-4", and a bare
        # power of ten "P < 10^-5", "P < 10⁻⁸"
        (?:(?P<mantissa>\d+(?:[.\u00b7]\d+)?){S}[x\u00d7X*\u00b7]{S})?{POWER_OF_TEN}
        # "P = 2.1e-5", "P = 3.4E-07"; spaced around the "e" (statcheck's tests): "p = 1.23 e-4",
        # "p = 1.23 e -4" (a space before the "e" only with a minus after it: "p = 0.05 each")
      | (?P<e_mantissa>\d*[.]?\d+)(?:[eE]|{S}[eE](?={S}{MINUS}))
        {S}(?P<e_exponent>{MINUS}?{S}\d+)(?!\d|\.\d)
      | (?P<split_decimal>{SPLIT_DECIMAL})
        # "p = 0,000", "P = 0,03": a decimal comma (European style)
      | (?P<comma_decimal>0,\d+)(?!\d|,\d)
      | (?P<number>{DECIMAL})(?![\d/]|[.\u00b7]\d|\.[ ]\d)   # not "P: 6/20" (a count)
    )
    (?P<percent>{S}%)?             # "P<5%, on 3 consecutive tests": a percentage, a doubt
    (?!{S}{UNIT}\b)                 # "group P: 0.5 mg/kg propofol" is a dose, not a P value
"""

# --- whole P values -------------------------------------------------------------------------

# "P = .002", "p<0.001", "P ≤ 0.05", "P value was 0.03", "P for trend = 0.01", "Pinteraction=0.04"
P_VALUE = rf"""
    {P_HEAD}
    (?:{S}{P_LINK})?
    {S}
    (?:{P_COMPARATOR}{S})?
    {P_NUMBER}
"""

# "(P=NS)", "p = NS [not significant]", "P = ns", "P = n.s.": no number to keep.
P_NOT_SIGNIFICANT = rf"""
    {P_HEAD}
    (?:{S}[=:]{S}|{W}(?:was|is){W})     # not "PNS" (peripheral nervous system)
    (?P<ns>NS|N\.S\.|ns|n\.s\.|not{W}significant)(?![A-Za-z])
"""

# One more value in a list after a P value: "P = .04 and .01",
# "P < 0.05, 0.01 and 0.001 respectively", "(P = 0.02 and = 0.04)", "P<0.001 to 0.04".
# Only values that look like probabilities (no "95%", "1.2 (0.8-1.5)" or "12 patients").
P_LIST_ITEM = rf"""
    (?:{S},{S}(?:and{W}|or{W})?|{S};{S}|{W}and{W}|{W}or{W}|{S}-{S}|{W}to{W})
    (?P<item>
        (?:{P_COMPARATOR}{S})?
        (?P<value>
            (?P<mantissa>\d+(?:[.\u00b7]\d+)?){S}[x\u00d7X*\u00b7]{S}{POWER_OF_TEN}
          | (?P<split_decimal>{SPLIT_DECIMAL})   # "(P < 0. 002, < 0. 04 and < 0. 02)"
          | (?P<number>0?[.\u00b7]\d+|0|1(?:[.\u00b7]0+)?)(?!\d|[.\u00b7]\d|\.[ ]\d)
        )
    )
    (?=
        {S}(?:[,;)\]]|and{W}|or{W}|to{W}|respectively|in{W}both|$|\.(?!\d))
    )
"""

# Words around a P value that make it a significance threshold, not a result:
# "A P value < 0.05 was considered statistically significant",
# "P values less than 0.05 were regarded as significant",
# "(P < 0.05 was considered significant)". A closing bracket stops the search, so
# "HbA1c fell (P < 0.001) and was considered relevant" stays a result.
SIGNIFICANCE_THRESHOLD_AFTER = r"""
    ^[^.;()]{0,40}?
    (?:
        (?:was|were|is|are|being|be)[ ]
        (?:considered|regarded|accepted|taken|defined|deemed|set|chosen|used|interpreted)
        [^.;()]{0,40}?
        (?:significan|threshold|cut-?off)
        # "Results with two-sided P values of .05 or less were statistically significant."
      | (?:were|was|are|is)[ ](?:statistically[ ])?significant
    )
"""
# "Statistical significance was set at P < 0.05", "significance level of p ≤ 0.05",
# "the level of significance was P < 0.05", "significance was defined as P < 0.05".
# Not "the difference was significant at P < 0.05", which reports a result.
SIGNIFICANCE_THRESHOLD_BEFORE = r"""
    (?:
        significance[ ](?:level|threshold)
      | level[ ]of[ ](?:statistical[ ])?significance
      | significance[ ](?:was|were|is)[ ](?:set|defined|considered|accepted|assumed|taken)
      | significance[ ](?:at|as)
      | (?:alpha|\u03b1)[ ](?:level|of)
    )
    [^.;()]{0,25}$
"""

P_VALUE_RE = re.compile(P_VALUE, re.VERBOSE | re.IGNORECASE)
P_NOT_SIGNIFICANT_RE = re.compile(P_NOT_SIGNIFICANT, re.VERBOSE | re.IGNORECASE)
P_LIST_ITEM_RE = re.compile(P_LIST_ITEM, re.VERBOSE | re.IGNORECASE)
SIGNIFICANCE_THRESHOLD_AFTER_RE = re.compile(
    SIGNIFICANCE_THRESHOLD_AFTER, re.VERBOSE | re.IGNORECASE
)
SIGNIFICANCE_THRESHOLD_BEFORE_RE = re.compile(
    SIGNIFICANCE_THRESHOLD_BEFORE, re.VERBOSE | re.IGNORECASE
)
