"""parse_count and the NUMBER regex piece: counts as digits and as English number words."""

from __future__ import annotations

import re

import pytest

from extractor.extract.patterns.numbers import NUMBER, is_number_word, parse_count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits
        ("187", 187),
        ("13", 13),
        ("1,297", 1297),
        ("27 347", 27347),
        ("27\u2009347", 27347),  # thin space
        ("27\u00a0347", 27347),  # no-break space
        ("62,000", 62000),
        ("141.", 141),  # trailing punctuation ignored
        ("45;", 45),
        # number words, with hyphens and "and"
        ("Thirteen", 13),
        ("thirteen", 13),
        ("Forty-one", 41),
        ("twenty two", 22),
        ("One hundred sixty-two", 162),
        ("Five thousand five hundred and sixty-nine", 5569),
        ("Three hundred eighty-three", 383),
        ("Eight-thousand four-hundred twenty-two", 8422),
        ("Hundred and forty-three", 143),
        ("One hundred and thirty", 130),
        ("Four hundred one", 401),
        # zero words of the gold format
        ("none", 0),
        ("nil", 0),
        ("No", 0),
        # failures: not exactly one whole count
        ("4.07", None),
        ("15.2%", None),
        ("88%", None),
        ("12, 13", None),
        ("1,29", None),
        ("hundreds", None),
        ("thousands", None),
        ("a", None),
        ("not observed", None),
        ("Forty-seve", None),  # truncated word
        ("eigh", None),
        ("T2345", None),
        ("", None),
        ("seventy and", None),
        ("Fifty patients", None),  # the noun is not part of the number
    ],
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


_NUMBER_RE = re.compile(NUMBER, re.VERBOSE | re.IGNORECASE)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Thirteen patients received efalizumab", ["Thirteen"]),
        ("A total of 1,297 women were randomized", ["1,297"]),
        ("Of 47 patients eligible for response (25 idoxifene, 22 tamoxifen), two partial responses",
         ["47", "25", "22", "two"]),
        ("Five thousand five hundred and sixty-nine women", ["Five thousand five hundred and sixty-nine"]),
        # decimals, words with digits and negative/ranged numbers are not counts
        ("HbA1c fell by 0.5% with T2345", []),
        ("P = 0.002", []),
        ("IL-8:IL-10 (26%)", ["26"]),  # percents are refused by the callers, not here
        ("someone anyone phone", []),  # "one" inside words
    ],
)
def test_number_pattern_finds_counts(sentence: str, expected: list[str]) -> None:
    assert [m.group() for m in _NUMBER_RE.finditer(sentence)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Thirteen", True), ("Forty-one", True), ("13", False), ("1,297", False), ("thirteenth", False)],
)
def test_is_number_word(text: str, expected: bool) -> None:
    assert is_number_word(text) is expected
