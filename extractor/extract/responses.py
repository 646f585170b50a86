"""Response counts: how many people of a group had an outcome ("12 of 13 patients").

The extractor is a table of shape finders (``SHAPES``), tried in this order on each sentence (a
later shape never reuses a number an earlier one took), and a chain of filters (``FILTERS``) that
refuse what a shape found but is no outcome count:

1. ``X_OF_Y``          "12 of 13 patients", "12 (92%) of 13", "none of the 18 patients",
                       "121 out of 166 physicians"
2. ``X_SLASH_Y``       "12/13", "(57/156; 36%)"
3. ``GROUP_OF_WHOM``, ``OF_GROUP_THEN_COUNT``: the group printed first, "19 enrolled of whom 14
   received ...", "Of the 129 AN1792-treated patients, 25 were classified as responders" (and
   the counts listed after it: "..., 9 achieved PR and 11 had stable disease")
4. ``PCT_N_EQUALS``    "1.5% (n = 46)", "(n=57, 1.8%)";  ``PCT_THEN_COUNT`` "8.6% (14)"
5. ``X_PCT``           "17 (9.1%)", "six (15.8 %) patients", "9 patients (20.9%)", "3 PR (13%)"
6. counts printed without their group, in an outcome sentence only: pairs ("21 vs. 8",
   "(three v 12 events", "in 22 and 30 patients, respectively", "Three and eight ... events were
   observed", "28 VTEs on placebo and 44 on tamoxifen", "(tamoxifen 34, placebo 36",
   "(two anastrozole vs three placebo)"), a count split by arm ("136 women (74 placebo, 62
   tamoxifen) developed ..."), a count placed in a group ("27 patients in the ALND arm", "no
   axillary recurrence was observed in the SLNB arm"), "two patients developed ...", "93
   deaths", "(n = 9 vs. n = 2)". Counts set side by side in two groups make a sentence an
   outcome sentence ("Six patients in group I and three in group II had SSI"). The study's
   largest participant count bounds them: a larger share of it is a group ("Safety data were
   available from 369 patients"), and without one none is read.

``total`` (the group size) is the printed one for 1 to 3. For 4 and 5 it is read back from the
percent (17 at 9.1% -> 187), then replaced by the group size the abstract prints that gives
that percent (``_with_stated_sizes``): the arm the count names, the one arm that agrees, two
arms in the order printed for two counts compared ("379 [33%] vs 417 [36%]"), or the one
participant count that agrees. For 6, and for 4 and 5 when their group size is printed nowhere,
no group size is stated: a reviewer cannot pool such a count, so it is no ``ResponseCount`` but
a ``count_without_group`` doubt (``value`` the responders, ``bound`` the size a percent implies),
unless the sentence names an arm whose size is printed ("9 patients in the exercise group" and
"exercise group (n = 40)": ``arms.with_arm_sizes``).

Refused by the shapes or the filters, because they look like counts and are not: dates
("12/13/2005", "1/2011"), grades, phases and scores ("grade 3/4", "phase 2/3", "GCS 3/15", "≥ 3 of
10 for worst pain"), doses and pressures ("5/10 mg", "120/80 mmHg"), "1 of 3 arms", "2 of 4
weeks", units that are no participants ("17 of 19 samples", "nine of the 23 ILI outbreaks",
"110/202 comparisons"), rates ("per 1000 women-years", "1 in 10 women"), bounds ("at least
one"), counts that describe who the sample is ("405 (8.4%) were black"; beside a count without a
printed group also how it went through the trial, "79 (96%) patients received ...", while "77
out of 91 enrolled patients completed" is a count a reviewer pools) and the participant counts
found by ``extract_sample_sizes``. Background sentences are skipped. A count larger than its
group becomes a ``Doubt``, never a ``ResponseCount``. Totals are left out when the sentence
splits them by arm ("21 local relapses, with 2 ... vs. 19 ..."), as are counts whose percents
split one group into parts that make up all of it ("360 (55.2%) treated with A and 292 (44.8%)
treated with B"), and counts without a group in the conclusions that repeat a count printed with
its group.

The evidence span starts at the responders number and runs to the group size or the percent
("12 of 13", "17 (9.1%)"; the number alone for shapes 3 and 6), so it always covers the number a
reader (or a gold annotation) marks. ``arm`` is filled when the sentence names the group right
after ("... in the tamoxifen group") or right before ("In the placebo group, there were ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from extractor.extract.arms import group_named_beside, same_group, with_arm_sizes
from extractor.extract.patterns.common import (
    CONTEXT_WINDOW,
    match_after,
    search_before,
    words_pattern,
    words_regex,
)
from extractor.extract.patterns.counts import (
    AND_PAIR,
    ARM_AFTER_VS_PAIR,
    BARE_COUNT,
    COMPARED_PAIR,
    COUNT_SPLIT_BY_ARM,
    COUNT_THEN_OUTCOME_VERB,
    COUNT_THEN_RESPONSE_CATEGORY,
    EVENT_NOUN,
    GROUP_COUNT,
    GROUP_OF_WHOM,
    N_EQUALS,
    NAMED_PAIR,
    NOT_COUNT_AFTER,
    NOT_COUNT_BEFORE,
    NOT_GROUP_AFTER,
    NOT_PEOPLE_AFTER,
    NOT_PEOPLE_BEFORE,
    OF_GROUP_THEN_COUNT,
    OF_WHOM_WORDS,
    OUTCOME_SENTENCE,
    PART,
    PARTICIPANT_NOUN,
    PCT_N_EQUALS,
    PCT_THEN_COUNT,
    PEOPLE_BEFORE_N,
    THING_COUNT,
    VS_PAIR,
    X_OF_Y,
    X_PCT,
    X_SLASH_Y,
    ZERO_WORD,
)
from extractor.extract.patterns.numbers import NUMBER, parse_count
from extractor.extract.result import Extraction, unread_doubts
from extractor.models import Arm, Doubt, ResponseCount, SampleSize
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection, SectionKind, Sentence
from extractor.nlp.tokens import Occupied

_ZERO_RE = re.compile(rf"^{ZERO_WORD}$", re.IGNORECASE)
# "(57/156; 36%)", "(7/142, 4.9%)": a percent printed right after the fraction.
_PCT_AFTER = re.compile(r"^\s*[,;]?\s*\(?\s*(?P<pct>\d{1,3}(?:\.\d+)?)\s*%")
_DATE_BEFORE = re.compile(
    r"(?:\b(?:between|from|since|until|till|during)"
    # "Between 09/92 and 12/96": the second date of a range
    r"|\b(?:between|from)\s+\d{1,2}/\d{2,4}\s*(?:and|to|until|-|–))\s*$",
    re.I,
)
# "2.07 per 1000 women-years", "1 in 10 women", "at least 1 adverse event": rates and bounds
# ("grade 2 in 5 cases" is a count).
_RATE_BEFORE = re.compile(
    r"(?:\bper|(?<!grade\s)(?<!stage\s)\b\d+\s+in|\bat\s+least|\bat\s+most|\bmore\s+than|"
    r"\bless\s+than|\bfewer\s+than|"
    r"\bup\s+to|\bover|\bunder)\s*$",
    re.I,
)
_RATE_AFTER = re.compile(r"^[\w ]*?-(?:years?|months?)\b", re.I)
_OF_AFTER = re.compile(r"^\s*of\b", re.I)
_OPEN_BEFORE = re.compile(r"[(\[]\s*$")
_THING_AFTER = re.compile(rf"^\s*(?:[A-Za-z-]+\s+){{0,2}}?(?:{PARTICIPANT_NOUN})", re.IGNORECASE)
# "All the 40 patients had ...", "the remaining 12 patients": the whole group, not an outcome.
_WHOLE_BEFORE = re.compile(r"\b(?:all|both|each|remaining|total|overall)\s+(?:the\s+|of\s+the\s+)?$", re.I)
_OUTCOME_RE = re.compile(OUTCOME_SENTENCE, re.IGNORECASE)
# Who the participants are ("were black", "baseline", "aged"), and how they went through the
# trial ("completed", "received", "were evaluable", "retention"): both describe the sample
# beside a count without its group; beside "x of y" only the first does ("77 out of 91 enrolled
# patients completed the course" is a count a reviewer pools).
_WHO_RE = words_regex("sample_description_words")
_DESCRIPTION_RE = re.compile(
    words_pattern("sample_description_words") + "|" + words_pattern("sample_flow_words"), re.I)
_RELATIVE_BEFORE = re.compile(r"\b(?:who|that|which|whom)\s+(?:were\s+|had\s+|was\s+)?$", re.I)
# "Of 47 patients eligible", "Among 707 participants", "in the 36 patients with high RAD51":
# a count that names the group an outcome is then measured in.
_GROUP_BEFORE = re.compile(
    r"\b(?:of|among|amongst|the|these|those|study\s+of|other)\s+(?:the\s+|all\s+|these\s+)?$", re.I
)
# Words right after "x of y" that are not the people or events counted: "one of four mammography
# registries", "65 of 70 providers" (a participant or event noun within three words is fine).
_OF_FOLLOWER = re.compile(r"^\s+(?P<word>[a-z][a-z-]*)")
_FUNCTION_WORDS = frozenset(
    "had have has were was is are in with and or vs versus who that on at of for receiving "
    "treated given did could would the a an after before during while than but to from by "
    "respectively evaluable assessable eligible available as among".split()
)
# Plural nouns of people the word lists do not know: "121 out of 166 physicians", "13 of 123
# vaccinees", "providers", "dentists", "investigators".
_PEOPLE_SUFFIX = re.compile(r"(?:ians|ees|ists|ers|ors)$")
_THING_NEAR = re.compile(rf"^(?:\s+[\w-]+){{0,3}}?\s+(?:{PARTICIPANT_NOUN}|{EVENT_NOUN})", re.I)
# Allocation, not outcome: "110 to the SLNB arm", "Sixty-nine (49.3%) assigned to patent blue".
_ALLOCATION_AFTER = re.compile(
    r"^[^.;]{0,30}?\b(?:randomi[sz]ed|randomly|assigned|allocated|enrolled|included)\b", re.I
)
_P_VALUE_RE = re.compile(r"\bp\s*[=<>≤≥]", re.I)
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_PARTICIPANT_RE = re.compile(PARTICIPANT_NOUN, re.I)
_ANALYSED_RE = re.compile(r"\b(?:analy[sz]ed|evaluated|assessed|studied|treated)\b", re.I)
_ENROLMENT_RE = re.compile(
    r"\b(?:randomi[sz]ed|randomly|assigned|allocated|enrolled|recruited|accrued|included)\b", re.I
)
# A count printed without its group is an outcome count only when it is a small part of the
# study: "Safety data were available from 369 patients" (of 395) names a group, "30 relapses"
# (of 869) an outcome. An "n = " beside a treatment is an arm size unless it is smaller still
# ("ddAT, n = 191; AC-DOC, n = 178" of 395 vs "sitagliptin (n = 2) and placebo (n = 1)").
_LOOSE_SHARE = 0.45
_N_EQUALS_SHARE = 0.25
# A percent read back to a group size must agree with the printed percent to its rounding.
_PCT_TOLERANCE = 0.051



TotalSource = Literal["printed", "percent", "unknown"]


@dataclass(frozen=True)
class _Hit:
    start: int  # responders number
    number_end: int
    end: int  # end of the evidence span
    responders: int
    total: int | None
    percent: float | None
    total_source: TotalSource = "printed"


# A hit and the raw match it came from (start, end, text), for Doubt records.
_Found = tuple[_Hit, tuple[int, int, str]]


def _count(text: str) -> int | None:
    return 0 if _ZERO_RE.match(text.strip()) else parse_count(text)


def _total_from_percent(responders: int, percent: float) -> int | None:
    """17 at 9.1% -> 187; None when no whole group size gives that percent."""
    if percent <= 0 or percent > 100:
        return None
    total = round(responders * 100 / percent)
    if total < max(responders, 1):
        return None
    if abs(100 * responders / total - percent) > max(_PCT_TOLERANCE * 10, percent * 0.02):
        return None
    return total


def _notation_before(text: str, sentence_start: int, start: int) -> bool:
    return bool(NOT_COUNT_BEFORE.search(text[max(sentence_start, start - 25):start]))


def _of_hits(text: str, s0: int, s1: int, group_size: int | None = None) -> list[_Found]:
    """ "12 of 13 patients", "12 (92%) of 13", "none of the 18 patients"."""
    out = []
    for m in X_OF_Y.finditer(text, s0, s1):
        responders, total = _count(m.group("n")), parse_count(m.group("total"))
        if responders is None or total is None or total == 0:
            continue
        if _notation_before(text, s0, m.start()) or match_after(NOT_GROUP_AFTER, text, m.end(), s1):
            continue
        if not _counts_people_or_events(text[m.end():min(s1, m.end() + CONTEXT_WINDOW)]):
            continue
        pct = float(m.group("pct")) if m.group("pct") else None
        out.append((_Hit(m.start(), m.end("n"), m.end(), responders, total, pct),
                    (m.start(), m.end(), m.group())))
    return out


def _counts_people_or_events(after: str) -> bool:
    """False for "one of four mammography registries": y is followed by some other noun."""
    follower = _OF_FOLLOWER.match(after)
    if follower is None:
        return True  # punctuation, a bracket, a capitalised name or the end of the sentence
    word = follower.group("word")
    if word in _FUNCTION_WORDS or word.endswith("ed") or _PEOPLE_SUFFIX.search(word):
        return True
    return bool(_THING_NEAR.match(after))


def _group_then_count_hits(text: str, s0: int, s1: int, group_size: int | None = None
                           ) -> list[_Found]:
    """ "19 enrolled of whom 14 received ...", "Of the 129 AN1792-treated patients, 25 were
    classified as responders": the group is printed before the responders, who are no new
    sample ("Of 696 referred people ..., 328 were randomized" is an allocation)."""
    out = []
    sentence = text[s0:s1]
    whom = (GROUP_OF_WHOM.finditer(text, s0, s1)
            if any(word in sentence for word in OF_WHOM_WORDS) else iter(()))
    for m in (*whom, *OF_GROUP_THEN_COUNT.finditer(text, s0, s1)):
        responders = _count(m.group("n"))
        total = parse_count(m.group("total"))
        if responders is None or not total or _notation_before(text, s0, m.start()):
            continue
        opening = m.re is OF_GROUP_THEN_COUNT
        # "Of 15 serious AEs, none were ...", "Out of 16 instruments, none": the group "Of ..."
        # names must be people ("whom" always is)
        if opening and not _PARTICIPANT_RE.search(text, m.end("total"), m.start("n")):
            continue
        # "Of the 129 ... patients, 25 were": "Of" opens the sentence or a clause ("9 out of 20
        # patients in parts 1, 2, and 3" is no group then a count)
        if opening and text[s0:m.start()].rstrip()[-1:] not in ("", ",", ";", ":", "("):
            continue
        if match_after(_ALLOCATION_AFTER, text, m.end("n"), s1) or match_after(
                NOT_PEOPLE_AFTER, text, m.end("n"), s1):
            continue
        out.append((_Hit(m.start("n"), m.end("n"), m.end("n"), responders, total, None),
                    (m.start(), m.end(), m.group())))
        # "Of the 31 evaluable cases, 1 achieved complete remission (CR), 9 achieved partial
        # remission (PR) and 11 had stable disease": the counts listed after share the group
        if match_after(COUNT_THEN_OUTCOME_VERB, text, m.start("n"), s1):
            for listed in COUNT_THEN_OUTCOME_VERB.finditer(text, m.end("n"), s1):
                value = _count(listed.group("n"))
                if value is not None and value <= total:
                    out.append((_Hit(listed.start("n"), listed.end("n"), listed.end("n"), value,
                                     total, None), (m.start(), listed.end(), listed.group())))
    return out


def _slash_hits(text: str, s0: int, s1: int, group_size: int | None = None) -> list[_Found]:
    """ "12/13", "(57/156; 36%)"; not dates, grades, doses or fractions ("1/3 of patients")."""
    out = []
    for m in X_SLASH_Y.finditer(text, s0, s1):
        responders, total = int(m.group("n")), int(m.group("total"))
        if total == 0 or _notation_before(text, s0, m.start()):
            continue
        if match_after(NOT_COUNT_AFTER, text, m.end(), s1) or match_after(NOT_GROUP_AFTER, text,
                                                                          m.end(), s1):
            continue
        # "1/3 of patients", "2/3 of the women": a fraction, not a count ("17/19 of these
        # patients" is a count).
        if total <= 4 and match_after(_OF_AFTER, text, m.end(), s1):
            continue
        # "3/4", "1/2", "2/3" on their own are grade or phase notation far more often than counts.
        if total <= 5 and total == responders + 1:
            continue
        # "from 1/2011 to 6/2012", "Between 09/92 and 12/96": month/year.
        n_text = m.group("n")
        if responders <= 12 and (1900 <= total <= 2100 or (len(n_text) > 1 and n_text[0] == "0")
                                 or (total > 12 and search_before(_DATE_BEFORE, text, s0,
                                                                  m.start()))):
            continue
        after = match_after(_PCT_AFTER, text, m.end(), s1)
        pct = float(after.group("pct")) if after else None
        # "pain scores were 1/10", "kinase 4/6": a small fraction needs a percent, brackets or
        # the people it counts ("(3/8)", "2/9 patients", "3/8 (38%)").
        if total <= 10 and pct is None and not (
            search_before(_OPEN_BEFORE, text, s0, m.start())
            or match_after(_THING_AFTER, text, m.end(), s1)
        ):
            continue
        out.append((_Hit(m.start(), m.end("n"), m.end(), responders, total, pct),
                    (m.start(), m.end(), m.group())))
    return out


def _is_allocation(text: str, s0: int, s1: int) -> bool:
    """An allocation sentence: "were randomised to bimatoprost 0.03% (n = 131) or travoprost
    0.004% (n = 135)", where "n =" is an arm's size and the percent a concentration."""
    return bool(_ENROLMENT_RE.search(text, s0, s1))


