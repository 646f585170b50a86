"""Sample size: the number of participants of the study, and the sizes of its arms.

Candidates are counts of people (or of the animals of a veterinary trial) found by five shapes
(``patterns.counts``): ``COUNT_THEN_NOUN`` ("Thirteen patients", "157 breast cancer patients",
"20 healthy, male subjects", "159 patients/caregivers"), ``N_EQUALS`` ("(N = 120)"),
``COUNT_THEN_VERB`` ("1031 were randomly assigned", "322 BCS were randomized", "19 enrolled of
whom"), ``COUNT_THEN_PARTS`` ("2144 (1063 ..., 1081 ...)", a count its bracket splits into parts)
and ``JOINED_COUNTS`` ("Thirty pregnant and 10 nonpregnant women": two groups sharing a noun).
A count is refused when it is a dose, a duration, an age, a percentage, a date, a rate ("per 1000
patient-years", "one in seven"), a bound ("at least one patient"), a singular noun ("two patient
leaflets", but "6500 adult CHC patients" counts patients), a possessive ("One boy's data"), a
count of units that are no people ("focus groups (n = 18)", "Two randomised, ... crossover
studies") or a part of a group ("12 of 13", "18 patients (44%)", "(131 male; ...)", "ten healthy
volunteers (8 men)").

Each kept count is scored by its context: the shape (2.0, n = 1.75), "a total of" (+2), a bracket
that splits it (+1.5), enrolment verbs nearby (strong "randomized/enrolled" +1.5, weak
"included/treated" +0.75), screening or drop-out words after it (-1), outcome words after it
(-1, "12 patients responded"), an event said to occur in it (-2, "pancreatitis occurred in four
individuals"), a subset named before it (-1.5, "subset (n = 16)"), the section it sits in
(Methods +0.75, Results/unlabelled +0.25, Background -2, Conclusions -1.5; headings printed
inside the text count too), and its place (-0.03 per earlier sentence). The words after a count
are its own up to the next count of people when a verb stands between them ("Sixty-six patients
were screened and 19 enrolled": "enrolled" is the 19's). Counts below ``THRESHOLD`` are dropped;
when none reaches it, the best total above ``FALLBACK`` that says no outcome of itself is chosen
with a ``sample_size_weak`` doubt ("21 subjects successfully completed the study").

Roles: a count is an ``arm`` when its sentence gives two or more group sizes side by side
("assigned to X (n = 40) or Y (n = 41)", "letrozole (2583 women) or placebo (2587 women)",
"1161 patients received tranexamic acid and 1164 received placebo", "Thirty pregnant and 10
nonpregnant women"), when later counts of its sentence add up to it (it is then the ``total``
and they are arms), when it is followed by the one group it belongs to ("59 patients in the
gefitinib group"), or when it is the size of every group ("(n = 25 for each)", "59 participants
to each group"); otherwise a ``total``. A total equal to the sum of some sentence's arms, or two
to six times the size of every group, gains 2. The best-scoring total is ``chosen`` (ties: the
earliest); the size of every group times the number of groups the abstract states (two when it
states none) competes as a ``sum_of_arms`` ("intervention or control groups (N = 381 for each
group)": 762). When no total reaches the threshold but a sentence lists two or more arms, a
``sum_of_arms`` entry is added and chosen; its evidence spans the listed arms, from the first
arm's number to the last one's ("515) or standard axillary surgery (n = 516"), since the sum
itself is printed nowhere. A runner-up total of another value scoring within ``CLOSE_CALL`` of
the chosen one is reported as a ``Doubt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from extractor.extract.patterns.common import CONTEXT_WINDOW, match_after, search_before, sentence_has, words_regex
from extractor.extract.patterns.counts import (
    ALLOCATED_PAIR,
    ARM_CONTEXT_AFTER,
    ARM_CONTEXT_BEFORE,
    COUNT_THEN_NOUN,
    COUNT_THEN_PARTS,
    COUNT_THEN_VERB,
    GIVEN_PAIR,
    GIVEN_VERBS,
    JOINED_COUNTS,
    MODIFIER,
    N_EQUALS,
    NOT_GROUP_AFTER,
    NOT_PEOPLE_AFTER,
    NOT_PEOPLE_BEFORE,
    PART,
    PARTICIPANT_NOUN,
    SUBSET_AFTER,
    WHOLE_GROUP_BEFORE_N,
    X_OF_Y,
    X_SLASH_Y,
)
from extractor.extract.patterns.numbers import NUMBER, parse_count
from extractor.extract.result import Extraction, unread_doubts
from extractor.models import Doubt, SampleSize
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection, SectionKind, Sentence

THRESHOLD = 1.5
# A count below THRESHOLD but at least this is chosen when no count reaches THRESHOLD (a
# ``sample_size_weak`` doubt says so).
FALLBACK = 0.5
_STRONG = words_regex("enrolment_verbs_strong")
_WEAK = words_regex("enrolment_verbs_weak")
_SCREENING = words_regex("screening_words")
_OUTCOME = words_regex("outcome_words")
_WEAK_NOUN = words_regex("weak_participant_nouns")

# "A total of 141 patients", "Overall, 1506 women", "all 30 subjects", "In total, 120".
# "From a total sample of 247 patients", "Participants were 36 ... patients", "with the achieved
# sample size of 20 patients".
_TOTAL_BEFORE = re.compile(
    r"""\b(?:a\s+total\s+of|total\s+of|in\s+total,?|overall,?|all|
           total\s+(?:sample|population|cohort|number)\s+of|sample\s+size\s+of|
           (?:participants|subjects|patients|sample|population)\s+(?:were|was|comprised|included))
        \s*$""",
    re.I | re.X,
)
# "only 69 randomized at least one patient", "more than 100 women": not an exact count.
_APPROX_BEFORE = re.compile(
    r"\b(?:at\s+least|at\s+most|more\s+than|less\s+than|fewer\s+than|up\s+to|over|under)\s*$", re.I
)
# A part of the sample named as such: "In the severe osteoarthritis subset (n = 16)" (a
# sub-study is not: "In the SOLE QoL sub-study, 956 patients completed" reports its own sample).
_SUBGROUP_BEFORE = re.compile(
    r"\b(?:subsets?|sub-?groups?|sub-?samples?)\b[^()\d]{0,30}"
    r"[(\[,]?\s*(?:n\s*=\s*)?$", re.I)
# "The response to treatment in 12 patients ...": a count inside an outcome phrase.
_OUTCOME_BEFORE = re.compile(r"\b(?:in|among)\s*$", re.I)
# An event said to happen in the count: "Severe pancreatitis (two fatal) occurred in four
# individuals allocated to receive sitagliptin", "was observed in 12 patients": the people who
# had the outcome, not the sample, whatever enrolment word follows.
_EVENT_IN_BEFORE = re.compile(
    r"\b(?:occurred|observed|seen|found|noted|reported|detected|developed|diagnosed|recorded|"
    r"documented|experienced)\s+(?:only\s+)?(?:in|among)\s*$", re.I)
# "letrozole (2583 women) or placebo (TamRT; 317 women)": counts of people listed in brackets.
_PAREN_BEFORE = re.compile(r"[(\[]\s*(?:[^()\[\]]{0,30}[;,:]\s*)?$")


# One group's size, the same in every group: "(n = 25 for each)", "(N = 381 for each group)",
# "(n = 65 each)", "59 participants to each group", "with 60 patients in each group", "32 women
# per arm", "(28 each group)".
_EACH_AFTER = re.compile(
    rf"""^(?:(?:\s+{MODIFIER}){{0,3}}?\s+{PARTICIPANT_NOUN})?\s*
        (?:(?:for|in|to|into)\s+)?(?:each|per)\s+(?:treatment\s+|study\s+)?(?:group|arm)s?\b
      | ^\s*(?:for\s+)?each\s*(?=[)\],;.]|$)""",
    re.I | re.X)
# "In each group, there were 44 patients", "each group contained 36 subjects", "divided into 3
# groups of 10".
_EACH_BEFORE = re.compile(
    r"""(?:\b(?:in|for)\s+each\s+(?:group|arm)\s*,?\s*(?:there\s+(?:were|was)\s+)?
         |\beach\s+(?:group|arm)\s+(?:contained|included|comprised|consisted\s+of|had|of)\s+
         |\bgroups\s+of\s+)$""",
    re.I | re.X)
# What a per-group count is not: an outcome or a plan ("Two patients in each group died", "130
# patients per arm were needed", "Four patients in each arm were ineligible").
_PLANNED = re.compile(r"\b(?:needed|required|planned|would\s+be|ineligible)\b", re.I)
# How many groups the trial has: "randomly divided into three groups", "two parallel arms",
# "a three-arm trial", "1 of 3 groups".
_GROUP_COUNT = re.compile(
    r"""\b(?P<k>two|three|four|five|six|[2-6])(?:\s+[\w-]+){0,2}?\s+(?:groups|arms)\b
      | \b(?P<k2>two|three|four|five|six|[2-6])-arm(?:ed)?\b""",
    re.I | re.X)
_SMALL_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


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
    match_end: int  # where it ends: after the noun of "Thirteen patients"
    # (start, end, value) of each part its bracket splits it into: "351 women (176 ..., 175 ...)"
    parts: tuple[tuple[int, int, int], ...] = ()
    joined: bool = False  # one of two counts sharing a noun: "Thirty pregnant and 10 nonpregnant women"

    @property
    def split(self) -> bool:
        return bool(self.parts)


# Units that are no people, counted with an "n =" or a list of adjectives: "Mixed-sex focus
# groups (n = 18) were conducted", "all practices (n = 24)", "Two randomised, double blind,
# placebo-controlled, crossover studies were performed".
_UNITS = (r"(?:focus\s+groups|studies|trials|schools|practices|clinics|sites|cent(?:er|re)s|"
          r"hospitals|communities|villages|clusters|pharmacies|churches|wards|teams|households)")
_UNIT_BEFORE_N = re.compile(rf"\b{_UNITS}\s*[(\[,]\s*$", re.I)
_UNIT_AFTER = re.compile(rf"\s*(?:randomi[sz]ed|[\w-]+)?\s*,(?:\s*[\w-]+,?){{1,6}}?\s+{_UNITS}\b",
                         re.I)


def _is_people_count(text: str, start: int, end: int, sentence_start: int) -> bool:
    """Refuse doses, durations, ages, dates, P values, parts of ranges and counts of units that
    are no people."""
    before = text[max(sentence_start, start - 30):start]
    after = text[end:end + 15]
    if NOT_PEOPLE_BEFORE.search(before) or NOT_PEOPLE_AFTER.match(after):
        return False
    if _UNIT_AFTER.match(text, end, end + 120):
        return False
    # "18-70 patients", "40 to 60 women"
    return not re.match(r"\s*(?:-|–|to)\s*\d", after)


_NUMBERS_JOINED = re.compile(r"\d\s+(?:and|or)\s+\d")


def _joined_second(text: str, match: re.Match[str], sentence_start: int, sentence_end: int
                   ) -> _Candidate | None:
    """The second count of "19 and 24 students" with the noun they share, unless a unit follows
    it ("between 18 and 65 years")."""
    start, end = sentence_start + match.start("m"), sentence_start + match.end("m")
    value = parse_count(match.group("m"))
    if not value or match_after(NOT_PEOPLE_AFTER, text, end, sentence_end):
        return None
    return _Candidate(value, start, end, sentence_start, sentence_end, "noun", match.group("noun"),
                      start, sentence_start + match.end())


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
            if shape == "n_equals" and search_before(_UNIT_BEFORE_N, text, sentence_start,
                                                     sentence_start + match.start()):
                continue
            noun = match.groupdict().get("noun") or ""
            found[start] = _Candidate(value, start, end, sentence_start, sentence_end, shape, noun,
                                      sentence_start + match.start(),
                                      sentence_start + match.end())
    # JOINED_COUNTS starts with a number: tried only before a count with its noun, or where two
    # numbers are joined by "and" ("There were 19 and 24 students": a range's look, "18 and 65",
    # refuses "24" as a count on its own)
    joined = (JOINED_COUNTS.finditer(sentence)
              if any(c.shape == "noun" for c in found.values()) or _NUMBERS_JOINED.search(sentence)
              else iter(()))
    for match in joined:
        start, end = sentence_start + match.start("n"), sentence_start + match.end("n")
        second = found.get(sentence_start + match.start("m")) or _joined_second(
            text, match, sentence_start, sentence_end)
        value = parse_count(match.group("n"))
        # "60 male and 40 female patients" split the sample by sex, not into groups; "8
        # afatinib-, 6 lapatinib-, and 4 trastuzumab-treated patients" had an outcome
        if (start in found or second is None or not value
                or _SEX_SPLIT.search(sentence, match.end("n"), match.start("m"))
                or sentence_has(_OUTCOME, sentence)
                or not _is_people_count(text, start, end, sentence_start)):
            continue
        found[start] = _Candidate(value, start, end, sentence_start, sentence_end, "noun",
                                  second.noun, sentence_start + match.start(), second.match_end,
                                  joined=True)
        found[second.start] = replace(second, joined=True)
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
                                      "", sentence_start + match.start(),
                                      sentence_start + match.end(), parts=parts)
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


# "One boy's data were not analyzed": a possessive names an owner, not a count of people.
_POSSESSIVE = re.compile(r"['’]s\b")
# "~6500 adult CHC patients": a singular word that is an adjective of the plural noun after it.
_PLURAL_NOUN_AHEAD = re.compile(rf"(?:\s+[\w-]+){{0,2}}?\s+{PARTICIPANT_NOUN}", re.I)


def _without_breakdowns(text: str, kept: list[_Candidate]) -> list[_Candidate]:
    """Leave out counts of one sex in a bracket after a larger count of people: "ten healthy
    volunteers (8 men)", "Twelve children with autism ... (2 girls and 10 boys ...)": they
    describe the sample. Arms of one sex are named alike and follow no such count ("letrozole
    (2583 women) or placebo (2587 women)")."""
    out: list[_Candidate] = []
    for candidate in kept:
        whole = out[-1] if out else None
        if whole is not None and _SEX_SPLIT.fullmatch(candidate.noun) and whole.value > candidate.value:
            between = text[whole.end:candidate.start]
            if between.rfind("(") > between.rfind(")") and not _SEX_SPLIT.fullmatch(whole.noun):
                continue
        out.append(candidate)
    return out


def _is_exact_count(text: str, candidate: _Candidate) -> bool:
    """Refuse "at least one patient", "more than 10 patients", "two patient leaflets" and "One
    boy's data"."""
    if search_before(_APPROX_BEFORE, text, candidate.sentence_start, candidate.match_start):
        return False
    if candidate.shape == "noun" and _POSSESSIVE.match(text, candidate.match_end):
        return False
    last_noun = candidate.noun.split()[-1] if candidate.noun else ""
    if candidate.value == 1 or not _SINGULAR_NOUNS.fullmatch(last_noun):
        return True
    ahead = _PLURAL_NOUN_AHEAD.match(text, candidate.match_end, candidate.sentence_end)
    return ahead is not None and not _SINGULAR_NOUNS.search(ahead.group())


# A verb between two counts: "Sixty-six patients were screened and 19 enrolled" (each count has
# its own verb); without one the counts are joined ("Thirty pregnant and 10 nonpregnant women
# were included", "(n = 225) or B (n = 224)") and share the words after them.
_VERB_BETWEEN = re.compile(r"\b(?:were|was|is|are|had|have|has|been|[a-z]+ed)\b", re.I)


def _ceilings(text: str, candidates: list[_Candidate]) -> dict[int, int]:
    """Where the words after each count stop being its own, keyed by its start: at the next
    count of people of its sentence when a verb stands between them ("Sixty-six patients were
    screened and 19 enrolled", "Of 696 referred people who were born in 1924, 328 were
    randomized": the enrolment verb is the second count's), else at the sentence's end."""
    out = {}
    for i, candidate in enumerate(candidates):
        following = candidates[i + 1] if i + 1 < len(candidates) else None
        ceiling = candidate.sentence_end
        if following is not None and _VERB_BETWEEN.search(
                text, candidate.end, following.match_start):
            ceiling = following.match_start
        out[candidate.start] = ceiling
    return out


def _score(text: str, candidate: _Candidate, kind: SectionKind, sentence_rank: int,
           ceiling: int) -> float:
    """The count's score from the words around it, the words after it read up to ``ceiling``
    (``_ceilings``)."""
    sentence = text[candidate.sentence_start:candidate.sentence_end]
    # the words around the count, read within CONTEXT_WINDOW (the sentence is read once per
    # pattern, ``sentence_has``)
    before = text[max(candidate.sentence_start, candidate.start - CONTEXT_WINDOW):candidate.start]
    after = text[candidate.end:min(ceiling, candidate.end + CONTEXT_WINDOW)]
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
    # "In the severe osteoarthritis subset (n = 16)", "In the SOLE QoL sub-study, 956 patients"
    if search_before(_SUBGROUP_BEFORE, text, candidate.sentence_start, candidate.match_start):
        score -= 1.5
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
    if _EVENT_IN_BEFORE.search(before):
        score -= 2.0
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
        c.start: "arm" if c.joined or match_after(ARM_CONTEXT_AFTER, text, c.end, c.sentence_end)
        or search_before(ARM_CONTEXT_BEFORE, text, c.sentence_start, c.match_start)
        else "total"
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
    # "The IG contained 226 children and CG 181 children": two counts of one noun, of similar
    # size, joined by "and" with no verb of their own between them, are two groups
    for first, second in pairwise(kept):
        if (first.shape == second.shape == "noun" and first.noun.lower() == second.noun.lower()
                and max(first.value, second.value) <= 3 * min(first.value, second.value)
                and _AND_BETWEEN.fullmatch(text, first.match_end, second.start)
                and not _splits_by_sex([first, second])):
            roles[first.start] = roles[second.start] = "arm"
    return roles


# What joins two groups' counts: "226 children and CG 181", "120 women, and 118" (no verb).
_AND_BETWEEN = re.compile(r"(?:(?!\b(?:were|was|had|have|[a-z]+ed)\b)[^.;()\d])*?\band\s+"
                          r"(?:(?!\b(?:were|was|[a-z]+ed)\b)[^.;()\d]){0,30}?", re.I)


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
    each: bool = False  # the size of every group ("(n = 25 for each)"), an arm
    another: bool = False  # a group beside an earlier count: "A further 20 patients"
    rank: int = 0  # the place of its sentence in the article (``Sentence.rank``)

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
    weak: list[_Item] = []
    for section in analysed.sections:
        for sentence in section.body:
            items, below = _sentence_items(section, sentence)
            found.extend(items)
            weak.extend(below)
    _raise_totals_equal_to_a_sum(found)
    found.extend(_another_totals(found))
    added, doubts = _choose(found, analysed.sections)
    found.extend(added)
    if not any(item.chosen for item in found):
        weak.extend([*_arms_across_sentences(found), *_denominator_sums(analysed)])
        if weak:
            fallback, doubt = _choose_weak(weak, analysed.sections)
            found.append(fallback)
            doubts.append(doubt)
    return Extraction([item.to_model(analysed.sections) for item in found],
                      [*doubts, *unread_doubts(analysed, "sample_size")])


def _arms_across_sentences(found: list[_Item]) -> list[_Item]:
    """Two arms printed one per sentence, in two sentences in a row, with no total: "Seventy-five
    HIV-1 infected patients ... comprised the TDF+PI/r group. Seventy-five HIV-1 infected
    patients matched for gender, age, and renal function made up the control." Their sum, a
    weak answer (``_choose_weak``)."""
    arms = [arms[0] for arms in _arms_by_sentence(found) if len(arms) == 1 and not arms[0].each]
    for first, second in pairwise(arms):
        if second.rank == first.rank + 1:
            return [_Item(first.section_index, first.start, first.end, first.value + second.value,
                          "sum_of_arms", min(first.score, second.score), first.sentence)]
    return []


# Two groups compared by their counts: "Retention rates were 85% (176 of 208) for control and
# 84% (163 of 195) for intervention churches", "56.6% (306/541) and 38.6% (198/513) in the
# ibandronate/PSP and alendronate groups, respectively".
_GROUPS_COMPARED = re.compile(r"\b(?:groups?|arms?|respectively|versus|vs\.?|compared|control|"
                              r"intervention|placebo)\b", re.I)


def _denominator_sums(analysed: AnalysedArticle) -> list[_Item]:
    """When the abstract prints no count of its participants but compares two groups by "x of
    y" counts, the two denominators are the groups' sizes and their sum the sample (of the
    first sentence that does so; a weak answer, ``_choose_weak``)."""
    for section in analysed.sections:
        text = section.text
        for sentence in section.body:
            if sentence.kind in ("background", "conclusion") or not _GROUPS_COMPARED.search(
                    text, sentence.start, sentence.end):
                continue
            # "9/12 (75%) significant contrasts" counts no people
            groups = sorted((m for pattern in (X_OF_Y, X_SLASH_Y)
                             for m in pattern.finditer(text, sentence.start, sentence.end)
                             if not match_after(NOT_GROUP_AFTER, text, m.end(), sentence.end)),
                            key=lambda m: m.start())
            sizes = [(m, parse_count(m.group("n")), parse_count(m.group("total"))) for m in groups]
            pair = [(m, total) for m, part, total in sizes
                    if part is not None and total is not None and total >= 10 and part <= total]
            # "Overall, 14/40 dogs (35%) died, ... fenoldopam (6/20 dogs; 30%) and placebo (8/20;
            # 40%)": the first group is the whole of the next two
            if len(pair) >= 3 and pair[0][1] == pair[1][1] + pair[2][1]:
                whole = pair[0][0]
                return [_Item(section.index, whole.start("total"), whole.end("total"),
                              pair[0][1], "total", FALLBACK, section.sentence_text(sentence))]
            if len(pair) < 2 or max(pair[0][1], pair[1][1]) > 2 * min(pair[0][1], pair[1][1]):
                continue
            (first, low), (second, high) = pair[0], pair[1]
            return [_Item(section.index, first.start("total"), second.end("total"), low + high,
                          "sum_of_arms", FALLBACK, section.sentence_text(sentence))]
    return []


def _choose_weak(weak: list[_Item], sections: tuple[AnalysedSection, ...]
                 ) -> tuple[_Item, Doubt]:
    """The best count of people below ``THRESHOLD``, chosen when no count reaches it: the
    guidelines take the number analysed when no other is stated ("21 subjects successfully
    completed the study", "Among 383 participants, 171 (44.6%) youth reported ...", "One year
    data (n = 418) showed ..."), else the groups' sizes of "x of y" counts added up
    (``_denominator_sums``). A doubt says the choice is weak."""
    best = min(weak, key=lambda item: (-item.score, item.section_index, item.start))
    best.chosen = True
    section = sections[best.section_index]
    return best, Doubt(
        field="sample_size", code="sample_size_weak",
        reason=f"chose {best.value} below the usual score: no count of participants scores higher",
        value=best.value, bound=THRESHOLD, text=section.text[best.start:best.end],
        section=section.label, section_index=best.section_index, start=best.start, end=best.end)


def _sentence_items(section: AnalysedSection, sentence: Sentence
                    ) -> tuple[list[_Item], list[_Item]]:
    """The counts of people of one sentence that score at least ``THRESHOLD``, with roles, and
    the totals that score less but at least ``FALLBACK`` (``_choose_weak``)."""
    text = section.text
    candidates = _find_candidates(text, sentence.start, sentence.end)
    kept = _without_breakdowns(text, [c for c in candidates
                                      if not _is_subset(text, c) and _is_exact_count(text, c)])
    roles = _sentence_roles(text, kept)
    ceilings = _ceilings(text, candidates)
    items = []
    weak = []
    for candidate in kept:
        score = _score(text, candidate, sentence.kind, sentence.rank, ceilings[candidate.start])
        # a fallback is no outcome count ("Only one patient (FEC(90)) experienced serious
        # adverse events", "Three cases of breast cancer ... were diagnosed")
        if (FALLBACK <= score < THRESHOLD and roles[candidate.start] == "total"
                and candidate.value > 1 and not _has_outcome(text, candidate, ceilings)):
            weak.append(_Item(section.index, candidate.start, candidate.end, candidate.value,
                              "total", score, section.sentence_text(sentence)))
        if score >= THRESHOLD:
            each = _is_each(text, candidate)
            items.append(_Item(section.index, candidate.start, candidate.end, candidate.value,
                               "arm" if each else roles[candidate.start], score,
                               section.sentence_text(sentence), each=each,
                               another=_is_another(text, candidate, ceilings), rank=sentence.rank))
            # "2471 women (tamoxifen 1238, placebo 1233)": the parts are the arms' sizes
            if candidate.parts and not _SEX_SPLIT.search(
                    text[candidate.parts[0][0]:candidate.parts[-1][1] + 12]):
                items.extend(_Item(section.index, start, end, value, "arm", score,
                                   section.sentence_text(sentence), part=True)
                             for start, end, value in candidate.parts
                             if value and start not in roles)
    return _allocated_pairs(section, sentence, items), weak


# Where the words that belong to a count end: "Among 383 participants, 171 (44.6%) youth
# reported ..." (the outcome is the next count's), "One year data (n = 418) showed that ..."
# (the data's).
_CLAUSE_END = re.compile(r"[,;:)]")
# "39 of 45 patients responded": the outcome is the part's, the group is the whole.
_PART_OF_BEFORE = re.compile(
    rf"(?:{NUMBER})\s*(?:[(\[]\s*\d+(?:\.\d+)?\s*%\s*[)\]]\s*)?(?:of|out\s+of)\s+(?:the\s+)?$",
    re.I | re.X)


def _has_outcome(text: str, candidate: _Candidate, ceilings: dict[int, int]) -> bool:
    """The count's own clause says what happened to it: "278 women who died of breast cancer",
    "inclusion of 1050 evaluable patients is required"."""
    if search_before(_PART_OF_BEFORE, text, candidate.sentence_start, candidate.start):
        return False
    end = min(ceilings[candidate.start], candidate.end + 60)
    clause_end = _CLAUSE_END.search(text, candidate.end, end)
    return bool(_OUTCOME.search(text, candidate.end, clause_end.start() if clause_end else end))


# A count of another group than the one counted before: "A further 20 patients underwent the
# same cosmetic procedure ... and served as control group", "another 20 patients were randomly
# assigned to receive sulodexide", "143 other women received scARV".
_ANOTHER_BEFORE = re.compile(r"\b(?:a\s+further|an\s+additional|another)\s*$", re.I)
_OTHER_AFTER = re.compile(r"\s+other\b", re.I)


def _is_another(text: str, candidate: _Candidate, ceilings: dict[int, int]) -> bool:
    """The count adds a group to an earlier count, and its own words say nothing left the study
    ("a further 14 patients were lost to follow-up" is a drop-out)."""
    if candidate.shape != "noun" or not (
            search_before(_ANOTHER_BEFORE, text, candidate.sentence_start, candidate.start)
            or _OTHER_AFTER.match(text, candidate.end, candidate.match_end)):
        return False
    # "21 women ... were lost to follow-up; a further ten women assigned to the intervention and
    # 11 controls did not answer all questions": drop-outs, the sentence says so
    sentence = text[candidate.sentence_start:candidate.sentence_end]
    after = text[candidate.match_end:min(ceilings[candidate.start], candidate.match_end + 60)]
    return not (sentence_has(_SCREENING, sentence) or _OUTCOME.search(after))


def _is_each(text: str, candidate: _Candidate) -> bool:
    """The count is the size of each group ("(n = 25 for each)", "59 participants to each
    group", "In each group, there were 44 patients"), not of an outcome or a plan ("Two patients
    in each group died", "130 patients per arm were needed")."""
    end = candidate.sentence_end
    each_after = match_after(_EACH_AFTER, text, candidate.end, end)
    if each_after is None and not search_before(_EACH_BEFORE, text, candidate.sentence_start,
                                                candidate.match_start):
        return False
    rest = text[each_after.end() + candidate.end if each_after else candidate.end:
                min(end, candidate.end + CONTEXT_WINDOW)]
    return not (_OUTCOME.search(rest[:60]) or _PLANNED.search(rest[:60]))


def _allocated_pairs(section: AnalysedSection, sentence: Sentence, items: list[_Item]) -> list[_Item]:
    """Arms allocated side by side ("266 patients were randomly assigned to GT and 263 to
    paclitaxel", ``ALLOCATED_PAIR``; "1161 patients received tranexamic acid and 1164 received
    placebo", ``GIVEN_PAIR``): the first count is an arm, not the total, and the second, printed
    with or without its noun, is the other arm, scored like the first."""
    if not items:
        return items
    by_start = {item.start: item for item in items}
    words = section.text[sentence.start:sentence.end]
    # GIVEN_PAIR starts with a number: tried only where its verb is printed twice
    given = (GIVEN_PAIR.finditer(section.text, sentence.start, sentence.end)
             if sum(words.count(verb) for verb in GIVEN_VERBS) >= 2 else iter(()))
    for match in (*ALLOCATED_PAIR.finditer(section.text, sentence.start, sentence.end), *given):
        first = by_start.get(match.start("n"))
        second_value = parse_count(match.group("m"))
        if first is None or not second_value:
            continue
        first.role = "arm"
        printed = by_start.get(match.start("m"))
        if printed is not None:  # "..., and 51 patients were treated with": found already
            printed.role = "arm"
            continue
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
    """A total equal to the sum of a sentence's arms is the study total: raise its score. So is
    a total that is two to six times the size of every group ("75 infants ... (n = 25 for
    each)")."""
    sums = {sum(arm.value for arm in arms) for arms in _arms_by_sentence(found) if len(arms) >= 2}
    each = {item.value for item in found if item.each}
    for item in found:
        if item.role == "total" and (item.value in sums or any(
                item.value % n == 0 and 2 <= item.value // n <= 6 for n in each)):
            item.score += 2.0


def _another_totals(found: list[_Item]) -> list[_Item]:
    """A count of another group ("A further 20 patients underwent the same procedure") and the
    count before it ("... to the skin of 20 healthy patients") are two arms: their sum is a
    ``sum_of_arms``, scored as the better of the two."""
    added = []
    for position, item in enumerate(found):
        earlier = next((previous for previous in reversed(found[:position])
                        if previous.role == "total" and not previous.another), None)
        if not item.another or earlier is None:
            continue
        earlier.role = item.role = "arm"
        added.append(_Item(earlier.section_index, earlier.start, earlier.end,
                           earlier.value + item.value, "sum_of_arms",
                           max(earlier.score, item.score), earlier.sentence))
    return added


def _each_totals(found: list[_Item], sections: tuple[AnalysedSection, ...]) -> list[_Item]:
    """A ``sum_of_arms`` for the first size printed for every group ("randomly allocated to
    intervention or control groups (N = 381 for each group)": 762), scored as that size: the
    number of groups as the abstract states it ("divided into three groups"), else two; none
    when a total of the article is already a multiple of it (``_raise_totals_equal_to_a_sum``)."""
    each = next((item for item in found if item.each), None)
    if each is None or any(item.role == "total" and item.value % each.value == 0
                           and 2 <= item.value // each.value <= 6 for item in found):
        return []
    return [_Item(each.section_index, each.start, each.end, each.value * _group_count(sections),
                  "sum_of_arms", each.score, each.sentence)]


def _group_count(sections: tuple[AnalysedSection, ...]) -> int:
    """How many groups the abstract says the trial has ("two parallel groups", "a three-arm
    trial"); two when it does not say."""
    for section in sections:
        found = _GROUP_COUNT.search(section.text)
        if found:
            word = (found.group("k") or found.group("k2")).lower()
            return _SMALL_NUMBERS.get(word) or int(word)
    return 2


def _choose(found: list[_Item], sections: tuple[AnalysedSection, ...]
            ) -> tuple[list[_Item], list[Doubt]]:
    """Mark the best total chosen (a ``sum_of_arms`` of the size of every group, or of a group
    and "a further" one, competes as a total); without one, add a chosen ``sum_of_arms`` of a
    sentence's arms (or none).

    Returns the items to add and the doubts (a close runner-up total).
    """
    added = _each_totals(found, sections)
    totals = sorted((item for item in [*found, *added] if item.role in ("total", "sum_of_arms")),
                    key=lambda item: (-item.score, item.section_index, item.start))
    if totals:
        best = totals[0]
        best.chosen = True
        runner_up = next((item for item in totals[1:] if item.value != best.value), None)
        if runner_up is None or best.score - runner_up.score >= CLOSE_CALL:
            return added, []
        section = sections[runner_up.section_index]
        return added, [Doubt(
            field="sample_size", code="sample_size_close_call",
            reason=f"close call: chose {best.value} over {runner_up.value}",
            value=runner_up.value, bound=best.value,
            text=section.text[runner_up.start:runner_up.end], section=section.label,
            section_index=runner_up.section_index, start=runner_up.start, end=runner_up.end,
        )]
    for arms in _arms_by_sentence(found):
        if len(arms) >= 2 and not any(arm.each for arm in arms):
            first, last = arms[0], arms[-1]
            return [_Item(first.section_index, first.start, last.end,
                          sum(arm.value for arm in arms), "sum_of_arms",
                          min(arm.score for arm in arms), first.sentence, chosen=True)], []
    return [], []
