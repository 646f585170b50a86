"""Split abstract text into sentences, as (start, end) offsets into the text.

A rule-based splitter tuned for PubMed abstracts. A sentence ends at ``.``, ``!`` or ``?``
(plus any closing brackets or quotes, ``(n = 12).`` or ``.)``) followed by whitespace, unless
the word before the full stop is an abbreviation (``et al.``, ``e.g.``, ``vs.``, ``Fig. 2``,
``approx.``, ``no. 3``, an initial ``J. Smith``) or the next word starts in lower case
(``i.v. injection``). A full stop directly followed by a character (``0.5``, ``P < .05``,
``i.v.``) never ends a sentence. A section label printed inside the text (``RESULTS:``, or
``Results:`` at the start of a sentence, as abstracts flattened into one paragraph print them)
starts a new sentence and is a sentence of its own.

Pure functions, no dependencies; offsets follow the package convention (0-based,
end-exclusive) and spans never start or end with whitespace.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

# Candidate ends: terminal punctuation, then closing brackets/quotes, then whitespace or the end.
#   "... after therapy with efalizumab (P = .002). The ..."   -> the ")." run
#   "... in the placebo group.) Patients ..."                 -> ".)" run
_END = re.compile(
    r"""
    (?P<punct>[.!?]+)          # full stop, or "?!", or an ellipsis "..."
    (?P<close>["'\)\]\u201d\u2019]*)   # closing quotes or brackets after the stop: '."' '.)'
    (?=\s|$)                    # a stop glued to the next character (0.5, .05, i.v.) is no end
    """,
    re.VERBOSE,
)

# The word just before a full stop, for the abbreviation checks: "et al", "e.g", "Fig", "J".
_WORD_BEFORE = re.compile(r"(?P<word>[A-Za-z][A-Za-z.]*)$")

# Abbreviations that never end a sentence, whatever follows ("vs. Placebo", "e.g. Smith").
_ALWAYS_ABBREVIATIONS = frozenset(
    {
        "e.g", "eg", "i.e", "ie", "vs", "v", "cf", "viz", "approx", "ca", "resp",
        "dr", "mr", "mrs", "ms", "prof", "st", "fig", "figs", "ref", "refs", "eq", "incl",
        "esp", "dept", "univ", "inst",
    }
)

# Abbreviations that end no sentence when a number follows ("no. 3", "p. 12", "pp. 1-5").
_NUMBER_ABBREVIATIONS = frozenset(
    {"no", "nos", "p", "pp", "vol", "nr", "tab", "chap", "sect", "sec"}
)

# Abbreviations that end no sentence before a bracket or a number ("et al. (2005)", "et al. 12").
_CITATION_ABBREVIATIONS = frozenset({"al", "et al"})

# A section label printed in the text: "RESULTS:", "RESEARCH DESIGN AND METHODS:",
# "AIMS/HYPOTHESIS:", "PATIENTS AND METHODS:".
_LABEL = re.compile(
    r"""
    (?<![\w-])
    (?P<label>
        [A-Z]{2,}                          # RESULTS
        (?:[ ]?[/&,][ ]?[A-Z]{2,}          # AIMS/HYPOTHESIS, MATERIALS & METHODS
          |[ ][A-Z]{2,}                    # RESEARCH DESIGN AND METHODS
        ){0,8}                             # bounded: a run of capitals is read in linear time
    )
    :(?=\s)
    """,
    re.VERBOSE,
)

# Words of which at least one must appear in a label found mid-sentence, so that "HIV: ..." is
# not taken for a label: "...were randomised METHODS: ..." (a label with no stop before it).
_LABEL_WORDS = frozenset(
    {
        "BACKGROUND", "INTRODUCTION", "CONTEXT", "PURPOSE", "AIM", "AIMS", "OBJECTIVE",
        "OBJECTIVES", "HYPOTHESIS", "METHODS", "METHOD", "DESIGN", "SETTING", "SETTINGS",
        "PATIENTS", "PARTICIPANTS", "SUBJECTS", "INTERVENTION", "INTERVENTIONS", "MEASUREMENTS",
        "OUTCOME", "OUTCOMES", "RESULTS", "RESULT", "FINDINGS", "CONCLUSION", "CONCLUSIONS",
        "INTERPRETATION", "SIGNIFICANCE", "TRIAL", "REGISTRATION", "FUNDING", "MATERIALS",
        "SUMMARY", "ABSTRACT", "DISCUSSION", "LIMITATIONS", "IMPORTANCE", "EXPOSURE",
        "EXPOSURES", "PROCEDURE", "PROCEDURES", "IMPLICATIONS", "RATIONALE", "SEARCH",
        "SELECTION", "EXTRACTION", "SYNTHESIS", "SOURCES", "OBSERVATIONS", "ANIMALS",
    }
)

# "P=0. 048", "95% CI 0.91-0. 96)", "(95% CI, 53. 7-85.4%)": a decimal split by a stray space
# in the source text. The stop follows a lone "0", or the digits after it close a bracket or
# start a range or a "+/-".
_SPLIT_DECIMAL_BEFORE = re.compile(r"(?<![\d.])0$")
_SPLIT_DECIMAL_AFTER = re.compile(r"\d+(?:[)\]]|-\d|\s?(?:\+/-|\u00b1))")

# "1. Torsades de pointes ...": a paragraph number at the start of the text or of a sentence.
_ENUMERATOR = re.compile(r"(?:^|[.!?][\"')\]]*\s+)\d{1,2}$")

# "(i. e." and "e. g." printed with a space inside.
_SPACED_ABBREVIATION = re.compile(r"\b(?:i\.\s?e|e\.\s?g)$", re.IGNORECASE)


def _is_abbreviation_stop(text: str, stop: int, next_char: str) -> bool:
    """True if the single full stop at ``text[stop]`` closes an abbreviation, not a sentence."""
    match = _WORD_BEFORE.search(text, max(0, stop - 40), stop)
    if match is None:
        return False
    word = match.group("word").rstrip(".").lower()
    # "et al." is two words; look back over the space for "et".
    if word == "al" and text[max(0, match.start() - 3):match.start()].lower() == "et ":
        word = "et al"
    if word in _ALWAYS_ABBREVIATIONS:
        return True
    if word in _NUMBER_ABBREVIATIONS and next_char.isdigit():
        return True
    if word in _CITATION_ABBREVIATIONS and (next_char.isdigit() or next_char in "([,;"):
        return True
    # Dotted abbreviations "i.v.", "s.c.", "p.m." (a dot inside the word) before a number or a
    # bracket: "at 10 a.m. (p < 0.001) and 4 p.m. (p = 0.050)".
    if "." in word and (next_char.isdigit() or next_char == "("):
        return True  # "4 p.m. (p = 0.050)"
    return _is_initial(text, match.start(), match.group("word"), next_char)


def _is_initial(text: str, word_start: int, word: str, next_char: str) -> bool:
    """A single capital before the stop is an initial when it stands beside another one.

    "J. R. Smith" and "A. B. C. Jones" hold initials; "vitamin A. The ..." and
    "hepatitis B. Patients ..." end sentences.
    """
    if len(word) != 1 or not word.isupper() or not next_char.isupper():
        return False
    if _INITIAL.match(text, _next_visible(text, word_start + 2)):
        return True  # "J. R. Smith": another initial follows
    before_end = _last_visible(text, word_start)
    # "J. R. Smith" at "R."
    return bool(_INITIAL_BEFORE.search(text, max(0, before_end - 3), before_end))


# An initial, and an initial that ends the text before a word (after a space or at the start).
_INITIAL = re.compile(r"[A-Z]\.")
_INITIAL_BEFORE = re.compile(r"(?:^|\s)[A-Z]\.$")
_VISIBLE = re.compile(r"\S")


def _next_visible(text: str, start: int) -> int:
    """The offset of the first non-space character at or after ``start`` (``len(text)`` if
    none): ``text[start:].lstrip()`` without copying the rest of the text."""
    found = _VISIBLE.search(text, start)
    return len(text) if found is None else found.start()


def _last_visible(text: str, end: int) -> int:
    """The end of ``text[:end].rstrip()``, found without copying the text before ``end``."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Decide whether a candidate end (punctuation, closers, then space or end) ends a sentence."""
    following = _next_visible(text, match.end())
    if following == len(text):
        return True
    next_char = text[following]
    punct = match.group("punct")
    # "... (n = 12). the ..." - a lower-case start continues the sentence ("approx. three").
    if next_char.islower():
        return False
    # ". , " punctuation cannot start a sentence; "P ? 0.05" is a comparator lost in encoding.
    if next_char in ",;:" or (punct != "." and next_char.isdigit()):
        return False
    if punct == "." and not match.group("close"):
        stop = match.start()
        if next_char.isdigit() and (
            _SPLIT_DECIMAL_BEFORE.search(text, max(0, stop - 3), stop)
            or _SPLIT_DECIMAL_AFTER.match(text, following)
        ):
            return False
        if _ENUMERATOR.search(text, max(0, stop - 8), stop) and next_char.isupper():
            return False
        if _SPACED_ABBREVIATION.search(text, max(0, stop - 8), stop):
            return False
        return not _is_abbreviation_stop(text, stop, next_char)
    return True


# A section label in ordinary case at the start of a sentence, as abstracts flattened into one
# paragraph print them: "Background: ... Methods and Findings: ... Trial registration: ...".
_LEADING_LABEL = re.compile(
    r"""
    (?P<label>
        [A-Z][a-z]+                        # Background
        (?:(?:[ ]?[/&,][ ]?|[ ])[A-Za-z][a-z]+){0,4}   # and Findings, /Principal Findings
    )
    :(?=\s)
    """,
    re.VERBOSE,
)


# Words a label in ordinary case may hold besides label words: "Methods and Findings",
# "Material And Methods", "Main Outcome Measures", "Methodology/Principal Findings".
_LABEL_MODIFIERS = frozenset({"AND", "OF", "THE", "MAIN", "PRINCIPAL", "KEY", "STUDY",
                              "MATERIAL", "MEASURE", "MEASURES", "PRIMARY", "SECONDARY",
                              "METHODOLOGY", "CLINICAL", "RESEARCH", "NUMBER"})


def _is_label(label: str) -> bool:
    """A label holds one of the words of section labels (so "HIV:" or "Note:" is none)."""
    return any(word.upper() in _LABEL_WORDS for word in re.split(r"[ /&,]+", label))


def _is_leading_label(label: str) -> bool:
    """A label in ordinary case is label words and their modifiers only ("Trial
    registration", not "Outcomes were mixed")."""
    words = [word.upper() for word in re.split(r"[ /&,]+", label) if word]
    return _is_label(label) and all(w in _LABEL_WORDS or w in _LABEL_MODIFIERS for w in words)


def _candidate_ends(text: str) -> list[int]:
    """Offsets just after each sentence end (after closing brackets), in order."""
    ends = [m.end() for m in _END.finditer(text) if _ends_sentence(text, m)]
    # A section label mid-text starts a new sentence: "...randomised METHODS: Patients ...".
    for label in _LABEL.finditer(text):
        if _is_label(label.group("label")):
            ends.append(label.start())  # the text before the label ends there
            ends.append(label.end())  # the label "RESULTS:" is a sentence of its own
    # A label in ordinary case that starts a sentence is a sentence of its own too.
    for start in (0, *ends):
        leading = _LEADING_LABEL.match(text, _next_visible(text, start))
        if leading is not None and _is_leading_label(leading.group("label")):
            ends.append(leading.end())
    return sorted(set(ends))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; together they cover all its non-space text.

    A sentence longer than ``MAX_SENTENCE`` characters (none in the gold corpora is longer than
    1,260) is cut into pieces of at most that length (``_cut``), so that the work an extractor
    does per sentence stays bounded and extraction linear in the length of the text.

    >>> split_sentences("Pain fell (P = .002). Sleep did not.")
    [(0, 21), (22, 36)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [*_candidate_ends(text), len(text)]:
        spans.extend(_cut(text, start, end))
        start = max(start, end)
    return spans


# The longest sentence kept whole: "... 1 of 2 of 3 of ..." over 100,000 characters without a
# full stop is no sentence, and reading it whole would make every count re-read it.
MAX_SENTENCE = 2000


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the spaces at either end (empty when all space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-empty trimmed pieces of ``text[start:end]``, each at most ``MAX_SENTENCE`` long:
    cut at the last space before the limit, or at the limit when the text runs on without one
    ("((((...")."""
    pieces: list[tuple[int, int]] = []
    start, end = _trimmed(text, start, end)
    while end - start > MAX_SENTENCE:
        space = max(text.rfind(" ", start + 1, start + MAX_SENTENCE + 1),
                    text.rfind("\n", start + 1, start + MAX_SENTENCE + 1))
        cut = space if space > start else start + MAX_SENTENCE
        piece = _trimmed(text, start, cut)
        if piece[0] < piece[1]:
            pieces.append(piece)
        start, end = _trimmed(text, cut, end)
    if start < end:
        pieces.append((start, end))
    return pieces


def sentence_index(ends: Sequence[int], offset: int) -> int:
    """The index of the sentence holding ``offset``, given the sentences' end offsets in order.

    An offset in the spaces between two sentences belongs to the next sentence; an offset in
    trailing space to the last one. ``ends`` must not be empty.
    """
    return min(bisect.bisect_right(ends, offset), len(ends) - 1)


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The (start, end) of the sentence of ``text`` holding ``offset`` (see ``sentence_index``).

    Raises ``ValueError`` for an offset outside ``0..len(text)``.
    """
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} outside the text (length {len(text)})")
    spans = split_sentences(text)
    if not spans:
        return (offset, offset)
    return spans[sentence_index([end for _, end in spans], offset)]
