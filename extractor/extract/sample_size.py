"""Sample size: the number of participants of the study, and the sizes of its arms.

Candidates are counts of people found by four shapes (``patterns.counts``):
``COUNT_THEN_NOUN`` ("Thirteen patients", "157 breast cancer patients"), ``N_EQUALS``
("(N = 120)"), ``COUNT_THEN_VERB`` ("1031 were randomly assigned", "322 BCS were randomized")
and ``COUNT_THEN_PARTS`` ("2144 (1063 ..., 1081 ...)", a count its bracket splits into parts).
A count is refused when it is a dose, a duration, an age, a percentage, a date, a rate ("per 1000
patient-years", "one in seven"), a bound ("at least one patient"), a singular noun ("two patient
leaflets") or a part of a group ("12 of 13", "18 patients (44%)", "(131 male; ...)").

Each kept count is scored by its context: the shape (2.0, n = 1.75), "a total of" (+2), a bracket
that splits it (+1.5), enrolment verbs nearby (strong "randomized/enrolled" +1.5, weak
"included/treated" +0.75), screening or drop-out words after it (-1), outcome words after it
(-1, "12 patients responded"), the section it sits in (Methods +0.75, Results/unlabelled +0.25,
Background -2, Conclusions -1.5; headings printed inside the text count too), and its place
(-0.03 per earlier sentence). Counts below ``THRESHOLD`` are dropped.

Roles: a count is an ``arm`` when its sentence gives two or more group sizes side by side
("assigned to X (n = 40) or Y (n = 41)", "letrozole (2583 women) or placebo (2587 women)"), when
later counts of its sentence add up to it (it is then the ``total`` and they are arms), or when
it is followed by the one group it belongs to ("59 patients in the gefitinib group"); otherwise
a ``total``. A total equal to the sum of some sentence's arms gains 2. The best-scoring total is
``chosen`` (ties: the earliest). When no total reaches the threshold but a sentence lists two or
more arms, a ``sum_of_arms`` entry is added and chosen; its evidence spans the listed arms, from
the first arm's number to the last one's ("515) or standard axillary surgery (n = 516"), since
the sum itself is printed nowhere. A runner-up total of another value scoring within
``CLOSE_CALL`` of the chosen one is reported as a ``Doubt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from extractor.extract.patterns.common import CONTEXT_WINDOW, match_after, search_before, sentence_has, words_regex
from extractor.extract.patterns.counts import (
    ALLOCATED_PAIR,
    ARM_CONTEXT_AFTER,
    COUNT_THEN_NOUN,
    COUNT_THEN_PARTS,
    COUNT_THEN_VERB,
    N_EQUALS,
    NOT_PEOPLE_AFTER,
    NOT_PEOPLE_BEFORE,
    PART,
    SUBSET_AFTER,
    WHOLE_GROUP_BEFORE_N,
)
from extractor.extract.patterns.numbers import parse_count
from extractor.extract.result import Extraction, unread_doubts
from extractor.models import Doubt, SampleSize
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection, SectionKind, Sentence

THRESHOLD = 1.5
_STRONG = words_regex("enrolment_verbs_strong")
_WEAK = words_regex("enrolment_verbs_weak")
_SCREENING = words_regex("screening_words")
_OUTCOME = words_regex("outcome_words")
_WEAK_NOUN = words_regex("weak_participant_nouns")

# "A total of 141 patients", "Overall, 1506 women", "all 30 subjects", "In total, 120".
# "From a total sample of 247 patients", "Participants were 36 ... patients".
_TOTAL_BEFORE = re.compile(
    r"""\b(?:a\s+total\s+of|total\s+of|in\s+total,?|overall,?|all|
           total\s+(?:sample|population|cohort|number)\s+of|
           (?:participants|subjects|patients|sample|population)\s+(?:were|was|comprised|included))
        \s*$""",
    re.I | re.X,
)
# "only 69 randomized at least one patient", "more than 100 women": not an exact count.
_APPROX_BEFORE = re.compile(
    r"\b(?:at\s+least|at\s+most|more\s+than|less\s+than|fewer\s+than|up\s+to|over|under)\s*$", re.I
)
# "The response to treatment in 12 patients ...": a count inside an outcome phrase.
_OUTCOME_BEFORE = re.compile(r"\b(?:in|among)\s*$", re.I)
# "letrozole (2583 women) or placebo (TamRT; 317 women)": counts of people listed in brackets.
_PAREN_BEFORE = re.compile(r"[(\[]\s*(?:[^()\[\]]{0,30}[;,:]\s*)?$")


@dataclass(frozen=True)
class _Candidate:
    value: int
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    shape: str  # "noun", "n_equals", "verb"
    noun: str
    match_start: int  # where the whole pattern starts: the "n" of "(n = 40)"
    # (start, end, value) of each part its bracket splits it into: "351 women (176 ..., 175 ...)"
    parts: tuple[tuple[int, int, int], ...] = ()

    @property
    def split(self) -> bool:
        return bool(self.parts)


def _is_people_count(text: str, start: int, end: int, sentence_start: int) -> bool:
    """Refuse doses, durations, ages, dates, P values and parts of ranges."""
    before = text[max(sentence_start, start - 30):start]
    after = text[end:end + 15]
    if NOT_PEOPLE_BEFORE.search(before) or NOT_PEOPLE_AFTER.match(after):
        return False
    # "18-70 patients", "40 to 60 women"
    return not re.match(r"\s*(?:-|–|to)\s*\d", after)


def _find_candidates(text: str, sentence_start: int, sentence_end: int) -> list[_Candidate]:
    sentence = text[sentence_start:sentence_end]
    found: dict[int, _Candidate] = {}
    for shape, pattern in (("n_equals", N_EQUALS), ("noun", COUNT_THEN_NOUN), ("verb", COUNT_THEN_VERB)):
        for match in pattern.finditer(sentence):
            start, end = sentence_start + match.start("n"), sentence_start + match.end("n")
            if start in found:
                continue
            value = parse_count(match.group("n"))
            if not value:
                continue
            if shape != "n_equals" and not _is_people_count(text, start, end, sentence_start):
                continue
            noun = match.groupdict().get("noun") or ""
            found[start] = _Candidate(value, start, end, sentence_start, sentence_end, shape, noun,
                                      sentence_start + match.start())
    for match in COUNT_THEN_PARTS.finditer(sentence):
        start, end = sentence_start + match.start("n"), sentence_start + match.end("n")
        value = parse_count(match.group("n"))
        inner = sentence_start + match.start("inner")
        parts = tuple((inner + p.start("n"), inner + p.end("n"), parse_count(p.group("n")) or 0)
                      for p in PART.finditer(match.group("inner")))
        if not value or len(parts) < 2 or sum(part[2] for part in parts) != value:
            continue
        if start in found:
            found[start] = replace(found[start], parts=parts)
        elif _is_people_count(text, start, end, sentence_start):
            found[start] = _Candidate(value, start, end, sentence_start, sentence_end, "parts",
                                      "", sentence_start + match.start(), parts=parts)
    return sorted(found.values(), key=lambda c: c.start)


# "31.3 percent (n = 30)", "7.9% (n = 75)": an n = giving the count behind a percentage.
_PERCENT_BEFORE_N = re.compile(r"(?:%|percent|per\s+cent)\s*[(\[,;]?\s*$", re.I)
# "rash (n = 71, 69%), fever (n = 36, 35%)": an n = with its percent counts people who have
# something, a part of the sample.
_PERCENT_AFTER_N = re.compile(r"^\s*[,;]\s*\d{1,3}(?:\.\d+)?\s*%")
# "101 patients (50 women and 51 men)": a bracket that splits the sample by sex splits no arms.
_SEX_SPLIT = re.compile(r"\b(?:(?:fe)?males?|women|men|boys|girls)\b", re.I)
_SEX = re.compile(r"(?:fe)?males?", re.I)
_BREAKDOWN_BEFORE = re.compile(r"[(\[]\s*$")
_SINGULAR_NOUNS = re.compile(r"(?:patient|participant|subject|woman|man|person|individual|case|"
                             r"volunteer|adult|child|survivor|eye|member|control)$", re.I)


def _is_subset(text: str, candidate: _Candidate) -> bool:
    """ "12 of 13", "18 patients (44%)", "12/13": the count is part of a group, not a group."""
    start, end = candidate.sentence_start, candidate.sentence_end
    if candidate.shape == "n_equals":
        return bool(search_before(_PERCENT_BEFORE_N, text, start, candidate.match_start)
                    or match_after(_PERCENT_AFTER_N, text, candidate.end, end))
    # "255 insulin-naive patients (131 male; mean age 61)": a breakdown by sex.
    if _SEX.fullmatch(candidate.noun) and search_before(_BREAKDOWN_BEFORE, text, start,
                                                         candidate.start):
        return True
    return bool(match_after(SUBSET_AFTER, text, candidate.end, end))


def _is_exact_count(text: str, candidate: _Candidate) -> bool:
    """Refuse "at least one patient", "more than 10 patients" and "two patient leaflets"."""
    if search_before(_APPROX_BEFORE, text, candidate.sentence_start, candidate.match_start):
        return False
    last_noun = candidate.noun.split()[-1] if candidate.noun else ""
    return not (candidate.value != 1 and _SINGULAR_NOUNS.fullmatch(last_noun))


def _score(text: str, candidate: _Candidate, kind: SectionKind, sentence_rank: int) -> float:
    sentence = text[candidate.sentence_start:candidate.sentence_end]
    # the words around the count, read within CONTEXT_WINDOW (the sentence is read once per
    # pattern, ``sentence_has``)
    before = text[max(candidate.sentence_start, candidate.start - CONTEXT_WINDOW):candidate.start]
    after = text[candidate.end:min(candidate.sentence_end, candidate.end + CONTEXT_WINDOW)]
    score = {"noun": 2.0, "n_equals": 1.75, "verb": 2.0, "parts": 2.0}[candidate.shape]
    if candidate.shape == "noun" and _WEAK_NOUN.fullmatch(candidate.noun):
        score -= 1.0
    if _TOTAL_BEFORE.search(before):
        score += 2.0
    if candidate.split:
        score += 1.5
    if candidate.shape == "n_equals" and search_before(
            WHOLE_GROUP_BEFORE_N, text, candidate.sentence_start, candidate.match_start):
        score += 1.0
    near = before[-60:] + " " + after[:80]
    if _STRONG.search(near):
        score += 1.5
    elif _WEAK.search(near):
        score += 0.75
    if _SCREENING.search(after[:60]):
        score -= 1.0
    # "12 patients responded", "the response to treatment in 12 patients was encouraging"
    if _OUTCOME.search(after[:50]) and not _STRONG.search(near):
        score -= 1.0
    if _OUTCOME_BEFORE.search(before) and sentence_has(_OUTCOME, sentence) and not sentence_has(
            _STRONG, sentence):
        score -= 0.5
    score += _SECTION_SCORE[kind]
    score -= 0.03 * min(sentence_rank, 20)  # the first counts of an abstract describe the sample
    return score


# Where a count is printed: the methods describe the sample, the background earlier studies.
_SECTION_SCORE: dict[SectionKind, float] = {
    "methods": 0.75, "results": 0.25, "other": 0.25, "title": 0.25, "background": -2.0,
    "conclusion": -1.5,
}


Role = Literal["total", "arm", "sum_of_arms"]


def _sentence_roles(text: str, kept: list[_Candidate]) -> dict[int, Role]:
    """``total`` or ``arm`` for each candidate of one sentence, keyed by start offset.

    - a count equal to the sum of two or more counts after it is the total, those are arms:
      "Patients (n = 449) were randomly assigned to ... (n = 225) or ... (n = 224)";
    - "Women (N = 62) living with ...": an n = right after the people it counts is a total;
    - two or more n = (or two or more counts of people) of similar size side by side are arms:
      "letrozole (2583 women) or placebo (2587 women)";
    - a count followed by its group is an arm: "59 patients in the gefitinib group".
    """
    roles: dict[int, Role] = {
        c.start: "arm" if match_after(ARM_CONTEXT_AFTER, text, c.end, c.sentence_end) else "total"
        for c in kept}
    split = _total_and_parts(kept)
    if split is not None:
        total, parts = split
        roles[total.start] = "total"
        roles.update({part.start: "arm" for part in parts})
        return roles
    for shape in ("n_equals", "noun"):
        group = [c for c in kept if c.shape == shape
                 and not (shape == "n_equals" and search_before(
                     WHOLE_GROUP_BEFORE_N, text, c.sentence_start, c.match_start))
                 and (shape == "n_equals"
                      or search_before(_PAREN_BEFORE, text, c.sentence_start, c.start))]
        if len(group) < 2 or _splits_by_sex(group):
            continue
        values = [c.value for c in group]
        if max(values) <= 3 * min(values):
            for c in group:
                roles[c.start] = "arm"
    return roles


def _total_and_parts(kept: list[_Candidate]) -> tuple[_Candidate, list[_Candidate]] | None:
    """The first count equal to the sum of two or more counts right after it, and those
    ("Patients (n = 449) were randomly assigned to ... (n = 225) or ... (n = 224)"), unless
    they split the sample by sex."""
    for i, candidate in enumerate(kept):
        running = 0
        for j in range(i + 1, len(kept)):
            running += kept[j].value
            if running > candidate.value:
                break  # counts are positive: the sum only grows
            if running == candidate.value and j >= i + 2 and not _splits_by_sex(kept[i + 1:j + 1]):
                return candidate, kept[i + 1:j + 1]
    return None


def _splits_by_sex(group: list[_Candidate]) -> bool:
    """ "101 patients (50 women and 51 men)": counts of people of different sexes side by side
    split the sample, they are no arms (arms of one sex name it alike: "(2583 women) or placebo
    (2587 women)")."""
    nouns = {c.noun.lower() for c in group}
    return len(nouns) > 1 and all(_SEX_SPLIT.fullmatch(noun) for noun in nouns)


@dataclass
class _Item:
    """A kept count before it becomes a ``SampleSize`` (scores still move while choosing)."""

    section_index: int
    start: int
    end: int
    value: int
    role: Role
    score: float
    sentence: str
    chosen: bool = False
    part: bool = False  # a part of a count split in brackets: its whole is printed already

    def to_model(self, sections: tuple[AnalysedSection, ...]) -> SampleSize:
        section = sections[self.section_index]
        return SampleSize(text=section.text[self.start:self.end], start=self.start, end=self.end,
                          section=section.label, section_index=self.section_index,
                          value=self.value,
                          role=self.role, chosen=self.chosen, score=round(self.score, 3),
                          sentence=self.sentence)


# Two totals of different values whose scores differ by less than this are a close call, worth
# a Doubt for a reviewer.
CLOSE_CALL = 0.25


def extract_sample_sizes(analysed: AnalysedArticle) -> Extraction[SampleSize]:
    """Participant counts of the article; the chosen study total has ``chosen=True``.

    At most one item is chosen; none when no count of people scores ``THRESHOLD``. Doubts: a
    runner-up total of another value within ``CLOSE_CALL`` of the chosen one, and the sections
    read only in part (``result.unread_doubts``).
    """
    found: list[_Item] = []
    for section in analysed.sections:
        for sentence in section.body:
            found.extend(_sentence_items(section, sentence))
    _raise_totals_equal_to_a_sum(found)
    added, doubts = _choose(found, analysed.sections)
    found.extend(added)
    return Extraction([item.to_model(analysed.sections) for item in found],
                      [*doubts, *unread_doubts(analysed, "sample_size")])


def _sentence_items(section: AnalysedSection, sentence: Sentence) -> list[_Item]:
    """The counts of people of one sentence that score at least ``THRESHOLD``, with roles."""
    text = section.text
    candidates = _find_candidates(text, sentence.start, sentence.end)
    kept = [c for c in candidates if not _is_subset(text, c) and _is_exact_count(text, c)]
    roles = _sentence_roles(text, kept)
    items = []
    for candidate in kept:
        score = _score(text, candidate, sentence.kind, sentence.rank)
        if score >= THRESHOLD:
            items.append(_Item(section.index, candidate.start, candidate.end, candidate.value,
                               roles[candidate.start], score, section.sentence_text(sentence)))
            # "2471 women (tamoxifen 1238, placebo 1233)": the parts are the arms' sizes
            if candidate.parts and not _SEX_SPLIT.search(
                    text[candidate.parts[0][0]:candidate.parts[-1][1] + 12]):
                items.extend(_Item(section.index, start, end, value, "arm", score,
                                   section.sentence_text(sentence), part=True)
                             for start, end, value in candidate.parts
                             if value and start not in roles)
    return _allocated_pairs(section, sentence, items)


def _allocated_pairs(section: AnalysedSection, sentence: Sentence, items: list[_Item]) -> list[_Item]:
    """Arms allocated side by side ("266 patients were randomly assigned to GT and 263 to
    paclitaxel", ``ALLOCATED_PAIR``): the first count is an arm, not the total, and the second,
    printed without its noun, is the other arm, scored like the first."""
    by_start = {item.start: item for item in items}
    for match in ALLOCATED_PAIR.finditer(section.text, sentence.start, sentence.end):
        first = by_start.get(match.start("n"))
        second_value = parse_count(match.group("m"))
        if first is None or not second_value or match.start("m") in by_start:
            continue
        first.role = "arm"
        second = _Item(section.index, match.start("m"), match.end("m"), second_value, "arm",
                       first.score, first.sentence)
        by_start[second.start] = second
        items.append(second)
    return sorted(items, key=lambda item: item.start)


def _arms_by_sentence(found: list[_Item]) -> list[list[_Item]]:
    groups: dict[tuple[int, str], list[_Item]] = {}
    for item in found:
        if item.role == "arm" and not item.part:
            groups.setdefault((item.section_index, item.sentence), []).append(item)
    return list(groups.values())


def _raise_totals_equal_to_a_sum(found: list[_Item]) -> None:
    """A total equal to the sum of a sentence's arms is the study total: raise its score."""
    sums = {sum(arm.value for arm in arms) for arms in _arms_by_sentence(found) if len(arms) >= 2}
    for item in found:
        if item.role == "total" and item.value in sums:
            item.score += 2.0


def _choose(found: list[_Item], sections: tuple[AnalysedSection, ...]
            ) -> tuple[list[_Item], list[Doubt]]:
    """Mark the best total chosen; without one, add a chosen ``sum_of_arms`` item (or none).

    Returns the items to add and the doubts (a close runner-up total).
    """
    totals = sorted((item for item in found if item.role == "total"),
                    key=lambda item: (-item.score, item.section_index, item.start))
    if totals:
        best = totals[0]
        best.chosen = True
        runner_up = next((item for item in totals[1:] if item.value != best.value), None)
        if runner_up is None or best.score - runner_up.score >= CLOSE_CALL:
            return [], []
        section = sections[runner_up.section_index]
        return [], [Doubt(
            field="sample_size", code="sample_size_close_call",
            reason=f"close call: chose {best.value} over {runner_up.value}",
            value=runner_up.value, bound=best.value,
            text=section.text[runner_up.start:runner_up.end], section=section.label,
            section_index=runner_up.section_index, start=runner_up.start, end=runner_up.end,
        )]
    for arms in _arms_by_sentence(found):
        if len(arms) >= 2:
            first, last = arms[0], arms[-1]
            return [_Item(first.section_index, first.start, last.end,
                          sum(arm.value for arm in arms), "sum_of_arms",
                          min(arm.score for arm in arms), first.sentence, chosen=True)], []
    return [], []
