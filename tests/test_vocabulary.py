"""The drug and disease vocabularies: package data loading, variants, stop lists, identifiers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.nlp.vocabulary import (
    disease_lexicon,
    disease_mesh_id,
    disease_records,
    drug_lexicon,
    drug_records,
    vocabulary_variants,
)


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


def test_every_repeat_of_a_name_is_matched() -> None:
    text = ("Currently, the most effective treatments for severe disease are thalidomide, "
            "methotrexate, and cyclosporin, although the evidence for this is limited. ") * 20
    matches = drug_lexicon().find(text)
    assert [m.key for m in matches] == ["thalidomide", "methotrexate", "cyclosporine"] * 20


def test_vocabularies_load_without_importing_the_packages() -> None:
    # the packages' __init__ imports their finders (downloads, caches): only their data is read
    code = (
        "import sys; from extractor.nlp.vocabulary import drug_lexicon, disease_lexicon; "
        "drug_lexicon(); disease_lexicon(); "
        "print(sorted(m for m in sys.modules if 'named_entity_recognition' in m))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"
