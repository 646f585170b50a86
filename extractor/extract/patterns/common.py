"""What the pattern modules and the extractors share: the word lists of
``data/count_words.json`` as alternations, and bounded reads of the words around a value."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

# How far before or after a count its context patterns look: more than any of them spans (the
# longest, "total population of", "randomly assigned to receive the", are under 60 characters),
# and a bound, so that each count of a long sentence costs the same however long the sentence.
CONTEXT_WINDOW = 200


def search_before(pattern: re.Pattern[str], text: str, floor: int, position: int
                  ) -> re.Match[str] | None:
    """``pattern.search(text[floor:position])`` for a pattern anchored at the end (``$``),
    reading at most ``CONTEXT_WINDOW`` characters back: "A total of" before "141 patients"."""
    return pattern.search(text[max(floor, position - CONTEXT_WINDOW):position])


def match_after(pattern: re.Pattern[str], text: str, position: int, ceiling: int
                ) -> re.Match[str] | None:
    """``pattern.match(text[position:ceiling])`` for a pattern anchored at the start (``^``),
    reading at most ``CONTEXT_WINDOW`` characters on: "patients in the placebo group"."""
    return pattern.match(text[position:min(ceiling, position + CONTEXT_WINDOW)])


@lru_cache(maxsize=4096)
def sentence_has(pattern: re.Pattern[str], sentence: str) -> bool:
    """``pattern`` occurs in ``sentence``. Cached by the sentence's text, so a sentence is
    searched once per pattern however many counts or mentions in it ask."""
    return pattern.search(sentence) is not None


@cache
def count_words() -> dict[str, list[str]]:
    """The word lists of ``data/count_words.json`` (keys starting with ``_`` left out)."""
    raw = resources.files("extractor").joinpath("data/count_words.json").read_text("utf-8")
    return {key: value for key, value in json.loads(raw).items() if not key.startswith("_")}


def words_pattern(key: str) -> str:
    """An alternation of the list ``key``; ``patient*`` becomes ``patient\\w*``, spaces ``\\s+``."""
    parts = []
    for word in sorted(count_words()[key], key=len, reverse=True):
        body = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(body + (r"\w*" if word.endswith("*") else ""))
    return r"\b(?:" + "|".join(parts) + r")\b"


def words_regex(key: str) -> re.Pattern[str]:
    return re.compile(words_pattern(key), re.IGNORECASE)