def _pct_n_equals_hits(text: str, s0: int, s1: int, group_size: int | None) -> list[_Found]:
    """ "1.5% (n = 46)", "(n=57, 1.8%)": the group size read back from the percent."""
    out: list[_Found] = []
    for m in PCT_N_EQUALS.finditer(text, s0, s1) if not _is_allocation(text, s0, s1) else ():
        group = "n" if m.group("n") else "n2"
        pct = float(m.group("pct") or m.group("pct2"))
        responders = parse_count(m.group(group))
        if responders is None:
            continue
        total = _total_from_percent(responders, pct)
        if total is None:
            continue
        out.append((_Hit(m.start(group), m.end(group), m.end(group), responders, total, pct,
                         "percent"),
                    (m.start(), m.end(), m.group())))
    return out


def _pct_then_count_hits(text: str, s0: int, s1: int, group_size: int | None) -> list[_Found]:
    """ "8.6% (14) of patients": a percent, then its count."""
    out: list[_Found] = []
    for m in PCT_THEN_COUNT.finditer(text, s0, s1):
        responders = parse_count(m.group("n"))
        pct = float(m.group("pct"))
        if responders is None:
            continue
        total = _total_from_percent(responders, pct)
        if total is None:
            continue
        out.append((_Hit(m.start("n"), m.end("n"), m.end("n"), responders, total, pct, "percent"),
                    (m.start(), m.end(), m.group())))
    return out


