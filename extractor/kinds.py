"""Every closed list of names the package uses, written once.

The records (``models``) type their fields with these ``Literal`` types, the store and the
checks read them, and the command line offers the tuples derived from them as choices. This
module imports nothing but ``typing``, so ``extract --help`` can show the choices without
loading the library.
"""

from __future__ import annotations

from typing import Literal, get_args

# "P = .002", "P < .05": how a P value is printed.
Operator = Literal["=", "<", ">", "<=", ">="]

# Where a record came from (articles.source, raw_records.source).
Source = Literal["efetch", "page", "xml-file", "html-file", "baseline"]
SOURCES: tuple[Source, ...] = get_args(Source)
# What `extract PMID` reads: efetch XML or the PubMed abstract page.
FetchSource = Literal["efetch", "page"]
FETCH_SOURCES: tuple[FetchSource, ...] = get_args(FetchSource)
# The sources whose raw record is a saved PubMed page (HTML); every other one is efetch XML.
PAGE_SOURCES: tuple[Source, ...] = ("page", "html-file")

# Where a record's failure happened (failures.stage).
Stage = Literal["fetch", "parse", "extract", "store"]

ArticleKind = Literal["article", "book", "deleted"]
SampleSizeRole = Literal["total", "arm", "sum_of_arms"]
TotalSource = Literal["printed", "percent", "arm", "unknown"]
DrugRole = Literal["studied", "background", "measured", "mentioned"]
ConditionRole = Literal["population", "outcome", "mentioned"]
DrugSource = Literal["text", "chemical_list"]
ConditionSource = Literal["text", "mesh_heading"]

# "ratio": another ratio between groups (geometric mean ratio, treatment effect ratio);
# "coefficient": a regression coefficient (beta, B); "other": a comparison whose scale is not
# said (a treatment effect, a number needed to treat, a relative risk reduction).
EffectMeasure = Literal["OR", "RR", "HR", "IRR", "RD", "MD", "SMD", "difference", "ratio",
                        "coefficient", "other"]

CheckKind = Literal["estimate_in_interval", "ratio_centre", "p_vs_interval", "p_vs_statistic",
                    "percent_vs_count", "responders_vs_total", "arms_vs_total", "words_vs_p"]
CHECK_KINDS: tuple[CheckKind, ...] = get_args(CheckKind)
Verdict = Literal["consistent", "discrepant", "decision_error", "not_checkable"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
# Which finding list a check's input is (``text``: a statistic or words, no finding).
InputKind = Literal["effect_estimates", "p_values", "response_counts", "arms", "sample_sizes",
                    "doubts", "text"]

# What a result says of the intervention against its comparator (or, with no comparator,
# against baseline) on an outcome, as the text reports it.
Direction = Literal["increased", "decreased", "no_difference"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)

# The field a doubt concerns.
DoubtField = Literal["p_values", "sample_size", "response_counts", "drugs", "conditions"]
# What kind of doubt it is; ``Doubt.value`` and ``Doubt.bound`` hold its numbers:
DoubtCode = Literal[
    "p_percentage",             # "P = 5%": value, the number printed
    "p_bare_zero",              # "P = 0": value 0
    "p_out_of_range",           # "P = 1.3": value, bound 1
    "p_not_significant",        # "P = NS": no number
    "sample_size_close_call",   # value, the runner-up total; bound, the total chosen
    "sample_size_weak",         # the total chosen below THRESHOLD: value; bound, THRESHOLD
    "responders_exceed_total",  # "14 of 12": value, the responders; bound, their group
    "count_without_group",      # no group size printed ("10 patients after CST"): value, the
                                # responders; bound, the group a printed percent implies, or null
    "text_unread",              # value, characters read; bound, the section's length
]

# extract export: the file formats, the rows, the measure computed from two arms' events.
ExportFormat = Literal["metafor", "meta", "revman", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
RowKind = Literal["contrasts", "arms"]
ROW_KINDS: tuple[RowKind, ...] = get_args(RowKind)
PoolMeasure = Literal["OR", "RR", "RD"]
POOL_MEASURES: tuple[PoolMeasure, ...] = get_args(PoolMeasure)

# The splits of a gold corpus.
Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = get_args(Split)
