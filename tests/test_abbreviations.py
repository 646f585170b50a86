"""Schwartz-Hearst abbreviation definitions, with the shapes that must not count."""

from __future__ import annotations

import pytest

from extractor.nlp.abbreviations import best_long_form, find_abbreviations, short_form_after


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("methotrexate (MTX) was given", {"MTX": ("methotrexate", 0, 12)}),
        # seed PMID 17638731
        ("There was a significant reduction in the cutaneous lupus activity and severity score "
         "(CLASS) score after therapy",
         {"CLASS": ("cutaneous lupus activity and severity score", 41, 84)}),
        # NCBI disease train PMID 1684569
        ("We report on a thrombocytopenic female belonging to a pedigree with the "
         "Wiskott-Aldrich syndrome (WAS).",
         {"WAS": ("Wiskott-Aldrich syndrome", 72, 96)}),
        # letters out of order (Latin "dystrophia myotonica"), NCBI disease train PMID 8281152
        ("The clinical manifestation of myotonic dystrophy (DM) is correlated",
         {"DM": ("myotonic dystrophy", 30, 48)}),
        # digits and hyphen
        ("treated with 5-fluorouracil (5-FU) weekly", {"5-FU": ("5-fluorouracil", 13, 27)}),
        # the reverse shape
        ("Patients on MTX (methotrexate) improved", {"MTX": ("methotrexate", 17, 29)}),
        # failure cases: statistics and counts in brackets, no matching long form
        ("after therapy with efalizumab (P = .002).", {}),
        ("nitroglycerin (10 patients) or placebo", {}),
        ("a chronic disease (see below) was", {}),
        ("", {}),
    ],
)
def test_find_abbreviations(text: str, expected: dict[str, tuple[str, int, int]]) -> None:
    assert find_abbreviations(text) == expected


def test_first_definition_wins() -> None:
    text = "tumor necrosis factor (TNF) and later tumour necrosis factor (TNF)"
    assert find_abbreviations(text) == {"TNF": ("tumor necrosis factor", 0, 21)}


@pytest.mark.parametrize(
    ("short", "long_text", "offset"),
    [("MTX", "low-dose methotrexate", 9), ("SLE", "systemic lupus erythematosus", 0), ("XYZ", "aspirin", None)],
)
def test_best_long_form(short: str, long_text: str, offset: int | None) -> None:
    assert best_long_form(short, long_text) == offset


@pytest.mark.parametrize(
    ("text", "name", "short"),
    [
        # BC5CDR train sentences: a capitalised form in brackets right after the name
        ("Effects of dopamine (DA) on renal blood flow", "dopamine", "DA"),
        ("acetaminophen (APAP) overdose", "acetaminophen", "APAP"),   # letters not in order
        ("testosterone (T, 5 mg/kg) was given", "testosterone", "T"),
        ("aspirin [ASA] and", "aspirin", "ASA"),
        # failure cases: statistics, lower case, numbers, not right after the name
        ("patients (n = 12) were", "patients", None),
        ("dopamine (see below)", "dopamine", None),
        ("dopamine (12) and", "dopamine", None),
        ("dopamine and (DA)", "dopamine", None),
    ],
)
def test_short_form_after_a_name(text: str, name: str, short: str | None) -> None:
    assert short_form_after(text, text.index(name) + len(name)) == short