def _x_pct_hits(text: str, s0: int, s1: int, group_size: int | None) -> list[_Found]:
    """ "17 (9.1%)", "six (15.8 %) patients", "(9, 9.1%)"; "405 (8.4%) were black" is left to the
    filters (``_describes``)."""
    out: list[_Found] = []
    for m in X_PCT.finditer(text, s0, s1):
        responders = _count(m.group("n"))
        pct = float(m.group("pct") or m.group("pct2"))
        if responders is None or _notation_before(text, s0, m.start()):
            continue
        if NOT_PEOPLE_BEFORE.search(text[max(s0, m.start() - 30):m.start()]):
            continue
        # "compared to 0 (0%) infections": no group size in the percent; use the study's.
        zero = responders == 0 and pct == 0 and group_size is not None
        total = None if zero else _total_from_percent(responders, pct)
        if total is None and not zero:
            continue
        # "(9, 9.1%)": the span ends at the percent sign; "17 (9.1%)" keeps its bracket.
        end = m.end() - 1 if m.group("pct2") or text[m.end() - 1] in ",;" else m.end()
        out.append((_Hit(m.start(), m.end("n"), end, responders, total, pct,
                         "unknown" if zero else "percent"),
                    (m.start(), m.end(), m.group())))
    return out


def _describes(text: str, s0: int, s1: int, hit: _Hit, words: re.Pattern[str]) -> bool:
    """The words around the count describe the sample or its treatment, not an outcome:
    "405 (8.4%) were black", "79 (96%) patients received lymphedema treatment",
    "Questionnaire data were available for 119 patients"."""
    window = text[max(s0, hit.start - 30):min(s1, hit.end + 50)]
    after = text[hit.end:min(s1, hit.end + 50)]
    if _OUTCOME_RE.search(after):
        return False
    # "none of the 18 patients who received timolol": a relative clause names the group.
    return any(not _RELATIVE_BEFORE.search(window[:m.start()]) for m in words.finditer(window))


