"""The dictionary matcher: token boundaries, longest match, stop lists; the tokenizer."""

from __future__ import annotations

import pytest

from extractor.nlp.matcher import Lexicon, usable_variant
from extractor.nlp.tokens import token_words, tokenize

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
    tokens = tokenize("5-FU, CD11a")
    assert tokens.lowered == ("5", "-", "fu", ",", "cd", "11", "a")
    assert tokens.spans == ((0, 1), (1, 2), (2, 4), (4, 5), (6, 8), (8, 10), (10, 11))
    assert token_words("Interleukin -2") == ("interleukin", "-", "2")


def test_find_reads_the_tokens_it_is_given() -> None:
    text = "Efalizumab in the treatment of discoid lupus erythematosus"
    assert SMALL.find(text, tokenize(text)) == SMALL.find(text)


