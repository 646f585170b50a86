"""Consistency checks: the rules on real and built sentences, and the arithmetic."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from extractor.extract import build_record, extract_findings
from extractor.extract.checks import p_half_unit, p_verdict
from extractor.extract.stats import p_from_interval, p_from_statistic, p_range_from_interval, z_critical
from extractor.models import Article, Check, PValue, Section
from extractor.parse.pubmed_xml import parse_article_xml
from extractor.parse.text import map_chars

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml"


def checks_of(*texts: str) -> list[Check]:
    article = Article(pmid="1", title="", sections=[Section(text=map_chars(t)) for t in texts])
    return extract_findings(article, tagger=None).checks


def verdicts(*texts: str) -> list[tuple[str, str]]:
    return [(c.kind, c.verdict) for c in checks_of(*texts)]


# --- the acceptance cases ---------------------------------------------------------------------


def test_the_worked_example_raises_no_alarm() -> None:
    record = build_record(parse_article_xml((FIXTURES / "17638731.xml").read_bytes()))
    assert [(c.kind, c.verdict) for c in record.checks] == [("words_vs_p", "consistent")]


def test_a_p_value_its_interval_contradicts_is_a_decision_error() -> None:
    abstract = ("Patients were randomised to drug A or placebo. Mortality was lower with drug A "
                "(hazard ratio 0.95; 95% CI, 0.80 to 1.13; P = .001).")
    [estimate_in_interval, centre, p_check] = checks_of(abstract)
    assert (p_check.kind, p_check.verdict) == ("p_vs_interval", "decision_error")
    assert (estimate_in_interval.verdict, centre.verdict) == ("consistent", "consistent")
    assert p_check.recomputed.startswith("P 0.5")   # the interval says P is about 0.56
    assert [i.text for i in p_check.inputs] == ["hazard ratio 0.95; 95% CI, 0.80 to 1.13", "P = .001"]


# --- real sentences (train splits of shared/gold, and the forms) -----------------------


@pytest.mark.parametrize(("text", "expected"), [
    # evidence_inference train PMC5820389: the estimate sits off its interval's centre
    ("The hazard ratio for sustainable return to work was 0.74 (95% CI 0.48\u20131.32, p = 0.165).",
     [("estimate_in_interval", "consistent"), ("ratio_centre", "discrepant"),
      ("p_vs_interval", "consistent")]),
    # an estimate outside its own interval ("HR 0.5, 95% CI 0.92-0.97", PMC5900060's form)
    ("Risk fell (HR 0.5, 95% CI 0.92\u20130.97).",
     [("estimate_in_interval", "discrepant"), ("ratio_centre", "discrepant")]),
    # printed the wrong way round: flagged, and no P can be read from it
    ("more likely (odds ratio [OR] = 2.69, confidence interval [CI] = 7.24\u20131.00, p = 0.049)",
     [("estimate_in_interval", "discrepant"), ("ratio_centre", "consistent"),
      ("p_vs_interval", "not_checkable")]),
    # a difference: P from the linear scale
    ("lower (difference -1.2, 95% CI -2.0 to -0.4, P = .004)",
     [("estimate_in_interval", "consistent"), ("p_vs_interval", "consistent")]),
])
def test_estimate_checks(text: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Of the patients, 12 (44.4%) of 27 responded.", [("percent_vs_count", "consistent")]),
    ("Of the patients, 5 (50%) of 12 responded.", [("percent_vs_count", "discrepant")]),
    # truncated, not rounded: 1/3 printed 33.3 and 2/3 printed 66.6 are both accepted
    ("Of the patients, 2 (66.6%) of 3 responded.", [("percent_vs_count", "consistent")]),
])
def test_percent_checks(text: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Scores improved, t(28) = 2.20, P = .04.", [("p_vs_statistic", "consistent")]),
    # the answer file's F(2,204) = 2.585 printed P = .045: recomputed 0.078
    ("Effects differed, F(2, 204) = 2.585, P = .045.", [("p_vs_statistic", "decision_error")]),
    ("Effects differed, F(2, 120) = 3.1, P = .01.", [("p_vs_statistic", "discrepant")]),
    ("Rates differed, \u03c72(1) = 3.84, P = .05.", [("p_vs_statistic", "consistent")]),
    # statcheck's test suite (tests/testthat/test-extract-*.R): the ways chi is spelt, a sample
    # size with a thousands separator, corrected degrees of freedom; chi2(28) = 2.20 gives
    # P = 1.000, so "p = .03" is a decision error each time
    ("Both effects differed, chi2(28) = 2.20, p = .03.",
     [("p_vs_statistic", "decision_error")]),
    ("Both effects differed, x2(28) = 2.20, p = .03.",
     [("p_vs_statistic", "decision_error")]),
    ("Both effects differed, X2(28) = 2.20, p = .03.",
     [("p_vs_statistic", "decision_error")]),
    ("Both effects differed, chi_2(28) = 2.20, p = .03.",
     [("p_vs_statistic", "decision_error")]),
    ("Rates differed, chi2(1, N = 11,455) = 16.78, p <.001.", [("p_vs_statistic", "consistent")]),
    ("Rates differed, chi2(1, n = 81) = 3.25, p = 0.07.", [("p_vs_statistic", "consistent")]),
    # F(2.1, 28.1) = 2.20 gives P = 0.128: "p = .03" is a decision error
    ("Effects differed, F(2.1, 28.1) = 2.20, p = .03.", [("p_vs_statistic", "decision_error")]),
    ("Scores differed, t(28.1) = 2.20, p = .036.", [("p_vs_statistic", "consistent")]),
    # a P in e-notation spaced around the "e" keeps its rounding: t(28) = 4.45 gives 1.245e-4,
    # which 1.24e-4 covers; t(28) = 4.49 gives 1.117e-4, which it does not
    ("Scores differed, t(28) = 4.45, p = 1.24 e -4.", [("p_vs_statistic", "consistent")]),
    ("Scores differed, t(28) = 4.49, p = 1.24 e-4.", [("p_vs_statistic", "discrepant")]),
    # "correlations" > 1 are misreadings, never checked (statcheck retrieves none)
    ("The scores correlated, r(16) = 26.05, p = .10.", []),
    ("The scores correlated, r(28) = .20, p = .03.", [("p_vs_statistic", "decision_error")]),
    # no statistic: "2 x 2(3) = 4" is a design, "QError(16) = .26" a subscript ending in r
    ("A 2 x 2(3) = 4 design was used, p = .03.", []),
    ("QError(16) = .26, p = .10", []),
])
def test_statistic_checks(text: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # another ratio (a geometric mean ratio, evidence_inference train PMC4354432's form) is read
    # on the log scale: its centre and its P
    ("Cmax rose (GMR 1.09; 90% CI 1.01, 1.18; P = 0.06).",
     [("estimate_in_interval", "consistent"), ("ratio_centre", "consistent"),
      ("p_vs_interval", "consistent")]),
    # a regression coefficient is read as a difference (evidence_inference train PMC5728271)
    ("parents in the intervention group showed significant improvement in mental health compared "
     "with the parents in the control group: B=3.62, 95% CI 2.01 to 5.18, p<0.001.",
     [("estimate_in_interval", "consistent"), ("p_vs_interval", "consistent"),
      ("words_vs_p", "consistent")]),
    # a measure whose scale is not said (a treatment effect) gets no P check
    ("severity (adjusted treatment effect 1.02, 95% CI 0.69\u20131.53, p = 0.905).",
     [("estimate_in_interval", "consistent")]),
])
def test_checks_of_other_measures(text: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Pain was significantly lower with drug A (P = .03).", [("words_vs_p", "consistent")]),
    ("There was a significant reduction in pain (P = 0.08).", [("words_vs_p", "decision_error")]),
    ("There was no significant difference in pain (p < 0.05).", [("words_vs_p", "decision_error")]),
    ("There was no significant difference in pain (P = .40).", [("words_vs_p", "consistent")]),
    ("The difference was significant (P = .05).", [("words_vs_p", "not_checkable")]),
    ("The HR was significant for men (p = 0.001) but not for women (p = 0.62).",
     [("words_vs_p", "consistent"), ("words_vs_p", "consistent")]),
    # a list the words speak about in order: not matched, so no check
    ("Changes were not significant (p=0.016, p=0.0003, p=0.176, and p=0.173, respectively).", []),
])
def test_words_checks(text: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(text) == expected


# --- the arithmetic ------------------------------------------------------------------------------


def test_p_from_an_interval() -> None:
    assert z_critical(95) == pytest.approx(1.959964, abs=1e-6)
    # OR 2.42 (1.27-4.60): log-scale se = ln(4.6/1.27) / 3.92 = 0.3284, z = 2.691, P = 0.0071
    assert p_from_interval(2.42, 1.27, 4.60, 95, ratio=True) == pytest.approx(0.00712, abs=2e-5)
    assert p_from_interval(-1.2, -2.0, -0.4, 95, ratio=False) == pytest.approx(0.00329, abs=2e-5)
    low, high = p_range_from_interval((0.995, 1.005), (0.8, 0.9), (1.1, 1.2), 95, ratio=True)
    assert high == 1.0 and low > 0.9     # the value's rounding crosses the null


@pytest.mark.parametrize(("kind", "value", "df1", "df2", "expected"), [
    ("t", 2.20, 28, None, 0.0362),       # statcheck: t(28) = 2.20, p = .036
    ("F", 2.585, 2, 204, 0.0779),
    ("chi2", 3.84, 1, None, 0.0500),
    ("z", 1.96, None, None, 0.0500),
    ("r", 0.30, 48, None, 0.0342),
])
def test_p_from_a_statistic(kind: str, value: float, df1: float | None, df2: float | None,
                            expected: float) -> None:
    assert p_from_statistic(kind, value, df1, df2) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize(("text", "value", "half"), [
    ("P < .001", 0.001, 0.0005), ("p=0.03", 0.03, 0.005), ("P = 2 \u00d7 10^-5", 2e-5, 0.5e-5),
    ("P = 3.4e-7", 3.4e-7, 0.05e-7), ("0.2", 0.2, 0.05),
])
def test_p_half_unit(text: str, value: float, half: float) -> None:
    p_value = PValue(text=text, start=0, end=len(text), section="s", section_index=1,
                     operator="=", value=value, sentence=text)
    assert math.isclose(p_half_unit(p_value), half, rel_tol=1e-9)


@pytest.mark.parametrize(("operator", "value", "recomputed", "slack", "expected"), [
    ("=", 0.03, (0.02, 0.025), 1.0, "consistent"),      # 0.03 stands for 0.025..0.035
    ("=", 0.03, (0.01, 0.012), 1.0, "discrepant"),
    ("=", 0.03, (0.01, 0.013), 2.0, "consistent"),      # 0.013 x 2 reaches 0.025
    ("=", 0.30, (0.001, 0.002), 2.0, "decision_error"),  # printed not significant, is
    ("<", 0.05, (0.2, 0.3), 2.0, "decision_error"),       # printed significant, is not
    ("<", 0.001, (0.0001, 0.0002), 1.0, "consistent"),
    (">", 0.05, (0.01, 0.02), 1.0, "decision_error"),
    ("=", 0.05, (0.5, 0.6), 1.0, "discrepant"),          # P = .05 is never a decision error
    ("<", 0.0, (0.0, 0.1), 1.0, "not_checkable"),       # "P < 0": digits lost
])
def test_p_verdict(operator: str, value: float, recomputed: tuple[float, float], slack: float,
                   expected: str) -> None:
    text = f"P {operator} {value}"
    p_value = PValue(text=text, start=0, end=len(text), section="s", section_index=1,
                     operator=operator, value=value, sentence=text)  # type: ignore[arg-type]
    assert p_verdict(p_value, recomputed, slack) == expected


# --- extract checks, and the summary ---------------------------------------------------------------

CONTRADICTED = ("Mortality was lower with drug A (hazard ratio 0.95; 95% CI, 0.80 to 1.13; "
                "P = .001).")


def contradicted_db(tmp_path: Path) -> Path:
    from extractor import store

    path = tmp_path / "c.db"
    db = store.open_db(path)
    article = Article(pmid="999000101", title="A constructed trial", sections=[
        Section(label="Results", category="RESULTS", text=CONTRADICTED)])
    store.save_record(db, build_record(article), raw=None, source="xml-file")
    store.save_record(db, build_record(parse_article_xml((FIXTURES / "17638731.xml").read_bytes())),
                      raw=None, source="xml-file")
    db.close()
    return path


def test_extract_checks_counts_and_lists_the_disagreements(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extractor.cli import cli

    result = CliRunner().invoke(cli, ["checks", "--db", str(contradicted_db(tmp_path))])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["check", "consistent", "discrepant", "decision_error", "not_checkable"]
    assert lines[3].split() == ["p_vs_interval", "0", "0", "1", "0"]
    assert lines[8].split() == ["words_vs_p", "1", "0", "0", "0"]     # the worked example's
    assert lines[-2:] == [
        "999000101  decision error, p_vs_interval: HR 0.95 (95% CI 0.8 to 1.13), P = 0.001 "
        "(P 0.5076 to 0.6122)", f"  {CONTRADICTED}"]


def test_extract_checks_json_and_a_missing_database(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from extractor.cli import cli

    as_json = CliRunner().invoke(cli, ["checks", "--db", str(contradicted_db(tmp_path)), "--json"])
    assert [json.loads(line)["verdict"] for line in as_json.output.splitlines()] == ["decision_error"]
    missing = CliRunner().invoke(cli, ["checks", "--db", str(tmp_path / "none.db")])
    assert (missing.exit_code, missing.output.splitlines()[-1]) == (
        1, f"Error: no database at {tmp_path / 'none.db'}: run `extract PMID ...` first")


def test_the_summary_names_what_disagrees() -> None:
    from extractor.summary import render_summary

    article = Article(pmid="999000101", title="A constructed trial", sections=[
        Section(label="Results", category="RESULTS", text=CONTRADICTED)])
    block = render_summary(build_record(article).model_dump(mode="json"))
    assert block.splitlines()[-3:] == [
        "  effects    HR 0.95 (0.8 to 1.13)",
        "  disagrees  decision error: HR 0.95 (95% CI 0.8 to 1.13), P = 0.001 (P 0.5076",
        "             to 0.6122)",
    ]
