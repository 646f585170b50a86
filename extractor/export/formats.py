"""Rows for pooling written as the tools that pool them read them: CSV for R's metafor and
meta, CSV in the shape of RevMan's data import, JSON Lines.

Each CSV format is a mapping of its column names to the row fields of ``contrasts.py``, in
its column order (``export.R_LINES`` holds the lines of R that read each file; ``extract
export --help`` shows them).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from extractor.export.contrasts import ARM_COLUMNS, CONTRAST_COLUMNS
from extractor.kinds import ExportFormat, RowKind

# format -> row kind -> {column written: row field}
_COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    # metafor: escalc(ai, n1i, ci, n2i) and rma(yi, vi or sei); study as slab
    "metafor": {
        "contrasts": {"study": "study", **{c: c for c in CONTRAST_COLUMNS if c != "study"}},
        "arms": {c: c for c in ARM_COLUMNS},
    },
    # meta: metabin(event.e, n.e, event.c, n.c, studlab) and metagen(TE, seTE, studlab, sm)
    "meta": {
        "contrasts": {"studlab": "study", "pmid": "pmid", "outcome": "outcome",
                      "time_point": "time_point", "intervention": "intervention",
                      "comparator": "comparator", "event.e": "ai", "n.e": "n1i",
                      "event.c": "ci", "n.c": "n2i", "sm": "measure", "estimate": "estimate",
                      "lower": "ci_lb", "upper": "ci_ub", "level": "level", "TE": "yi",
                      "seTE": "sei", "TE.source": "yi_source", "pval": "p_value",
                      "direction": "direction", "evidence": "evidence", "checks": "checks"},
        "arms": {"studlab": "study", "pmid": "pmid", "arm": "arm", "drugs": "drugs",
                 "n": "size", "outcome": "outcome", "event": "events", "n.event": "total",
                 "evidence": "evidence"},
    },
    # RevMan's data import: a dichotomous row (events and totals of each group) and a generic
    # inverse variance row (estimate and SE on the analysis scale) in one, per contrast; a row
    # per group for the arms
    "revman": {
        "contrasts": {"Study ID": "study", "Outcome": "outcome", "Experimental": "intervention",
                      "Control": "comparator", "Experimental events": "ai",
                      "Experimental total": "n1i", "Control events": "ci",
                      "Control total": "n2i", "Measure": "measure", "Estimate": "yi", "SE": "sei",
                      "Estimate source": "yi_source", "P value": "p_value", "PMID": "pmid"},
        "arms": {"Study ID": "study", "Group": "arm", "Outcome": "outcome", "Events": "events",
                 "Total": "total", "Size": "size", "Drugs": "drugs", "PMID": "pmid"},
    },
}

def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def write_rows(rows: Iterable[Mapping[str, Any]], kind: RowKind, fmt: ExportFormat,
               out: IO[str]) -> int:
    """Write ``rows`` of ``kind`` to ``out`` as ``fmt``; returns how many were written."""
    written = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({"row": kind[:-1], **row}, ensure_ascii=False) + "\n")
            written += 1
        return written
    columns = _COLUMNS[fmt][kind]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(field)) for field in columns.values()])
        written += 1
    return written