@lru_cache(maxsize=4096)
def _is_outcome_sentence(sentence: str) -> bool:
    """An outcome is reported and nobody is being enrolled or allocated."""
    return bool(_OUTCOME_RE.search(sentence)) and not _ENROLMENT_RE.search(sentence)


@lru_cache(maxsize=4096)
def _reports_outcome(sentence: str) -> bool:
    """An outcome sentence, or one that counts response categories ("There were 1 CR, 5 PR,
    19 SD, and 9 PD") or sets counts side by side in two groups ("Six patients in group I and
    three in group II had SSI", "Four patients in the intervention group and two in the control
    group were lost to follow-up"), unless it enrols, allocates or describes the sample ("1259
    patients were analysed in the control group, 673 in the reduced-dose group")."""
    if _is_outcome_sentence(sentence) or COUNT_THEN_RESPONSE_CATEGORY.search(sentence):
        return True
    groups = list(GROUP_COUNT.finditer(sentence))
    if len(groups) < 2 or _ENROLMENT_RE.search(sentence) or _DESCRIPTION_RE.search(sentence) \
            or _ANALYSED_RE.search(sentence):
        return False
    # "There were 63 patients in the PB group and 41 patients in the TM group.": people in two
    # groups and nothing said about them are the groups' sizes.
    said = _WORD_RE.search(sentence, groups[-1].end())
    return bool(said) or not any(_PARTICIPANT_RE.search(m.group("noun") or "") for m in groups)


def _is_loose_count(text: str, s0: int, s1: int, start: int, end: int, responders: int) -> bool:
    """Guards for a count printed without its group: not a year, a dose, an age, an allocation."""
    if 1900 <= responders <= 2100:
        return False
    before = text[max(s0, start - 30):start]
    if NOT_PEOPLE_BEFORE.search(before) or _WHOLE_BEFORE.search(before) or _GROUP_BEFORE.search(before):
        return False
    if _notation_before(text, s0, start) or _RATE_BEFORE.search(before):
        return False
    after = text[end:min(s1, end + CONTEXT_WINDOW)]
    if _RATE_AFTER.match(after):
        return False
    return not (NOT_PEOPLE_AFTER.match(after) or _ALLOCATION_AFTER.match(after))


