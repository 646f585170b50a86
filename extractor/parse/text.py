"""Normalise text once, the same way for every source.

Two layers:
- ``map_chars`` replaces Unicode look-alikes one character for one character, so offsets into
  the mapped text are offsets into the original (used by ``extract evaluate`` on gold text).
- ``normalize_text`` maps characters and also collapses every whitespace run to one space and
  strips the ends (used on XML and HTML, whose whitespace is layout, not content).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# One character in, one character out. Keys are the look-alikes seen in PubMed abstracts.
_CHAR_MAP = {
    "\u00b7": ".",   # middle dot as decimal point: "P = 0·002" (Lancet style)
    "\u2219": ".",   # bullet operator used as decimal point
    "\u2212": "-",   # minus sign: "10\u22125"
    "\u2010": "-",   # hyphen
    "\u2011": "-",   # non-breaking hyphen
    "\u2012": "-",   # figure dash
    "\u2013": "-",   # en dash: "0.8\u20131.2"
    "\u2014": "-",   # em dash
    "\u2015": "-",   # horizontal bar
    "\ufe63": "-",   # small hyphen-minus
    "\uff0d": "-",   # fullwidth hyphen-minus
    "\u2a7d": "\u2264",  # slanted less-than-or-equal -> ≤
    "\u2a7e": "\u2265",  # slanted greater-than-or-equal -> ≥
    "\u2266": "\u2264",  # less-than over equal -> ≤
    "\u2267": "\u2265",  # greater-than over equal -> ≥
    "\uff1c": "<",   # fullwidth <
    "\uff1e": ">",   # fullwidth >
    "\uff1d": "=",   # fullwidth =
    "\u00a0": " ",   # no-break space
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",  # en/em/thin/hair spaces
    "\u202f": " ",   # narrow no-break space
    "\u205f": " ",   # medium mathematical space
    "\u3000": " ",   # ideographic space
    "\u2018": "'", "\u2019": "'",   # curly single quotes
    "\u201c": '"', "\u201d": '"',   # curly double quotes
}
_TRANSLATION = str.maketrans(_CHAR_MAP)
_WHITESPACE = re.compile(r"\s+")


def map_chars(text: str) -> str:
    """Replace Unicode look-alikes; the result has exactly the length of the input."""
    return text.translate(_TRANSLATION)


def normalize_text(text: str | Iterable[str]) -> str:
    """Map look-alikes, collapse whitespace runs to one space, strip the ends.

    Accepts a string or the pieces of ``element.itertext()``; pieces are joined with no
    separator (the XML's own whitespace decides spacing), so ``of <i>n</i> = 412`` stays
    ``of n = 412`` and ``H<sub>2</sub>O`` stays ``H2O``.
    """
    if not isinstance(text, str):
        text = "".join(text)
    return _WHITESPACE.sub(" ", map_chars(text)).strip()


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` with every run of blanks and newlines made one space (messages shown in one
    line); cut to ``limit`` characters with "..." when given."""
    line = " ".join(text.split())
    if limit is None or len(line) <= limit:
        return line
    return line[:limit - 3] + "..."
