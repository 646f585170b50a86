"""Mentions of names in an analysed article, shared by the drug and condition extractors.

Each section's candidates are the dictionary matches of one vocabulary, the short forms the
article defines for that vocabulary (and those used case-sensitively, "AZT", "NSCLC"), and
extra spans of the extractor's own (a tagger's, or shapes such as "LY274614"). Overlaps are
resolved longest-first; a span that crosses a dictionary match's edge loses to it, one that holds
matches and more text replaces them ("colorectal cancers" over "cancers"). The mentions are then
grouped by canonical key, one drug or condition per key, in order of first appearance.

What each drug or condition is in the trial (its role) is decided in ``extract.roles``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from extractor.models import Mention
from extractor.nlp.abbreviations import is_bare_short_form
from extractor.nlp.analysis import AnalysedSection, EntitySpan
from extractor.nlp.matcher import Lexicon, LexiconMatch
from extractor.nlp.tokens import Occupied


@dataclass(frozen=True)
class SectionMatch:
    """A match in one section text of an article (``section_index`` as in models.py)."""

    section_index: int
    section: str
    start: int
    end: int
    text: str
    key: str


def group_by_key(matches: Iterable[SectionMatch]) -> dict[str, list[SectionMatch]]:
    """Matches grouped by canonical key, in order of first appearance."""
    grouped: dict[str, list[SectionMatch]] = {}
    for match in matches:
        grouped.setdefault(match.key, []).append(match)
    return grouped


def mentions_of(group: list[SectionMatch], name: str, identifier: str | None) -> list[Mention]:
    """One ``Mention`` per match, all named ``name`` with ``identifier``."""
    return [
        Mention(text=m.text, start=m.start, end=m.end, section=m.section,
                section_index=m.section_index, name=name, identifier=identifier)
        for m in group
    ]


def find_mentions(
    sections: Sequence[AnalysedSection],
    lexicon: Lexicon,
    matches: Mapping[int, Sequence[LexiconMatch]],
    short_forms: Mapping[str, str],
    extra: Mapping[int, Sequence[EntitySpan]] | None = None,
    blocking: Mapping[int, Sequence[LexiconMatch]] | None = None,
) -> list[SectionMatch]:
    """Mentions in every section, in text order.

    ``matches``: the vocabulary's dictionary matches per section index; ``short_forms``:
    short forms matched case-sensitively on word boundaries, with their keys; ``extra``: more
    candidate spans per section index (see ``_extra_matches``); ``blocking``: matches of
    another vocabulary whose longer matches hide the ones of this vocabulary inside them (the
    chemical "tumor necrosis factor" holds no disease "tumor").
    """
    found: list[SectionMatch] = []
    for section in sections:
        text = section.text
        candidates = [*matches[section.index], *_short_form_matches(text, short_forms)]
        if blocking is not None:
            candidates = _drop_blocked(candidates, blocking[section.index])
        chosen = _resolve_overlaps(candidates)
        if extra is not None:
            chosen = _resolve_overlaps(
                [*chosen, *_extra_matches(text, extra[section.index], lexicon, chosen)])
        found.extend(
            SectionMatch(section.index, section.label, m.start, m.end, m.text, m.key)
            for m in chosen
        )
    return found


def _short_form_matches(text: str, keys: Mapping[str, str]) -> list[LexiconMatch]:
    """Case-sensitive occurrences of the short forms, on word boundaries."""
    matches: list[LexiconMatch] = []
    for short, key in keys.items():
        pattern = re.compile(r"(?<![\w-])" + re.escape(short) + r"(?![\w])")
        for found in pattern.finditer(text):
            matches.append(LexiconMatch(found.start(), found.end(), found.group(), key))
    return matches


def drop_undefined_short_forms(
    text: str, spans: Iterable[EntitySpan], defined: frozenset[str]
) -> list[EntitySpan]:
    """Spans without the bare abbreviations the article does not define.

    A tagger marks "CP" or "WT" as diseases from their shape alone; an abbreviation the
    article defines ("overactive bladder (OAB)") is kept.
    """
    return [
        (start, end, label) for start, end, label in spans
        if not is_bare_short_form(text[start:end]) or text[start:end] in defined
    ]


def _resolve_overlaps(candidates: list[LexiconMatch]) -> list[LexiconMatch]:
    """Keep the longest of overlapping candidates (earliest first on ties), in text order."""
    chosen: list[LexiconMatch] = []
    taken = Occupied()
    for match in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start)):
        if not taken.is_free(match.start, match.end):
            continue
        chosen.append(match)
        taken.take(match.start, match.end)
    return sorted(chosen, key=lambda m: m.start)


def _drop_blocked(
    candidates: list[LexiconMatch], blocking: Sequence[LexiconMatch]
) -> list[LexiconMatch]:
    """Candidates not strictly inside a longer blocking match.

    ``blocking`` are one vocabulary's matches, in text order and non-overlapping, so the only
    one that can hold a candidate is the last to start at or before it (found by bisection)."""
    starts = [block.start for block in blocking]
    kept = []
    for match in candidates:
        index = bisect_right(starts, match.start) - 1
        block = blocking[index] if index >= 0 else None
        if block is not None and match.end <= block.end and (
                block.end - block.start) > (match.end - match.start):
            continue
        kept.append(match)
    return kept


def _extra_matches(
    text: str,
    spans: Sequence[EntitySpan],
    lexicon: Lexicon,
    matches: list[LexiconMatch],
) -> list[LexiconMatch]:
    """The extra spans that overlap no dictionary match or hold longer text around some.

    A span crossing a match's edge is dropped (the dictionary wins); one that holds matches and
    more text replaces them ("colorectal cancers" over "cancers") and takes the key of its own
    text, else of the last match inside it.
    """
    extra: list[LexiconMatch] = []
    # ``matches`` are in text order and do not overlap, so their ends are in order too.
    starts = [m.start for m in matches]
    ends = [m.end for m in matches]
    for start, end, _ in spans:
        first, last = bisect_left(starts, start), bisect_right(ends, end)
        inside = matches[first:last] if first < last else []
        if bisect_right(ends, start) < first or bisect_left(starts, end) > max(first, last):
            continue  # a dictionary match crosses the span's edge: the dictionary wins
        if inside and end - start == inside[0].end - inside[0].start:
            continue  # the same span: the dictionary's key is better
        span_text = text[start:end]
        # "non-papillary renal cell carcinomas": the key of the last name inside it
        key = lexicon.lookup(span_text) or (inside[-1].key if inside else span_text.lower())
        extra.append(LexiconMatch(start, end, span_text, key))
    return extra