# A later count that can be a part of a total: a whole number that is not a percent, a decimal,
# a range ("5-y rate") or a unit ("12 months").
_IN_BEFORE = re.compile(r"\bin\s+$", re.I)
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.I)   # "9 out of 45": the 45 is no part
_LATER_COUNT = re.compile(rf"(?P<n>{NUMBER})(?!\s*%|[-–]|\.\d)", re.VERBOSE | re.IGNORECASE)


def _is_total_then_parts(text: str, s0: int, s1: int, end: int, whole: int) -> bool:
    """The count is a total the rest of the sentence splits: "Overall, there were 21 local
    relapses, with 2 relapses in the radiotherapy group (5-y rate 0.4%) vs. 19 in the
    no-radiotherapy group", "In 11 patients, an SSI developed, 3 (5.8%) from the intervention
    and 8 from the control group", "8 cases (one in the INTRA group and 7 in the PERI group)"."""
    running = 0
    parts = 0
    for m in _LATER_COUNT.finditer(text, end, s1):
        before = text[max(s0, m.start() - 30):m.start()]
        if NOT_PEOPLE_AFTER.match(text[m.end():m.end() + 15]) or _OF_BEFORE.search(before) \
                or NOT_PEOPLE_BEFORE.search(before):
            continue
        # "601 breast cancers (251 [7.0%] in 3579 patients on tamoxifen and 350 ...)": a group
        # size is no part; "71 patients relapsed or died: DD, 33 patients (15 deaths); CS, 38
        # patients (23 deaths)": a bracket after a part details that part.
        if _IN_BEFORE.search(before) and match_after(_THING_AFTER, text, m.end(), s1):
            continue
        if parts and _OPEN_BEFORE.search(before):
            continue
        value = _count(m.group("n"))
        if value is None:
            continue
        running += value
        parts += 1
        if running >= whole:
            return running == whole and parts >= 2
    return False


def _splits_by_arm(text: str, s0: int, s1: int) -> list[tuple[re.Match[str], list[re.Match[str]]]]:
    """Counts whose bracket splits them into parts that add up to them, with the parts:
    "136 women (74 placebo, 62 tamoxifen)", "18 (49%) participants (10 PSTP and 8 EDU)"."""
    out = []
    for m in COUNT_SPLIT_BY_ARM.finditer(text, s0, s1):
        whole = parse_count(m.group("n"))
        parts = list(PART.finditer(m.group("inner")))
        total = sum(parse_count(p.group("n")) or 0 for p in parts)
        if whole and len(parts) >= 2 and total == whole:
            out.append((m, parts))
    return out


def _loose_hits(text: str, s0: int, s1: int, group_size: int | None) -> list[_Found]:
    """Counts of an outcome sentence printed without their group ("21 vs. 8", "10 in the
    experimental group", "two patients developed a haematoma"); ``total`` is the study size."""
    out: list[_Found] = []
    if group_size is None:
        return out
    # "There were 1 CR, 5 PR, 19 SD, and 9 PD": response categories are outcomes themselves.
    if not _reports_outcome(text[s0:s1]):
        return out

    arm_sizes: set[int] = set()

    def add(start: int, end: int, raw_start: int, raw_end: int, lead: int | None = None,
            share: float = _LOOSE_SHARE) -> None:
        """``lead``: where the left context starts, the "n" of "n = 9" (default: the number).
        ``share``: the largest part of the study such a count may be; larger ones are groups."""
        responders = _count(text[start:end])
        if responders is None or responders > share * group_size or start in arm_sizes:
            return
        if not _is_loose_count(text, s0, s1, start if lead is None else lead, end, responders):
            return
        if responders > 1 and _is_total_then_parts(text, s0, s1, end, responders):
            return
        out.append((_Hit(start, end, end, responders, None, None, "unknown"),
                    (raw_start, raw_end, text[raw_start:raw_end])))

    # "136 women (74 placebo, 62 tamoxifen) developed ...": the parts are the arms' counts; the
    # whole is left out (by the caller, whatever shape found it).
    for m, parts in _splits_by_arm(text, s0, s1):
        inner_start = m.start("inner")
        # "Of 47 patients eligible for response (25 idoxifene, 22 tamoxifen)", "Safety data were
        # available from 369 patients (ddAT, n = 191; AC-DOC, n = 178)": the whole is a group and
        # its parts are arm sizes, not outcomes, whichever pattern finds them ("Forty-five
        # patients with operable breast cancers (25 cases who received preoperative famotidine
        # and 20 controls) were studied").
        # ("Of the 28 on-study deaths (17 gemcitabine, 11 epirubicin)" is an outcome split).
        around = text[max(s0, m.start() - 40):min(s1, m.end() + 30)]
        if _DESCRIPTION_RE.search(around) or _ANALYSED_RE.search(around):
            arm_sizes.update(inner_start + part.start("n") for part in parts)
            continue
        # The parts of an outcome split are smaller than the whole by construction: no share
        # bound beyond the study's ("17 patients reporting heart failure (CT-P6: 10;
        # trastuzumab: 7)" when the study size read is 17).
        for part in parts:
            add(inner_start + part.start("n"), inner_start + part.end("n"), m.start(), m.end(),
                share=1.0)
    # The second count of a pair is judged by the context of the first ("22 and 30 patients").
    for pattern in (AND_PAIR, COMPARED_PAIR, VS_PAIR, NAMED_PAIR, ARM_AFTER_VS_PAIR):
        for m in pattern.finditer(text, s0, s1):
            add(m.start("n"), m.end("n"), m.start(), m.end())
            add(m.start("m"), m.end("m"), m.start(), m.end(), lead=m.start())
    for pattern in (GROUP_COUNT, BARE_COUNT, COUNT_THEN_OUTCOME_VERB, COUNT_THEN_RESPONSE_CATEGORY):
        for m in pattern.finditer(text, s0, s1):
            add(m.start("n"), m.end("n"), m.start(), m.end())
    for m in N_EQUALS.finditer(text, s0, s1):
        if not search_before(PEOPLE_BEFORE_N, text, s0, m.start()):
            add(m.start("n"), m.end("n"), m.start(), m.end(), lead=m.start(), share=_N_EQUALS_SHARE)
    for m in THING_COUNT.finditer(text, s0, s1):
        add(m.start("n"), m.end("n"), m.start(), m.end())
    return out


