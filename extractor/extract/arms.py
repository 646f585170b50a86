"""The arms of a trial: the group each size belongs to, the drugs it was given, and the response
counts it holds.

An arm is read from each sample size of role ``arm`` (``extract_sample_sizes``): its label is
the group named beside the count, by the first of these shapes that fits (each from a real
abstract):

- ``_LABEL_BEFORE_N``: "randomly assigned to docetaxel (n = 40) or paclitaxel (n = 41)";
- ``LABEL_IN_BRACKET``: "2471 women (tamoxifen 1238, placebo 1233)", "(25 idoxifene, 22
  tamoxifen)";
- ``_LABEL_AFTER_TO``: "266 patients were randomly assigned to GT and 263 to paclitaxel",
  "1161 patients received tranexamic acid and 1164 received placebo";
- ``_GROUP_AFTER`` / ``_GROUP_BEFORE``: "59 patients in the gefitinib group", "In the placebo
  group, 12 ...", "In the mitoxantrone group, there were 2 (8%) ...".

The drugs of an arm are the studied drugs named in its label (``extract_arms``). A response
count printed without its group size ("9 patients in the exercise group") takes the size of the
arm its own text names ("exercise group (n = 40)" earlier), and keeps where that size was read
(``with_arm_sizes``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.extract.patterns.common import CONTEXT_WINDOW, match_after, search_before
from extractor.extract.result import Extraction
from extractor.extract.roles import reports_no_study
from extractor.models import Arm, Drug, ResponseCount, SampleSize
from extractor.nlp.analysis import AnalysedArticle

# The words of a label: a name, a dose or a code ("letrozole 2.5 mg", "E120", "non-IT").
_LABEL = r"[A-Za-z0-9][\w/+.%-]*(?:\s+[\w/+.%-]+){0,5}?"
# "assigned to docetaxel (n = 40)", "fulvestrant (250 mg ...; n = 313)": the label ends the text
# before "(n =" and starts after the last allocation word or separator.
_LABEL_BEFORE_N = re.compile(
    rf"(?:\bto\b|\bor\b|\band\b|\beither\b|\breceive\b|\bversus\b|\bvs\.?|\bwith\b|[,;:(])\s*"
    rf"(?:(?:receive|receiving|either|the)\s+)*(?P<label>{_LABEL})\s*[(\[][^()\[\]]{{0,80}}?"
    rf"\b[nN]\s*[=:]\s*$")
# Inside a bracket that splits a count, the name before or after the part: "(tamoxifen 1238,
# placebo 1233)", "(25 idoxifene, 22 tamoxifen)", "(HCT group 68 cases, ...)".
_LABEL_IN_BRACKET_BEFORE = re.compile(rf"[(\[,;]\s*(?P<label>{_LABEL})\s*[:=]?\s*$")
_LABEL_IN_BRACKET_AFTER = re.compile(
    r"^\s+(?P<label>(?!patients|women|men|participants|subjects|cases)[A-Za-z][\w/+.-]*"
    r"(?:\s+(?!and\b|or\b)[A-Za-z][\w/+.-]*){0,2}?)\s*[,;)\]]")
# "... and 263 to paclitaxel", "107 to usual practice"; "1161 patients received tranexamic acid
# and 1164 received placebo"
_LABEL_AFTER_TO = re.compile(
    rf"^(?:\s+(?:patients|women|participants|subjects|men|children|dogs))?\s+(?:were\s+)?"
    rf"(?:(?:(?:randomly\s+)?(?:assigned|allocated|randomi[sz]ed)\s+)?to\s+(?:receive\s+)?"
    rf"|received\s+|(?:given|treated\s+with|injected\s+with)\s+)"
    rf"(?:the\s+)?(?P<label>{_LABEL})(?=\s*(?:[,;.)]|\band\b|\bor\b|\bwhile\b|\bgroup\b|\barm\b|$))")
# "59 patients in the gefitinib group", "9 patients in the exercise group"
_GROUP_AFTER = re.compile(
    r"""^[^.;]{0,40}?\b(?:in|with|on|receiving|for)\s+(?:the\s+)?
        (?P<label>[A-Za-z0-9][\w/+-]*(?:\s+[\w/+-]+){0,2}?)\s+(?:group|arm|cohort)\b""",
    re.VERBOSE | re.IGNORECASE)
# "In the placebo group, 12 ...", "In the mitoxantrone group, there were 2 (8%) partial
# responses"
_GROUP_BEFORE = re.compile(
    r"""\b(?:in|for|among)\s+the\s+(?P<label>[A-Za-z0-9][\w/+-]*(?:\s+[\w/+-]+){0,2}?)\s+
        (?:group|arm|cohort)\s*,?\s*(?:there\s+(?:were|was)\s+)?$""",
    re.VERBOSE | re.IGNORECASE)
_LABEL_NOISE = re.compile(r"^(?:the|a|an)\s+|\s+(?:group|arm|cohort|groups|arms)$", re.IGNORECASE)


def group_named_beside(text: str, s0: int, s1: int, start: int, end: int) -> str | None:
    """The group a count of one sentence (``text[start:end]`` in ``text[s0:s1]``) belongs to, as
    the sentence names it right after or right before the count; None when it names none."""
    after = match_after(_GROUP_AFTER, text, end, s1)
    if after:
        return after.group("label")
    before = search_before(_GROUP_BEFORE, text, s0, start)
    return before.group("label") if before else None


def arm_label(text: str, s0: int, s1: int, start: int, end: int) -> str | None:
    """The label of the arm whose size is ``text[start:end]`` (see the module docstring)."""
    before, after = text[max(s0, start - 160):start], text[end:min(s1, end + CONTEXT_WINDOW)]
    in_bracket = before.rfind("(") > before.rfind(")")
    candidates = [_LABEL_BEFORE_N.search(before), _GROUP_AFTER.match(after)]
    if in_bracket:
        candidates += [_LABEL_IN_BRACKET_BEFORE.search(before), _LABEL_IN_BRACKET_AFTER.match(after)]
    candidates += [_LABEL_AFTER_TO.match(after), search_before(_GROUP_BEFORE, text, s0, start)]
    for found in candidates:
        label = _clean(found.group("label")) if found is not None else ""
        if label and not _NOT_A_LABEL.fullmatch(label):
            return label
    return None


# What a label is not: a joining word, the "n" of "n =", a number.
_NOT_A_LABEL = re.compile(r"(?:and|or|n|vs|versus|with|to|the|[\d.,]+)", re.IGNORECASE)


def _clean(label: str) -> str:
    """ "an exercise group" -> "exercise group"; "paclitaxel." -> "paclitaxel"."""
    return re.sub(r"^(?:the|an?|either)\s+", "", label.strip().rstrip(".,;:"), flags=re.IGNORECASE)


def _label_key(label: str) -> str:
    """What ``same_group`` compares: "the exercise group" -> "exercise"."""
    return _LABEL_NOISE.sub("", label.strip()).lower()


def same_group(a: str, b: str) -> bool:
    """True when two labels name one group: "the exercise group" and "exercise"."""
    return _label_key(a) == _label_key(b)


def _arms_of(analysed: AnalysedArticle, sample_sizes: Sequence[SampleSize]) -> list[Arm]:
    """One arm per sample size of role ``arm``, in text order, labelled, without its drugs
    (what the response counts need: a label and a size)."""
    arms: list[Arm] = []
    for size in sample_sizes:
        if size.role != "arm":
            continue
        section = analysed.sections[size.section_index]
        sentence = section.sentence_at(size.start)
        label = arm_label(section.text, sentence.start, sentence.end, size.start, size.end)
        arms.append(Arm(label=label, size=size.value, text=size.text, start=size.start,
                        end=size.end, section=size.section, section_index=size.section_index))
    return arms


def extract_arms(analysed: AnalysedArticle, sample_sizes: Sequence[SampleSize],
                 drugs: Sequence[Drug]) -> Extraction[Arm]:
    """One arm per sample size of role ``arm``, in text order, with the studied drugs its label
    names; none in an article that reports no study of its own (a review, a guideline). No
    doubts."""
    if reports_no_study(analysed.article.publication_types):
        return Extraction([], [])
    names = studied_names(drugs)
    return Extraction([arm.model_copy(update={"drugs": _drugs_in(arm.label, drugs, names)})
                       for arm in _arms_of(analysed, sample_sizes)], [])


# Mention texts are indexed by their first characters (``_PREFIX``), so a label is compared with
# the names that start like each of its words, not with every mention of every drug.
_PREFIX = 3


def studied_names(drugs: Sequence[Drug]) -> dict[str, list[tuple[re.Pattern[str], int]]]:
    """The distinct lower-cased mention texts of the studied drugs, as whole-word patterns with
    the index of their drug, keyed by their first ``_PREFIX`` characters."""
    index: dict[str, list[tuple[re.Pattern[str], int]]] = {}
    for number, drug in enumerate(drugs):
        if drug.role != "studied":
            continue
        for text in dict.fromkeys(m.text.lower() for m in drug.mentions):
            pattern = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")
            index.setdefault(text[:_PREFIX], []).append((pattern, number))
    return index


def _drugs_in(label: str | None, drugs: Sequence[Drug],
              names: dict[str, list[tuple[re.Pattern[str], int]]]) -> list[str]:
    """The studied drugs one of whose mentions reads in ``label`` (``names``: their mention
    texts, ``studied_names``)."""
    if not label:
        return []
    lowered = label.lower()
    found: set[int] = set()
    for position in range(len(lowered)):
        for size in range(1, _PREFIX + 1):
            for pattern, number in names.get(lowered[position:position + size], ()):
                if number not in found and pattern.match(lowered, position):
                    found.add(number)
    return [drug.name for number, drug in enumerate(drugs) if number in found]


def _same_number(arm: Arm, count: ResponseCount) -> bool:
    """The arm's size is the count itself, read as a group size too ("9 patients in the
    exercise group" in an outcome sentence)."""
    return arm.section_index == count.section_index and arm.start < count.end and count.start < arm.end


