"""Abbreviations defined in the text, Schwartz-Hearst style.

Schwartz AS, Hearst MA. A simple algorithm for identifying abbreviation definitions in
biomedical text. Pac Symp Biocomput 2003. The definition shapes handled:

    "methotrexate (MTX)"                     long form, then the short form in brackets
    "cutaneous lupus ... score (CLASS)"      the short form's letters read backwards
    "5-fluorouracil (5-FU)"                  digits and hyphens in both forms
    "MTX (methotrexate)"                     the reverse shape: a one-word short form first

The long form is the shortest run of words before the bracket (at most
``min(len(short) + 5, 2 * len(short))`` words) in which every letter and digit of the short
form appears in order, the first one at the start of a word.
"""

from __future__ import annotations

import re

# "(MTX)" or "(5-FU)" or "(IL-2R)": the bracketed candidate short form, at most two words.
_BRACKET = re.compile(
    r"""
    \(                              # opening bracket after the long form
    (?P<inner>[^()\[\]]{1,60}?)     # the short form, or the long form in the reverse shape
    (?:[;,][^()]*)?                 # "(MTX; ref 3)", "(CLASS, 0-70)": text after ; or , is dropped
    \)
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"\S+")
_MAX_SHORT_LENGTH = 10

# A bare abbreviation as a tagger marks one: "OAB", "CP", "HT", "WT", "p20", "5-FU". Taggers label
# such tokens from their shape alone, so the extractors keep them only when the article defines
# them (or, for conditions, when their letters spell a disease name of the article).
_BARE_SHORT_FORM = re.compile(r"^[A-Za-z]?[A-Z0-9][A-Z0-9-]{0,4}$")


def is_bare_short_form(text: str) -> bool:
    """True for a short, mostly upper-case token such as "CP", "BMD" or "p20"."""
    return _BARE_SHORT_FORM.match(text) is not None


# The tagger's shape of a definition (``ner.propagate_spans``): a capitalised short form in
# brackets right after a name it tagged, "dopamine (DA)", "acetaminophen (APAP)", "Potassium
# (K)". Unlike ``find_abbreviations`` it reads no long form out of the words before, so a code
# or symbol whose letters are not those of the name counts too; the tagger checks the letters
# of disease short forms only. (Using ``find_abbreviations`` there instead was measured on the
# dev splits: BC5CDR chemicals strict F1 0.970 -> 0.971, but C-TrO intervention recall 0.617
# -> 0.602 and NCBI disease F1 0.948 -> 0.947, so both rules stay.)
_BRACKETED_AFTER = re.compile(
    r"""
    \s?[\(\[]{1,2}\s?                       # " (" after the long form; "[(TP)" and "[ASA]"
    (?P<abbr>[A-Za-z0-9][\w\-\+\u03b1-\u03c9]{0,11})   # "DA", "5-FU", "T", "L-NAME"
    \s?[\)\];,:]                           # ")", "]", "(PB: 15 mg", "(T, 5 mg/kg"
    """,
    re.VERBOSE,
)


def short_form_after(text: str, end: int) -> str | None:
    """The capitalised short form in brackets that starts at ``end`` (just after a name), or
    None: "(DA)", "[ASA]", "(T, 5 mg/kg" -> "T"; not "(n = 12)", "(12)" or "(see below)"."""
    match = _BRACKETED_AFTER.match(text, end)
    if match is None:
        return None
    word = match.group("abbr")
    if len(word) == 1:
        return word if word.isupper() else None  # "testosterone (T)", "Potassium (K)"
    capitalised = any(ch.isupper() for ch in word) and len(word) <= 12 and not word.isdigit()
    return word if capitalised else None


def letters_in_order(short: str, long_form: str) -> bool:
    """Schwartz & Hearst's check: the letters and digits of ``short`` occur in ``long_form`` in
    order, the first one at its start, ignoring case ("Cyclophosphamide" / "CP",
    "5-fluorouracil" / "5-FU"; not "catatonia" / "DOC")."""
    chars = [ch for ch in short.lower() if ch.isalnum()]
    long_lower = long_form.lower()
    if not chars or not long_lower.startswith(chars[0]):
        return False
    position = 0
    for ch in chars:
        position = long_lower.find(ch, position)
        if position == -1:
            return False
        position += 1
    return True


def _is_short_form(candidate: str) -> bool:
    """2-10 characters, at most two words, starting with a letter or digit, holding a letter."""
    if not 2 <= len(candidate) <= _MAX_SHORT_LENGTH or len(candidate.split()) > 2:
        return False
    if not candidate[0].isalnum() or not any(ch.isalpha() for ch in candidate):
        return False
    # "(n = 12)", "(P = .002)": statistics, not abbreviations
    return "=" not in candidate and "<" not in candidate and ">" not in candidate


def best_long_form(short: str, long_text: str) -> int | None:
    """Offset in ``long_text`` where the long form of ``short`` starts, or None.

    Reads the short form's letters and digits from the last one back, each matched in the
    long text from its end; the first character must start a word.
    """
    short_chars = [ch.lower() for ch in short if ch.isalnum()]
    if not short_chars:
        return None
    long_lower = long_text.lower()
    s_index = len(short_chars) - 1
    l_index = len(long_lower) - 1
    while s_index >= 0:
        ch = short_chars[s_index]
        while l_index >= 0 and (
            long_lower[l_index] != ch
            or (s_index == 0 and l_index > 0 and long_lower[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        s_index -= 1
        l_index -= 1
    start = l_index + 1
    return start


def initials_long_form(short: str, long_text: str) -> int | None:
    """Offset of the last words whose initials are the short form's letters in another order.

    "myotonic dystrophy (DM)" (from Latin "dystrophia myotonica"): Schwartz-Hearst finds no
    long form, but the initials of the last two words are {m, d}.
    """
    if not short.isalpha() or not 2 <= len(short) <= 5:
        return None
    words = list(_WORD.finditer(long_text))[-len(short):]
    if len(words) != len(short):
        return None
    initials = sorted(word.group()[0].lower() for word in words)
    if initials != sorted(short.lower()):
        return None
    return words[0].start()


# How far before a bracket the long form is looked for: far more than the at most 20 words a
# long form may have (the longest in the gold corpora has 134 characters), and a bound, so that
# a text of many brackets is read in linear time.
_LOOK_BACK = 400


def _candidate_window(text: str, bracket_start: int, short: str) -> tuple[int, str]:
    """(offset, text) of the words just before the bracket that may hold the long form."""
    floor = max(0, bracket_start - _LOOK_BACK)
    before = text[:bracket_start].rstrip() if floor == 0 else text[floor:bracket_start].rstrip()
    max_words = min(len(short) + 5, 2 * len(short))
    words = list(_WORD.finditer(before))
    if floor and words and words[0].start() == 0 and not text[floor - 1].isspace():
        words = words[1:]  # a word the look-back cuts in two is no word of the window
    words = words[-max_words:]
    # the long form does not cross a sentence or clause end: "... limited. Efalizumab (E)"
    for index in range(len(words) - 1, -1, -1):
        if words[index].group().endswith((".", ";", ":")) and index < len(words) - 1:
            words = words[index + 1:]
            break
    if not words:
        return bracket_start, ""
    start = words[0].start()
    return floor + start, before[start:]


def find_abbreviations(text: str) -> dict[str, tuple[str, int, int]]:
    """Short form -> (long form, start, end of the long form in ``text``); first definition wins.

    >>> find_abbreviations("methotrexate (MTX) was given")
    {'MTX': ('methotrexate', 0, 12)}
    """
    found: dict[str, tuple[str, int, int]] = {}
    for bracket in _BRACKET.finditer(text):
        inner = bracket.group("inner").strip()
        if _is_short_form(inner):
            window_start, window = _candidate_window(text, bracket.start(), inner)
            offset = best_long_form(inner, window)
            if offset is None:
                offset = initials_long_form(inner, window)
            if offset is None:
                continue
            long_start = window_start + offset
            long_end = window_start + len(window)
            long_form = text[long_start:long_end]
            if len(long_form) <= len(inner) or inner.lower() in long_form.lower().split():
                continue
            found.setdefault(inner, (long_form, long_start, long_end))
        else:
            _add_reverse(text, bracket, inner, found)
    return found


def _add_reverse(
    text: str, bracket: re.Match[str], inner: str, found: dict[str, tuple[str, int, int]]
) -> None:
    """The reverse shape "MTX (methotrexate)": a one-word short form just before the bracket."""
    short = _word_before(text, bracket.start())
    if short is None:
        return
    if not _is_short_form(short) or not short.isupper() or len(inner.split()) > len(short) + 5:
        return
    offset = best_long_form(short, inner)
    if offset != 0:
        return
    inner_raw = bracket.group("inner")
    long_start = bracket.start("inner") + (len(inner_raw) - len(inner_raw.lstrip()))
    found.setdefault(short, (inner, long_start, long_start + len(inner)))


def _word_before(text: str, end: int) -> str | None:
    """The word (non-space run) that ends ``text[:end].rstrip()``, if it may be a short form:
    at most ``_MAX_SHORT_LENGTH`` characters are read back, so a long run of text without
    spaces is not read again for each bracket in it."""
    last = end
    while last > 0 and text[last - 1].isspace():
        last -= 1
    first = last
    while first > 0 and last - first <= _MAX_SHORT_LENGTH and not text[first - 1].isspace():
        first -= 1
    if first == last or last - first > _MAX_SHORT_LENGTH:
        return None
    return text[first:last]