def _partition_starts(hits: list[_Hit]) -> set[int]:
    """Counts whose percents split one group into parts that make up all of it: "Sixty-nine
    (49.3%) assigned to patent blue (group A) and 71 (50.70%) to methylene blue (group B)",
    "360 (55.2%) treated with palbociclib + AI and 292 (44.8%) treated with palbociclib +
    fulvestrant". Such a split describes the sample; outcome counts of two arms have their own
    groups ("38 (38%) and 29 (26%) patients"). The caller applies it only to sentences that
    neither report an outcome nor compare with a P value ("SLNs were affected in 22 cases
    (51.2%) in group A and 21 (48.8%) in group B (p=0.62)" splits the affected)."""
    found: set[int] = set()
    with_pct = [h for h in sorted(hits, key=lambda h: h.start) if h.percent and h.total]
    for i in range(len(with_pct)):
        end = _partition_end(with_pct, i)
        if end is not None:
            found.update(h.start for h in with_pct[i:end])
    return found


def _partition_end(with_pct: list[_Hit], i: int) -> int | None:
    """The largest ``j`` such that the hits ``i..j-1`` (two or more) split one group: percents
    adding up to 99-101 and totals alike; None when there is none. Percents are positive, so
    the share only grows with ``j`` and the scan stops past 101."""
    share = with_pct[i].percent or 0.0
    low = high = with_pct[i].total or 0
    end = None
    for j in range(i + 1, len(with_pct)):
        share += with_pct[j].percent or 0.0
        if share > 101:
            break
        low, high = min(low, with_pct[j].total or 0), max(high, with_pct[j].total or 0)
        if share >= 99 and high - low <= max(2, 0.03 * high):
            end = j + 1
    return end


# The shapes, tried in this order on each sentence (see the module docstring); each finds
# (hit, raw match) pairs in ``text[s0:s1]``, given the study's largest group size.
ShapeFinder = Callable[[str, int, int, int | None], list[_Found]]
SHAPES: tuple[tuple[str, ShapeFinder], ...] = (
    ("x of y", _of_hits),
    ("x/y", _slash_hits),
    ("of n, x", _group_then_count_hits),
    ("percent (n = x)", _pct_n_equals_hits),
    ("percent (x)", _pct_then_count_hits),
    ("x (percent)", _x_pct_hits),
    ("x without a group", _loose_hits),
)
# Shapes that need the group printed with the count: dropped in allocation sentences.
_PRINTED_GROUP_SHAPES = frozenset({"x of y", "x/y"})


@dataclass(frozen=True)
class _Reading:
    """One sentence being read: the section text, the sentence's bounds, the counts it splits
    into parts (the wholes), and the participant counts of the section."""

    text: str
    s0: int
    s1: int
    wholes: frozenset[int]
    people: frozenset[int]


def _is_whole(reading: _Reading, hit: _Hit) -> bool:
    """A total the sentence splits by arm, or the whole of a partition into percents."""
    return hit.start in reading.wholes


def _is_participant_count(reading: _Reading, hit: _Hit) -> bool:
    """A number read as a participant count ("Thirteen patients received ...")."""
    return hit.start in reading.people


def _describes_sample(reading: _Reading, hit: _Hit) -> bool:
    words = _WHO_RE if hit.total_source == "printed" else _DESCRIPTION_RE
    return _describes(reading.text, reading.s0, reading.s1, hit, words)


def _is_total_split_later(reading: _Reading, hit: _Hit) -> bool:
    """ "In 11 patients (21%), an SSI developed, 3 from the intervention and 8 from the control
    group": a percent count the rest of the sentence splits into parts."""
    return (hit.total_source == "percent" and hit.responders > 1
            and _is_total_then_parts(reading.text, reading.s0, reading.s1, hit.end,
                                     hit.responders))


# Counts found by a shape but not outcome counts; each filter refuses a hit.
FILTERS: tuple[Callable[[_Reading, _Hit], bool], ...] = (
    _is_whole, _is_participant_count, _describes_sample, _is_total_split_later,
)


def extract_response_counts(analysed: AnalysedArticle, sample_sizes: list[SampleSize],
                            arms: Sequence[Arm]) -> Extraction[ResponseCount]:
    """Every "x of y" style count of the article; impossible ones are doubts.

    ``sample_sizes``: the article's participant counts (``extract_sample_sizes``): they bound
    the counts printed without their group and are themselves no outcome counts. ``arms``
    (``extract_arms``): their sizes are the groups of counts that name them.
    """
    # The bound for counts printed without their group: the largest participant count the
    # abstract prints, since the chosen sample size may be one arm or a subgroup ("Serious adverse
    # events were reported in 22 and 30 patients" with 36 chosen from a subgroup sentence).
    group_size = max((s.value for s in sample_sizes), default=None)
    # Numbers read as participant counts ("Thirteen patients received ...") are not outcomes.
    people = {(s.section_index, s.start) for s in sample_sizes
              if s.chosen or (s.role != "sum_of_arms" and not _reports_outcome(s.sentence))}
    results: list[ResponseCount] = []
    doubts: list[Doubt] = []
    concluding: set[tuple[int, int]] = set()
    for section in analysed.sections:
        section_people = frozenset(start for index, start in people if index == section.index)
        for sentence in section.body:
            if sentence.kind == "background":
                continue  # counts of earlier studies ("in 2000 women, tamoxifen ...")
            found, rejected = _sentence_counts(section, sentence, group_size, section_people)
            results.extend(found)
            doubts.extend(rejected)
            concluding.update(_restatement_candidates(found, sentence.kind))
    results.sort(key=lambda r: (r.section_index, r.start))
    counts = with_arm_sizes(_drop_restatements(results, concluding), arms)
    counts = _with_stated_sizes(analysed, counts, arms, sample_sizes)
    pooled = _group_size_printed(analysed, counts)
    return Extraction([c for c in counts if pooled(c)],
                      [*doubts, *(_without_group(c) for c in counts if not pooled(c)),
                       *unread_doubts(analysed, "response_counts")])