def _arms_by_label(arms: Sequence[Arm]) -> dict[str, dict[int, list[Arm]]]:
    """Labelled arms by label (``_label_key``), then by size, each list in text order."""
    groups: dict[str, dict[int, list[Arm]]] = {}
    for arm in sorted(arms, key=lambda a: (a.section_index, a.start)):
        if arm.label:
            groups.setdefault(_label_key(arm.label), {}).setdefault(arm.size, []).append(arm)
    return groups


def _named_arm(count: ResponseCount, by_label: dict[str, dict[int, list[Arm]]]) -> Arm | None:
    """The first arm (in text order) of the one size the arms named like the count's arm have,
    leaving out the count's own number; None when the count names no arm or they have none or
    two sizes."""
    if not count.arm:
        return None
    found: Arm | None = None
    for group in by_label.get(_label_key(count.arm), {}).values():
        arm = next((a for a in group if not _same_number(a, count)), None)
        if arm is None:
            continue
        if found is not None:
            return None  # two sizes: which one is the count's is not known
        found = arm
    return found


def with_arm_sizes(counts: Sequence[ResponseCount], arms: Sequence[Arm]) -> list[ResponseCount]:
    """Response counts printed without their group size take the size of the one arm their
    sentence names ("9 patients in the exercise group" and "exercise group (n = 40)"): total
    from the arm, ``total_source`` ``arm``, and where that size was read. Counts larger than
    the arm, and arms named twice with two sizes, are left as they are."""
    by_label = _arms_by_label(arms)
    out = []
    for count in counts:
        arm = _named_arm(count, by_label) if count.total is None else None
        if arm is None or count.responders > arm.size:
            out.append(count)
            continue
        out.append(count.model_copy(update={
            "total": arm.size, "total_source": "arm", "total_text": arm.text,
            "total_start": arm.start, "total_end": arm.end,
            "total_section_index": arm.section_index}))
    return out
