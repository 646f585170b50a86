"""Longest-match dictionary matching of names on token boundaries.

Matching (``Lexicon.find``): the text is cut into tokens (``extractor.nlp.tokens``), lower-cased,
and a variant matches a run of tokens when its own tokens are the same, whatever the spacing
between them ("interleukin-2" matches "interleukin -2", not "interleukin 2"). A match must not
touch a letter or digit on either side, so "efalizumab-treated" and "(efalizumab)" hold
"efalizumab" but "K2O" holds no "k2". At each token the longest variant wins and the scan goes
on after it, so "discoid lupus erythematosus" is one match, never "lupus" inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extractor.nlp.tokens import Tokens, token_words, tokenize

# A variant that is only digits and punctuation ("1", "2.5") is never a name.
_NO_LETTER = re.compile(r"^[^a-z]*$")

MIN_VARIANT_LENGTH = 3


@dataclass(frozen=True)
class LexiconMatch:
    """One match: ``text[start:end]`` is the matched text, ``key`` the canonical key."""

    start: int
    end: int
    text: str
    key: str


def usable_variant(variant: str) -> bool:
    """False for variants too short or without letters ("1", "ra"), which match noise."""
    lowered = variant.strip().lower()
    if len(lowered) < MIN_VARIANT_LENGTH:
        return False
    return not _NO_LETTER.match(lowered)


class Lexicon:
    """A token-prefix dictionary of variants, searched longest-match-first.

    ``entries`` maps a token tuple to its canonical key; ``prefixes`` holds every proper
    prefix of an entry, so a scan stops as soon as the tokens read lead to no variant.
    """

    def __init__(self, variants: Mapping[str, str], stop: Iterable[str] = ()) -> None:
        stop_tokens = {token_words(word) for word in stop}
        self.entries: dict[tuple[str, ...], str] = {}
        self.prefixes: set[tuple[str, ...]] = set()
        for variant, key in variants.items():
            if not usable_variant(variant):
                continue
            tokens = token_words(variant)
            if not tokens or tokens in stop_tokens:
                continue
            self.entries.setdefault(tokens, key)
            for size in range(1, len(tokens)):
                self.prefixes.add(tokens[:size])

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, variant: object) -> bool:
        return isinstance(variant, str) and token_words(variant) in self.entries

    def lookup(self, variant: str) -> str | None:
        """The canonical key of ``variant`` (any spacing or case), or None."""
        return self.entries.get(token_words(variant))

    def find(self, text: str, tokens: Tokens | None = None) -> list[LexiconMatch]:
        """Every non-overlapping match in ``text``, leftmost first, longest at each place.

        ``tokens``: the tokens of ``text`` when the caller has them already.
        """
        tokens = tokenize(text) if tokens is None else tokens
        matches: list[LexiconMatch] = []
        index = 0
        while index < len(tokens):
            found = self._longest_at(text, tokens, index)
            if found is None:
                index += 1
                continue
            last, key = found
            start, end = tokens.spans[index][0], tokens.spans[last][1]
            matches.append(LexiconMatch(start, end, text[start:end], key))
            index = last + 1
        return matches

    def _longest_at(self, text: str, tokens: Tokens, index: int) -> tuple[int, str] | None:
        """(index of the last token, key) of the longest variant starting at ``index``."""
        start = tokens.spans[index][0]
        if start > 0 and text[start - 1].isalnum():
            return None  # "K2O": a match may not start inside a word
        best: tuple[int, str] | None = None
        probe: tuple[str, ...] = ()
        for last in range(index, len(tokens)):
            probe = (*probe, tokens.lowered[last])
            key = self.entries.get(probe)
            if key is not None:
                end = tokens.spans[last][1]
                if end >= len(text) or not text[end].isalnum():
                    best = (last, key)
            if probe not in self.prefixes:
                break
        return best