def _group_size_printed(analysed: AnalysedArticle, counts: list[ResponseCount]
                        ) -> Callable[[ResponseCount], bool]:
    """Whether a count's group size is printed in the abstract: always for "12 of 13" and an
    arm's size; for a size read back from a percent ("Sixty-five (39.6%) subjects in the
    intervention group": 164), only when that number is printed somewhere as a count; never for
    a count without a group ("10 patients after CST")."""
    if not any(c.total_source == "percent" for c in counts):
        return lambda count: count.total is not None
    printed = _printed_counts(analysed)
    return lambda count: count.total is not None and (
        count.total_source != "percent" or count.total in printed)


def _printed_counts(analysed: AnalysedArticle) -> frozenset[int]:
    """Every whole number the article prints, in digits or words, that is not a dose, a
    duration or a percent."""
    found = set()
    for section in analysed.sections:
        for match in _COUNT_RE.finditer(section.text):
            value = parse_count(match.group())
            if value is not None and not match_after(NOT_PEOPLE_AFTER, section.text, match.end(),
                                                     len(section.text)):
                found.add(value)
    return frozenset(found)


_COUNT_RE = re.compile(NUMBER, re.VERBOSE | re.IGNORECASE)   # "Twenty-four dogs", "1161"


def _without_group(count: ResponseCount) -> Doubt:
    """A count whose group size is printed nowhere ("Reherniation occurred in 10 patients after
    CST and in 4 patients after PR"; "Sixty-five (39.6%) subjects in the intervention group"
    when 164 is printed nowhere): evidence a reader may want, but no response count to pool
    (its total would be a guess or a reconstruction), so it is kept as a doubt, with the group
    size a printed percent implies as ``bound``."""
    return Doubt(field="response_counts", code="count_without_group",
                 reason=(f"{count.responders} counted with no group size printed"
                         + (f" (the percent implies {count.total})" if count.total else "")),
                 value=count.responders, bound=count.total, text=count.text,
                 section=count.section, section_index=count.section_index, start=count.start,
                 end=count.end)


# The printed percent of a count: "101 [9%]", "Sixty-five (39.6%)"; its decimals say how
# precisely a group size must reproduce it.
_PRINTED_PCT = re.compile(r"(?P<whole>\d{1,3})(?:\.(?P<decimals>\d+))?\s*(?:%|per\s*cent|percent)",
                          re.I)
# Two counts compared: "(379 [33%] patients vs 417 [36%] patients)", "(250 [22%] vs 249 [21%];".
# "(9 [0.1%]) versus placebo (14 [0.2%])": the second group may be named after the word.
_VERSUS_BETWEEN = re.compile(
    r"^[^\d;]{0,40}?\b(?:vs\.?|versus|v/s|compared\s+with)(?:\s|[(\[])[^\d;]{0,30}$", re.I)


def _agrees(responders: int, size: int, printed: re.Match[str]) -> bool:
    """``responders`` of ``size`` prints as the percent ``printed`` (rounded or cut to its
    decimals): 101 of 1161 is "9%", 101 of 1122 too; 65 of 164 is "39.6%"."""
    decimals = len(printed.group("decimals") or "")
    unit = 10.0 ** -decimals
    percent = float(printed.group("whole") + "." + (printed.group("decimals") or "0"))
    share = 100 * responders / size
    return percent - unit / 2 - 1e-9 <= share < percent + unit


def _is_precise(printed: re.Match[str]) -> bool:
    """The percent fixes its group size to within a tenth: "14%" or "2.4%", not "0.1%" (which
    9 of anything from 6,000 to 18,000 prints)."""
    decimals = len(printed.group("decimals") or "")
    percent = float(printed.group("whole") + "." + (printed.group("decimals") or "0"))
    return percent > 0 and 10.0 ** -decimals / percent <= 0.1


def _with_stated_sizes(analysed: AnalysedArticle, counts: list[ResponseCount],
                       arms: Sequence[Arm], sizes: Sequence[SampleSize]) -> list[ResponseCount]:
    """A count whose group size was read back from its percent ("101 [9%]": 1122) takes the
    group size printed in the abstract that gives that percent: the arm the count names
    ("deaths in the tranexamic acid group" and "1161 patients received tranexamic acid"), else
    the one arm that agrees; of two counts compared ("379 [33%] vs 417 [36%]"), when two arms
    agree with each, the first takes the arm printed first and the second the other; a count
    set against no other group takes the one participant count that agrees ("8 (14%) complete
    responses, 33 (57%) partial responses" of 58). A percent rounded to a whole number fits
    many sizes, and the size printed is the one a reviewer pools."""
    ordered = _distinct_arms(arms)
    out = list(counts)
    for i, count in enumerate(out):
        printed = _PRINTED_PCT.search(count.text) if count.total_source == "percent" else None
        if printed is None:
            continue
        agreeing = [arm for arm in ordered if _agrees(count.responders, arm.size, printed)]
        named = [arm for arm in agreeing if count.arm and arm.label and same_group(arm.label, count.arm)]
        before = out[i - 1] if i and _compared(analysed, out[i - 1], count) else None
        after = i + 1 < len(out) and _compared(analysed, count, out[i + 1])
        if len(named) == 1 or len(agreeing) == 1:
            out[i] = _from_arm(count, (named or agreeing)[0])
        elif len(agreeing) == 2 and before is not None and before.total_source == "arm":
            # "(250 [22%] vs 249 [21%])": the second of a pair takes the other arm
            other = [arm for arm in agreeing if arm.size != before.total]
            if len(other) == 1:
                out[i] = _from_arm(count, other[0])
        elif len(agreeing) == 2 and after:
            out[i] = _from_arm(count, agreeing[0])
        elif not agreeing and before is None and not after and not count.arm \
                and _is_precise(printed):
            totals = {s.value for s in sizes if s.role != "arm"
                      and _agrees(count.responders, s.value, printed)}
            if len(totals) == 1:
                out[i] = count.model_copy(update={"total": totals.pop()})
    return out


