"""The dictionary matcher: token boundaries, longest match, stop lists, package data loading."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.lexicon import (
    Lexicon,
    disease_lexicon,
    disease_mesh_id,
    disease_records,
    drug_lexicon,
    drug_records,
    tokenize,
    usable_variant,
    vocabulary_variants,
)

SMALL = Lexicon(
    {
        "lupus": "lupus",
        "discoid lupus erythematosus": "lupus erythematosus, discoid",
        "efalizumab": "efalizumab",
        "interleukin-2": "interleukin-2",
        "k2": "vitamin k2",
        "lead": "lead",
    },
    stop=["lead"],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # longest match wins: one mention, never "lupus" inside it
        ("Efalizumab in the treatment of discoid lupus erythematosus",
         ["Efalizumab", "discoid lupus erythematosus"]),
        ("cutaneous lupus activity", ["lupus"]),
        # punctuation next to a name is a boundary
        ("after therapy with (efalizumab).", ["efalizumab"]),
        ("efalizumab-treated patients", ["efalizumab"]),
        # spacing around the tokens of a variant does not matter, the hyphen does
        ("interleukin -2 levels rose", ["interleukin -2"]),
        ("interleukin-2 levels rose", ["interleukin-2"]),
        ("interleukin 2 levels rose", []),
        # failure cases: inside a word, glued to a digit, stop-listed English words
        ("antiefalizumab antibodies", []),
        ("K2O and CK2 were measured", []),
        ("this may lead to toxicity", []),
        ("", []),
    ],
)
def test_small_lexicon_matches(text: str, expected: list[str]) -> None:
    assert [m.text for m in SMALL.find(text)] == expected


def test_match_offsets_point_into_text() -> None:
    text = "Efalizumab in the treatment of discoid lupus erythematosus"
    assert [(m.start, m.end, m.key) for m in SMALL.find(text)] == [
        (0, 10, "efalizumab"),
        (31, 58, "lupus erythematosus, discoid"),
    ]


@pytest.mark.parametrize(
    ("variant", "usable"),
    [("efalizumab", True), ("ra", False), ("2.5", False), ("5-fu", True), ("123", False)],
)
def test_usable_variant(variant: str, usable: bool) -> None:
    assert usable_variant(variant) is usable


def test_tokenize_splits_letters_digits_and_signs() -> None:
    assert [t for _, _, t in tokenize("5-FU, CD11a")] == ["5", "-", "fu", ",", "cd", "11", "a"]


def test_vocabulary_variants_add_names_and_uninverted_forms() -> None:
    variants = vocabulary_variants(
        {"back pains": ["pain, back"]}, {"pain, back": {"name": "Pain, Back"}, "nicotine": {"name": "Nicotine"}}
    )
    assert variants == {
        "back pains": "pain, back",
        "pain, back": "pain, back",
        "nicotine": "nicotine",
        "back pain": "pain, back",
    }


@pytest.mark.parametrize(
    ("variant", "key"),
    [
        ("cyclosporin", "cyclosporine"),
        ("Efalizumab", "efalizumab"),
        ("nicotine", "nicotine"),   # a canonical name the package lists only as a key
        ("placebo", None),
        ("P-glycoprotein", None),   # a protein, left out by the learned MeSH tree stop list
    ],
)
def test_drug_vocabulary_lookup(variant: str, key: str | None) -> None:
    assert drug_lexicon().lookup(variant) == key


@pytest.mark.parametrize(
    ("variant", "key"),
    [
        ("discoid lupus erythematosus", "lupus erythematosus, discoid"),
        ("cerebral haemorrhage", "cerebral hemorrhage"),   # British spelling added
        ("combined", None),                                # learned stop list
    ],
)
def test_disease_vocabulary_lookup(variant: str, key: str | None) -> None:
    assert disease_lexicon().lookup(variant) == key


def test_records_and_corrected_mesh_ids() -> None:
    assert drug_records()["efalizumab"]["drugbank_id"] == "DB00095"
    assert disease_records()["hypertension"]["name"] == "Hypertension"
    # the package says D014655; the correction file holds the real UI
    assert disease_mesh_id("hypertension") == "D006973"


def test_matching_an_abstract_is_fast() -> None:
    lexicon = drug_lexicon()
    text = ("Currently, the most effective treatments for severe disease are thalidomide, "
            "methotrexate, and cyclosporin, although the evidence for this is limited. ") * 20
    started = time.perf_counter()
    matches = lexicon.find(text)
    assert len(matches) == 60
    assert time.perf_counter() - started < 0.1


def test_vocabularies_load_without_importing_the_packages() -> None:
    # the packages' __init__ imports their finders (downloads, caches): only their data is read
    code = (
        "import sys; from extractor.lexicon import drug_lexicon, disease_lexicon; "
        "drug_lexicon(); disease_lexicon(); "
        "print(sorted(m for m in sys.modules if 'named_entity_recognition' in m))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"
