"""The short human summary printed after ``extract``: one compact block per article, 80 columns."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import click

WIDTH = 80
LABEL_WIDTH = 13


# Characters a terminal acts on instead of showing: C0 and C1 controls, DEL, and the
# bidirectional overrides, embeddings and isolates that reorder what follows them.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on shown as its escape (``\x1b``,
    ``\u202e``), so a record cannot move the cursor, recolour or reorder the summary."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _row(label: str, value: str, color: bool) -> str:
    lines = textwrap.wrap(printable(value), WIDTH - LABEL_WIDTH - 2) or ["-"]
    head = click.style(f"  {label:<{LABEL_WIDTH - 2}}", fg="cyan") if color else f"  {label:<{LABEL_WIDTH - 2}}"
    pad = " " * LABEL_WIDTH
    return "\n".join([head + lines[0], *(pad + line for line in lines[1:])])


def _by_role(items: list[dict[str, Any]], roles: tuple[str, ...]) -> str:
    """ "Efalizumab (studied); Thalidomide, Methotrexate (mentioned)": names grouped by role,
    the roles in the order given (records without a role fall back on ``studied``)."""
    parts = []
    for role in roles:
        names = [d["name"] for d in items
                 if d.get("role", "studied" if d.get("studied") else "mentioned") == role]
        if names:
            parts.append(", ".join(names) + f" ({role})")
    return "; ".join(parts) or "-"


def _responses(record: dict[str, Any]) -> str:
    out = []
    for rc in record.get("response_counts", []):
        pct = f" ({rc['percent']:g}%)" if rc.get("percent") is not None else ""
        arm = f" {rc['arm']}" if rc.get("arm") else ""
        count = (f"{rc['responders']}/{rc['total']}" if rc.get("total")
                 else f"{rc['responders']} (group size not printed)")
        out.append(f"{count}{pct}{arm}")
    return ", ".join(out) or "-"


def _p_values(record: dict[str, Any]) -> str:
    return ", ".join(f"{p['operator']} {p['value']:g}" for p in record.get("p_values", [])) or "-"


def _effects(record: dict[str, Any]) -> str:
    return ", ".join(f"{e['measure']} {e['value']:g} ({e['lower']:g} to {e['upper']:g})"
                     for e in record.get("effect_estimates", [])) or "-"


_ARROWS = {"increased": "up", "decreased": "down", "no_difference": "no difference"}


def _result(record: dict[str, Any], result: dict[str, Any]) -> str:
    """"efalizumab vs baseline: CLASS score down, P = 0.002": one result, shortest form."""
    against = "baseline" if result.get("against_baseline") else (result.get("comparator") or "?")
    line = (f"{result.get('intervention') or '?'} vs {against}: {result['outcome']} "
            f"{_ARROWS.get(result['direction'], result['direction'])}")
    p_values, counts = record.get("p_values", []), record.get("response_counts", [])
    if result.get("p_value") is not None and result["p_value"] < len(p_values):
        p = p_values[result["p_value"]]
        line += f", P {p['operator']} {p['value']:g}"
    shown = [f"{counts[i]['responders']}/{counts[i]['total']}" for i in result.get("response_counts", [])
             if i < len(counts) and counts[i].get("total")]
    return line + (f" ({', '.join(shown)})" if shown else "")


def _disagreements(record: dict[str, Any]) -> list[str]:
    """One line per check whose numbers disagree: "decision error: HR 0.95 (...), P = 0.001
    (interval implies P 0.5 to 0.6)"."""
    return [f"{c['verdict'].replace('_', ' ')}: {c['reported']} ({c['recomputed']})"
            for c in record.get("checks", []) if c["verdict"] in ("discrepant", "decision_error")]


def render_summary(record: dict[str, Any], color: bool = False) -> str:
    """A block like::

        17638731  Efalizumab in the treatment of discoid lupus erythematosus
          drugs      Efalizumab (studied); Thalidomide, Methotrexate (mentioned)
          conditions Lupus Erythematosus, Discoid (population); Psoriasis (mentioned)
          N          13
          arms       -
          responses  12/13
          P values   = 0.002

    Measured substances (drug role ``measured``) get a row of their own, under the drugs;
    effect estimates, each result ("efalizumab vs baseline: CLASS score down, P = 0.002"), and
    every check whose numbers disagree, a row each at the end.
    """
    title = printable(record.get("title") or "(no title)")
    pmid = str(record["pmid"])
    head = f"{pmid}  " + textwrap.shorten(title, WIDTH - len(pmid) - 2, placeholder="...")
    if color:
        head = click.style(head, bold=True)
    flags = []
    if record.get("article", {}).get("retracted"):
        flags.append(_row("warning", "RETRACTED publication", color))
    if not record.get("article", {}).get("sections"):
        flags.append(_row("note", "no abstract in the record", color))
    drugs = record.get("drugs", [])
    rows = [
        _row("drugs", _by_role(drugs, ("studied", "background", "mentioned")), color),
        _row("conditions", _by_role(record.get("conditions", []),
                                    ("population", "outcome", "mentioned")), color),
        _row("N", str(record["sample_size"]) if record.get("sample_size") is not None else "-", color),
        _row("arms", ", ".join(f"{a['label'] or '?'} {a['size']}" for a in record.get("arms", []))
             or "-", color),
        _row("responses", _responses(record), color),
        _row("P values", _p_values(record), color),
    ]
    if record.get("effect_estimates"):
        rows.append(_row("effects", _effects(record), color))
    rows.extend(_row("result", _result(record, r), color) for r in record.get("results", []))
    rows.extend(_row("disagrees", line, color) for line in _disagreements(record))
    measured = [d["name"] for d in drugs if d.get("role") == "measured"]
    if measured:
        rows.insert(1, _row("measured", ", ".join(measured), color))
    return "\n".join([head, *flags, *rows])