def _distinct_arms(arms: Sequence[Arm]) -> list[Arm]:
    """The arms in text order, one per size (the first statement of each)."""
    seen: set[int] = set()
    out = []
    for arm in sorted(arms, key=lambda a: (a.section_index, a.start)):
        if arm.size not in seen:
            seen.add(arm.size)
            out.append(arm)
    return out


def _from_arm(count: ResponseCount, arm: Arm) -> ResponseCount:
    return count.model_copy(update={
        "total": arm.size, "total_source": "arm", "total_text": arm.text,
        "total_start": arm.start, "total_end": arm.end, "total_section_index": arm.section_index})


def _compared(analysed: AnalysedArticle, first: ResponseCount, second: ResponseCount) -> bool:
    """``second`` follows ``first`` in one sentence, set against it by "vs" or "compared with"."""
    if first.section_index != second.section_index or first.sentence != second.sentence:
        return False
    between = analysed.sections[first.section_index].text[first.end:second.start]
    return bool(_VERSUS_BETWEEN.match(between))


def _sentence_hits(text: str, s0: int, s1: int, group_size: int | None
                   ) -> tuple[list[_Found], frozenset[int]]:
    """Every shape's hits in shape order, and the starts of the wholes to leave out."""
    found = {name: finder(text, s0, s1, group_size) for name, finder in SHAPES}
    # "only 69 randomized at least one patient (35/68 in the Visited group, 34/67 in the
    # Non-visited group)": an allocation sentence with no outcome counts who took part.
    sentence = text[s0:s1]
    if _ENROLMENT_RE.search(sentence) and not _OUTCOME_RE.search(sentence):
        for name in _PRINTED_GROUP_SHAPES:
            found[name] = []
    wholes = {m.start("n") for m, _ in _splits_by_arm(text, s0, s1)}
    if not (_is_outcome_sentence(sentence) or _P_VALUE_RE.search(text, s0, s1)):
        percents = [hit for name in ("percent (n = x)", "percent (x)", "x (percent)")
                    for hit, _ in found[name]]
        wholes |= _partition_starts(percents) - {hit.start for hit, _ in found["x of y"]}
    return [item for name, _ in SHAPES for item in found[name]], frozenset(wholes)


def _sentence_counts(section: AnalysedSection, sentence: Sentence, group_size: int | None,
                     people: frozenset[int]) -> tuple[list[ResponseCount], list[Doubt]]:
    """The response counts of one sentence, and the counts larger than their group (doubts)."""
    text, s0, s1 = section.text, sentence.start, sentence.end
    hits, wholes = _sentence_hits(text, s0, s1, group_size)
    reading = _Reading(text, s0, s1, wholes, people)
    taken = Occupied(origin=s0)
    results: list[ResponseCount] = []
    doubts: list[Doubt] = []
    for hit, (m0, m1, raw) in hits:
        if not taken.is_free(hit.start, hit.number_end):
            continue
        if any(refuses(reading, hit) for refuses in FILTERS):
            continue
        taken.take(hit.start, hit.end)
        if hit.total is not None and hit.responders > hit.total:
            doubts.append(Doubt(
                field="response_counts", code="responders_exceed_total",
                reason=f"{hit.responders} responders exceed the group of {hit.total}",
                value=hit.responders, bound=hit.total,
                text=raw, section=section.label, section_index=section.index, start=m0, end=m1,
            ))
            continue
        results.append(ResponseCount(
            text=text[hit.start:hit.end], start=hit.start, end=hit.end, section=section.label,
            section_index=section.index, responders=hit.responders, total=hit.total,
            total_source=hit.total_source,
            percent=hit.percent if hit.percent is None or hit.percent <= 100 else None,
            arm=group_named_beside(text, s0, s1, hit.start, hit.end), sentence=text[s0:s1],
        ))
    return results, doubts


def _restatement_candidates(found: list[ResponseCount], kind: SectionKind
                            ) -> set[tuple[int, int]]:
    """The counts of one sentence that may restate a finding: those without a group in the
    conclusions, or a lone count without a group or an arm outside the results ("The response
    to treatment in 12 patients was very encouraging"). Pairs ("5 VS 20") and counts beside
    their arm ("3 women in the control group") are findings of their own."""
    loose = [c for c in found if c.total_source == "unknown"]
    if kind == "conclusion":
        return {(c.section_index, c.start) for c in loose}
    if kind != "results" and len(found) == 1 and loose and loose[0].arm is None:
        return {(loose[0].section_index, loose[0].start)}
    return set()


def _drop_restatements(counts: list[ResponseCount],
                       concluding: set[tuple[int, int]]) -> list[ResponseCount]:
    """A count without its group that repeats one printed with its group is the same finding
    said again ("12 of 13 patients" ... "Conclusions: The response to treatment in 12
    patients"). Under a Results heading, or beside the arm it belongs to, the same number is
    often another count ("3 of 45 ... 3 women in the control group"), so it is kept there.
    ``concluding`` holds the (section index, start) of the counts that may be restatements
    (see ``_restatement_candidates``)."""
    printed = {c.responders for c in counts if c.total_source != "unknown"}
    return [c for c in counts if c.total_source != "unknown" or c.responders not in printed
            or (c.section_index, c.start) not in concluding]
