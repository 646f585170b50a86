"""The one tokenizer: runs of letters, runs of digits, and every other visible character alone.

    "5-fluorouracil"  -> 5 | - | fluorouracil
    "CD11a"           -> CD | 11 | a
    "[3H]-naloxone"   -> [ | 3 | H | ] | - | naloxone

It puts every BC5CDR and NCBI disease span boundary on a token boundary. The dictionary matcher
(``matcher.Lexicon``) matches variants as runs of these tokens, and the statistical tagger
(``ner``) labels them; ``analysis`` tokenises each section once for both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

TOKEN_PATTERN = re.compile(
    r"""
    [^\W\d_]+       # a run of letters, any script: "Naloxone", "β"
    | \d+           # a run of digits: "10" in "10(-8)"
    | [^\w\s]       # one punctuation mark or symbol: "-", "(", "+"
    | _             # underscore (a word character that is neither letter nor digit)
    """,
    re.VERBOSE,
)

Span = tuple[int, int]


@dataclass(frozen=True)
class Tokens:
    """The tokens of one text: ``spans[i]`` are offsets into it, ``lowered[i]`` the token's
    text in lower case."""

    spans: tuple[Span, ...]
    lowered: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.spans)


def tokenize(text: str) -> Tokens:
    """The tokens of ``text`` (see ``TOKEN_PATTERN``)."""
    spans = tuple(m.span() for m in TOKEN_PATTERN.finditer(text))
    return Tokens(spans, tuple(text[start:end].lower() for start, end in spans))


def token_words(text: str) -> tuple[str, ...]:
    """The lower-case tokens of ``text``: "Interleukin -2" -> ("interleukin", "-", "2")."""
    return tuple(match.group().lower() for match in TOKEN_PATTERN.finditer(text))


class Occupied:
    """The characters of a text taken by spans already kept, for overlap checks that cost the
    length of the span checked, however many spans are kept (the tagger's and the mentions'
    longest-first choice of non-overlapping spans)."""

    def __init__(self, spans: Iterable[Span] = (), origin: int = 0) -> None:
        """``origin``: no span starts before it (the start of the sentence read), so the
        record of what is taken starts there."""
        self._origin = origin
        self._taken = bytearray()
        for start, end in spans:
            self.take(start, end)

    def is_free(self, start: int, end: int) -> bool:
        """No character of ``start:end`` is taken."""
        return self._taken.find(1, start - self._origin, end - self._origin) == -1

    def take(self, start: int, end: int) -> None:
        start, end = start - self._origin, end - self._origin
        if end > len(self._taken):
            self._taken.extend(bytes(end - len(self._taken)))
        self._taken[start:end] = b"\x01" * (end - start)
