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
