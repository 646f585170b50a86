"""`extract export` and the rows behind it (extractor/export/): yi and sei recomputed by
statsmodels, contrast and arm rows of a record, the formats, and the command's errors."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from scipy.stats import norm

from extractor.export.contrasts import (
    CONTRAST_COLUMNS,
    arm_rows,
    contrast_rows,
    from_events,
    from_interval,
    study_label,
)
from extractor.export.formats import write_rows

effectsize_2proportions = pytest.importorskip("statsmodels.stats.meta_analysis").effectsize_2proportions


@pytest.mark.parametrize(("ai", "n1i", "ci", "n2i"), [
    (12, 40, 20, 41), (5, 100, 9, 98), (30, 31, 25, 30), (1, 250, 7, 248),
])
@pytest.mark.parametrize(("measure", "statistic"), [("OR", "odds-ratio"), ("RR", "risk-ratio"),
                                                    ("RD", "diff")])
def test_yi_and_vi_from_events_are_statsmodels(ai: int, n1i: int, ci: int, n2i: int,
                                                measure: str, statistic: str) -> None:
    expected = effectsize_2proportions(ai, n1i, ci, n2i, statistic=statistic)
    yi, vi = from_events(ai, n1i, ci, n2i, measure)  # type: ignore[arg-type, misc]
    assert (yi, vi) == pytest.approx((float(expected[0]), float(expected[1])), rel=1e-12)


def test_a_zero_cell_adds_half_to_every_cell_as_metafor_does() -> None:
    yi, vi = from_events(0, 20, 5, 20, "OR")  # type: ignore[misc]
    assert yi == pytest.approx(math.log((0.5 * 15.5) / (20.5 * 5.5)))
    assert vi == pytest.approx(1 / 0.5 + 1 / 20.5 + 1 / 5.5 + 1 / 15.5)


@pytest.mark.parametrize(("measure", "value", "lower", "upper", "level"), [
    ("HR", 0.72, 0.61, 0.85, 95.0),
    ("OR", 2.42, 1.27, 4.60, 95.0),
    ("RR", 0.81, 0.70, 0.94, 90.0),
    ("ratio", 1.05, 0.98, 1.13, 99.0),
])
def test_yi_and_sei_of_a_reported_ratio_are_from_its_interval_on_the_log_scale(
        measure: str, value: float, lower: float, upper: float, level: float) -> None:
    z = norm.ppf(1 - (1 - level / 100) / 2)
    assert from_interval(measure, value, lower, upper, level) == pytest.approx(
        (math.log(value), (math.log(upper) - math.log(lower)) / (2 * z)), rel=1e-9)


@pytest.mark.parametrize(("measure", "value", "lower", "upper", "expected"), [
    ("MD", -1.2, -2.0, -0.4, (-1.2, 1.6 / (2 * 1.959963984540054))),
    ("SMD", 0.3, 0.1, 0.5, (0.3, 0.4 / (2 * 1.959963984540054))),
    ("HR", 0.0, 0.0, 1.2, None),        # a ratio bound at 0 has no log
    ("MD", 1.0, 1.0, 1.0, None),        # an interval of no width
])
def test_yi_and_sei_of_a_difference(measure: str, value: float, lower: float, upper: float,
                                    expected: tuple[float, float] | None) -> None:
    found = from_interval(measure, value, lower, upper, 95.0)
    assert found == (None if expected is None else pytest.approx(expected))


def _record(**changes: Any) -> dict[str, Any]:
    """A two-arm record (as `extract --json` prints one) with one result linking its numbers."""
    sentence = ("Remission occurred in 12 of 40 patients with drug A and 20 of 41 with placebo "
                "(OR 0.50, 95% CI 0.20 to 1.25; P = .14).")
    record: dict[str, Any] = {
        "pmid": "123", "title": "T", "article": {"first_author": "Smith", "year": 2020},
        "arms": [
            {"label": "drug A", "size": 40, "drugs": ["Drug A"], "text": "40"},
            {"label": "placebo", "size": 41, "drugs": [], "text": "41"},
        ],
        "response_counts": [
            {"responders": 12, "total": 40, "arm": "drug A", "text": "12 of 40",
             "section_index": 1, "start": 22},
            {"responders": 20, "total": 41, "arm": "placebo", "text": "20 of 41",
             "section_index": 1, "start": 56},
        ],
        "effect_estimates": [{"measure": "OR", "value": 0.5, "lower": 0.2, "upper": 1.25,
                              "level": 95.0}],
        "p_values": [{"operator": "=", "value": 0.14}],
        "results": [{"intervention": "drug A", "comparator": "placebo", "intervention_arm": 0,
                     "comparator_arm": 1, "against_baseline": False, "outcome": "remission",
                     "time_point": None, "direction": "no_difference", "p_value": 0,
                     "effect_estimate": 0, "response_counts": [0, 1], "text": sentence,
                     "section_index": 1, "start": 0, "end": len(sentence)}],
        "checks": [{"kind": "p_vs_interval", "verdict": "consistent",
                    "inputs": [{"finding": "effect_estimates", "position": 0},
                               {"finding": "p_values", "position": 0}]},
                   {"kind": "percent_vs_count", "verdict": "consistent",
                    "inputs": [{"finding": "response_counts", "position": 5}]}],
    }
    record.update(changes)
    return record


def test_a_contrast_row_holds_both_arms_the_estimate_and_its_checks() -> None:
    [row] = contrast_rows(_record())
    z = norm.ppf(0.975)
    assert row == {
        **dict.fromkeys(CONTRAST_COLUMNS),
        "pmid": "123", "study": "Smith 2020", "outcome": "remission", "time_point": None,
        "intervention": "drug A", "comparator": "placebo", "against_baseline": False,
        "ai": 12, "n1i": 40, "ci": 20, "n2i": 41, "measure": "OR", "estimate": 0.5,
        "ci_lb": 0.2, "ci_ub": 1.25, "level": 95.0, "yi": pytest.approx(math.log(0.5)),
        "sei": pytest.approx((math.log(1.25) - math.log(0.2)) / (2 * z)),
        "vi": pytest.approx(((math.log(1.25) - math.log(0.2)) / (2 * z)) ** 2),
        "yi_source": "reported", "p_operator": "=", "p_value": 0.14,
        "direction": "no_difference", "evidence": _record()["results"][0]["text"],
        "section_index": 1, "start": 0, "end": len(_record()["results"][0]["text"]),
        "checks": "p_vs_interval:consistent",
    }


def test_with_no_estimate_yi_comes_from_the_events() -> None:
    record = _record()
    record["results"][0]["effect_estimate"] = None
    [row] = contrast_rows(record, "RR")
    expected = effectsize_2proportions(12, 40, 20, 41, statistic="risk-ratio")
    assert (row["yi_source"], row["measure"]) == ("events:RR", None)
    assert (row["yi"], row["vi"]) == pytest.approx((float(expected[0]), float(expected[1])))


def test_counts_go_to_the_arm_their_group_names_whatever_their_order() -> None:
    record = _record()
    record["response_counts"].reverse()
    record["response_counts"][0]["start"], record["response_counts"][1]["start"] = 22, 56
    [row] = contrast_rows(record)
    assert (row["ai"], row["n1i"], row["ci"], row["n2i"]) == (12, 40, 20, 41)


def test_a_single_arm_result_is_against_baseline() -> None:
    record = _record(results=[{**_record()["results"][0], "comparator": None,
                               "comparator_arm": None, "against_baseline": True,
                               "response_counts": [0], "effect_estimate": None}])
    [row] = contrast_rows(record)
    assert (row["ai"], row["n1i"], row["ci"], row["n2i"], row["yi"]) == (12, 40, None, None, None)


def test_arm_rows_hold_each_arms_events_per_outcome() -> None:
    assert [(r["arm"], r["drugs"], r["size"], r["outcome"], r["events"], r["total"])
            for r in arm_rows(_record())] == [
        ("drug A", "Drug A", 40, "remission", 12, 40), ("placebo", "", 41, "remission", 20, 41)]


@pytest.mark.parametrize(("article", "label"), [
    ({"first_author": "Usmani", "year": 2007}, "Usmani 2007"),
    ({"first_author": None, "year": 2007}, "2007"),
    ({}, "PMID 123"),
])
def test_study_label(article: dict[str, Any], label: str) -> None:
    assert study_label({"pmid": "123", "article": article}) == label


@pytest.mark.parametrize(("fmt", "header"), [
    ("metafor", ["study", "pmid", "outcome"]),
    ("meta", ["studlab", "pmid", "outcome", "time_point", "intervention", "comparator",
              "event.e", "n.e", "event.c", "n.c"]),
    ("revman", ["Study ID", "Outcome", "Experimental", "Control", "Experimental events",
                "Experimental total", "Control events", "Control total"]),
])
def test_each_format_names_its_columns_as_its_tool_reads_them(fmt: str, header: list[str]) -> None:
    out = io.StringIO()
    assert write_rows(contrast_rows(_record()), "contrasts", fmt, out) == 1  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:len(header)] == header and len(rows) == 2


def test_json_lines_say_which_row_each_is() -> None:
    out = io.StringIO()
    write_rows(arm_rows(_record()), "arms", "jsonl", out)
    assert [json.loads(line)["row"] for line in out.getvalue().splitlines()] == ["arm", "arm"]


@pytest.mark.parametrize(("args", "message"), [
    (["--db", "missing.db"], "Error: no database at missing.db: run `extract PMID ...` first"),
    (["--pmid", "abc"], "Error: invalid PMID 'abc': a PMID is a positive whole number"),
    (["--where", "year >>> 3"], "Error: cannot select the articles (year >>> 3): "),
])
def test_bad_input_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli(["--xml", str(Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml"
                          / "17638731.xml"), "--quiet"])
    result = run_cli(["export", *args])
    assert result.exit_code in (1, 2)
    assert result.stderr.splitlines()[-1].startswith(message)
