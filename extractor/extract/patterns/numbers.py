"""Counts written as digits or English number words: ``187``, ``1,297``, ``Thirteen``.

``parse_count`` turns one count as printed into an ``int`` (``none``/``no``/``nil``/``zero`` give
0, as in the gold format); ``NUMBER`` is the regex piece (``re.VERBOSE``, use with IGNORECASE)
that finds counts inside longer patterns (``counts.py`` builds on it). Digits with a
leading zero ("053", a trial's name) and numbers glued to a word or a hyphen ("T2345", "IL-10")
are not counts. Number words are
read with text2num, which refuses anything that is not a number (``text2num("a")`` raises), never
with word2number, which returns 0 for words it does not know.
"""

from __future__ import annotations

import re

from text_to_num import text2num

_UNITS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen"
)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SCALES = "hundred|thousand"

# One number word: "seven", "twenty", "twenty-three" / "twenty three". Atomic: "twenty-one" is
# never read again as "twenty" then "one", which made a run of number words take exponential
# time to refuse.
_WORD_ATOM = rf"(?>(?:{_TENS})(?:[\s-]+(?:{_UNITS})\b)?\b|(?:{_UNITS})\b)"

NUMBER_WORDS = rf"""
    \b(?:{_WORD_ATOM}                        # "Thirteen", "Forty-one"
      |(?:a[\s-]+)?hundred(?=[\s-]+and\b)   # "Hundred and forty-three patients"
    )
    (?:                                     # "One hundred sixty-two",
        (?:[\s-]+and)?[\s-]+                # "Five thousand five hundred and sixty-nine"
        (?:{_SCALES}|{_WORD_ATOM})
    ){{0,8}}                                 # bounded, so a run of number words reads linearly
    \b
"""

# Digits, optionally grouped in thousands by a comma or a (thin/no-break) space: "1,297",
# "27 347". A group needs exactly three digits after the separator so "12, 13" stays two numbers.
# The look-arounds keep us out of decimals ("4.07"), of words ("T2345") and of ranges' halves.
# At most four groups (up to 999,999,999,999,999): a longer run ("123 456 123 456 ...") is no
# count, and reading it whole from every group in it took quadratic time.
NUMBER_DIGITS = r"""
    (?<![\w.,/-])
    [1-9]\d{0,2}(?:(?:,|[ \u00a0\u2009\u202f])\d{3}){1,4}(?![\d.]\d|\d)   # "1,297", "27 347"
    |
    (?<![\w.,/-])(?:0|[1-9]\d*)(?![\d]|[.,]\d)                          # "187", not "IL-10", "053"
"""

NUMBER = rf"(?:{NUMBER_DIGITS}|{NUMBER_WORDS})"

_DIGITS_RE = re.compile(rf"^(?:{NUMBER_DIGITS})$", re.VERBOSE)
_WORDS_RE = re.compile(rf"^(?:{NUMBER_WORDS})$", re.VERBOSE | re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s\u00a0\u2009\u202f]")
_TRAILING = ".,;:"
_MAX_DIGITS = 15
# "none of the 18 patients": the gold format reads none/no/nil as 0.
_ZERO_WORDS = frozenset({"none", "no", "nil", "zero"})


def parse_count(text: str) -> int | None:
    """The whole number ``text`` states, or ``None`` when it is not exactly one count.

    >>> parse_count("1,297"), parse_count("Five thousand five hundred and sixty-nine")
    (1297, 5569)
    >>> parse_count("4.07") is None, parse_count("hundreds") is None, parse_count("none")
    (True, True, 0)
    """
    cleaned = text.strip().rstrip(_TRAILING).strip()
    if not cleaned:
        return None
    if cleaned.lower() in _ZERO_WORDS:
        return 0
    if _DIGITS_RE.match(cleaned):
        digits = _SEPARATORS.sub("", cleaned)
        # a run of digits longer than any count (int() refuses over 4,300 digits)
        return int(digits) if len(digits) <= _MAX_DIGITS else None
    if _WORDS_RE.match(cleaned):
        words = re.sub(r"\s+", " ", cleaned.lower().replace("-", " "))
        try:
            return int(text2num(words, "en"))
        except ValueError:
            return None
    return None


def is_number_word(text: str) -> bool:
    """True when ``text`` is spelt out ("Thirteen") rather than written in digits."""
    return bool(_WORDS_RE.match(text.strip()))
