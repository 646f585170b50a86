"""What a drug or condition is in the trial: its role, read from the analysed article.

Drugs: ``studied`` (given in an experimental or active comparator arm), ``background`` (given to
every arm: anaesthesia, standard care, rescue), ``measured`` (an analyte or biomarker: "serum
creatinine", "IL-6 levels") or ``mentioned``. Conditions: ``population`` (the participants'
condition), ``outcome`` (an adverse event or outcome measure) or ``mentioned``.

Whether a drug or condition is what the trial is about is decided by a small logistic model
over features of its mentions (``mention_features``): where they stand (title, objective
sentence, section kind), what surrounds them (allocation and administration verbs, a dose or
route after the name, "group", "versus"; "serum ... levels", "incidence of"), the words right
before and after, and the MeSH tree of the vocabulary record. The models are package data
(``data/drug_role_model.json``, ``data/condition_role_model.json``) written by
``scripts/train_roles.py`` from the TRAIN splits only (drugs: Evidence Inference, whose
physicians wrote down each trial's interventions and comparators; conditions: the PICO and
C-TrO participants' conditions). The other roles are rules over the same features.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from extractor.extract.mentions import SectionMatch
from extractor.extract.patterns.common import sentence_has
from extractor.nlp.analysis import AnalysedSection

# A word of the context: letters, digits and hyphens ("interleukin-6", "i.v").
_WORD = re.compile(r"[A-Za-z][\w-]*")

# Sentence cues, each from a real trial abstract (Evidence Inference / PICO train):
CUES: dict[str, re.Pattern[str]] = {
    # "The aim of this study was to compare the efficacy of X", "Effect of X on ..."
    "objective": re.compile(
        r"\b(?:aims?|objectives?|purpose|goal|hypothes\w+)\b|\bto\s+(?:compare|evaluate|assess|"
        r"determine|investigate|examine|test|explore|study)\b|\b(?:efficacy|effects?|"
        r"effectiveness|safety|impact|influence|benefits?|role)\s+of\b", re.IGNORECASE),
    # "were randomized to receive X or placebo", "allocated to the X group"
    "allocation": re.compile(r"\brandomi[sz]\w*|\brandomly\b|\bassigned\b|\ballocated\b",
                             re.IGNORECASE),
    # "Thirteen patients received efalizumab", "treated with X", "X was administered"
    "given": re.compile(
        r"\b(?:received|receiving|receive|given|administ\w+|treated\s+with|treatment\s+with|"
        r"therapy\s+with|supplement\w*|infus\w+|inject\w+|took|taking)\b", re.IGNORECASE),
    # "X versus placebo", "compared with X"
    "versus": re.compile(r"\b(?:vs\.?|versus|compared\s+(?:with|to)|placebo|control)\b",
                         re.IGNORECASE),
    # "all patients received propofol", "under general anaesthesia", "rescue medication"
    "every_arm": re.compile(
        r"\ball\s+(?:the\s+)?(?:patients|participants|subjects|women|men|children|groups)\b|"
        r"\bboth\s+groups\b|\beach\s+group\b|\bstandard\b|\busual\s+care\b|\brescue\b|"
        r"\bpremedicat\w*|\ban(?:a)?esthe\w+|\binduction\b|\bintubat\w+|\bbackground\b|"
        r"\bconcomitant\b|\bstable\s+dose", re.IGNORECASE),
    # earlier or usual treatment, other studies: "Currently, the most effective treatments ...
    # are thalidomide, methotrexate, and cyclosporin", "has been widely used", "first-line"
    "prior": re.compile(
        r"\bcurrent(?:ly)?\b|\bexisting\b|\bconventional(?:ly)?\b|\bfirst-line\b|"
        r"\bmost\s+(?:effective|common(?:ly)?|widely)\b|\bha(?:ve|s)\s+been\b|\bprevious(?:ly)?\b|"
        r"\bprior\b|\bestablished\b|\bwidely\b|\blicen[cs]ed?\b|\brecommended\b|\bguidelines?\b|"
        r"\bstudies\b|\breported\b", re.IGNORECASE),
    # a result with its statistics: "HbA1c fell by 0.5% (P < 0.001)"
    "statistics": re.compile(r"\b[Pp]\s*[<=>≤≥]|\b95\s*%|\bCI\b|\bOR\b|\bHR\b"),
    # "serum creatinine", "levels of IL-6", "HbA1c decreased"
    "outcome": re.compile(
        r"\b(?:levels?|concentrations?|measured|changes?\s+in|decreas\w+|increas\w+|reduc\w+|"
        r"improv\w+|lower\w*|higher|elevat\w+|incidence|occurrence|adverse|side\s+effects?|"
        r"rates?\s+of|outcomes?)\b", re.IGNORECASE),
    # "patients with type 2 diabetes", "women with breast cancer", "in the treatment of DLE"
    "participants": re.compile(
        r"\b(?:patients|participants|subjects|women|men|children|adults|individuals|infants|"
        r"volunteers|cases)\s+(?:with|who\s+had|suffering\s+from|diagnosed\s+with|undergoing)\b|"
        r"\b(?:treatment|therapy|management|prevention)\s+of\b", re.IGNORECASE),
}
# Right after the name: a dose ("metformin 500 mg", "(2 mg/kg)"), a route or schedule.
_DOSE_AFTER = re.compile(
    r"^\s*[(\[]?\s*(?:\d[\d.,]*\s*(?:-|to)?\s*\d*[\d.,]*\s*(?:mg|g|µg|μg|ug|mcg|ng|ml|mL|iu|IU|"
    r"units?|U|mmol|mEq|%|mg/kg|µg/kg|mg/m2)\b|(?:orally|oral|intravenous\w*|i\.v\.|iv|"
    r"subcutaneous\w*|s\.c\.|intramuscular\w*|inhaled|topical\w*|intranasal\w*|daily|twice|once|"
    r"tablets?|capsules?|injection|infusion|spray|gel|cream|eye\s+drops?))", re.IGNORECASE)
# Right before the name: a dose of it ("10 mg of dexamethasone", "500 mg metformin").
_DOSE_BEFORE = re.compile(
    r"\d[\d.,]*\s*(?:mg|g|µg|μg|ug|mcg|ml|mL|iu|IU|units?|mmol|mg/kg|µg/kg|%)\s*(?:of\s+)?$",
    re.IGNORECASE)
# Right after the name: the arm it names ("the dexmedetomidine group").
_GROUP_AFTER = re.compile(r"^\s*(?:\(\s*[nN]\s*=\s*\d+\s*\)\s*)?(?:group|arm|treatment|therapy|"
                         r"regimen|users?|-treated|-based)\b", re.IGNORECASE)
# Right before the name: it is given to every arm, whatever the arm ("general anaesthesia with
# propofol and fentanyl", "premedicated with midazolam", "rescue paracetamol", "all patients
# received aspirin and").
_EVERY_ARM_BEFORE = re.compile(
    r"(?:\ban(?:a)?esthe\w*|\bpremedicat\w*|\binduc\w*|\bmaintain\w*|\bmaintenance|\brescue|"
    r"\bstandard|\busual|\bbackground|\bconcomitant|\ball\s+(?:the\s+)?(?:patients|participants|"
    r"subjects|groups)\s+(?:received|were\s+given|were\s+treated\s+with))"
    r"[^.;()]{0,40}?\b(?:with|using|by|of|received|given|treated\s+with)?\s*"
    r"(?:[\w-]+(?:\s+[\w-]+)?\s*(?:,|and)\s*){0,3}$", re.IGNORECASE)
# Around the name: what is measured of it ("serum creatinine", "IL-6 levels", "levels of TNF").
_ANALYTE_BEFORE = re.compile(
    r"\b(?:serum|plasma|blood|urinary|urine|fasting|salivary|circulating|cord|tissue|"
    r"intracellular|total|free|mean|baseline|(?:levels?|concentrations?|secretion|expression|"
    r"production|release|measurements?|excretion|clearance)\s+of(?:\s+the)?)\s*$",
    re.IGNORECASE)
_ANALYTE_AFTER = re.compile(
    r"^\s*(?:levels?|concentrations?|values?|secretion|expression|production|release|"
    r"clearance|excretion|sensitivity|resistance|tolerance|index|ratio|status|metabolism|"
    r"uptake|saturation|content|consumption|intake|turnover|/)\b", re.IGNORECASE)

# Right before the name: whose condition it is, the participants' ("patients with relapsing
# multiple sclerosis", "in dogs with heatstroke", "patients with a history of myocardial
# infarction (MI) and peripheral artery disease", "women at risk of breast cancer",
# "patients undergoing cystectomy"), up to a few words of the name's own phrase between.
_PARTICIPANTS_BEFORE = re.compile(
    r"\b(?:patients|participants|subjects|women|men|children|adults|adolescents|individuals|"
    r"infants|neonates|people|persons|volunteers|cases|smokers|dogs|cats|horses|rats|mice|pigs|"
    r"population)\s+(?:with|who\s+(?:had|have)|suffering\s+from|diagnosed\s+with|affected\s+by|"
    r"at\s+(?:high\s+)?risk\s+(?:of|for)|presenting\s+with|undergoing|having)\s+"
    r"(?:[^\s.;:!?()\[\]]+\s+){0,6}?$",
    re.IGNORECASE)
# Right after the name: the people who have it ("type 2 diabetic patients", "asthma
# patients", "HIV-infected adults", "in breast cancer survivors").
_PARTICIPANTS_AFTER = re.compile(
    r"^[\s-]*(?:infected\s+|positive\s+)?(?:patients|participants|subjects|women|men|children|"
    r"adults|individuals|infants|people|persons|survivors|sufferers|population|cases)\b",
    re.IGNORECASE)

CONTEXT = 60  # characters of context read on either side of a mention


def _context(section: AnalysedSection, match: SectionMatch) -> tuple[str, str, str]:
    """(sentence, text before the mention in it, text after it in it), each at most
    ``CONTEXT`` characters from the mention."""
    sentence = section.sentence_at(match.start)
    before = section.text[max(sentence.start, match.start - CONTEXT):match.start]
    after = section.text[match.end:min(sentence.end, match.end + CONTEXT)]
    return section.sentence_text(sentence), before, after


@lru_cache(maxsize=4096)
def sentence_cues(sentence: str) -> frozenset[str]:
    """The ``cue:`` flags of one sentence: each sentence is read once, however many mentions it
    holds (cached by its text)."""
    return frozenset(f"cue:{name}" for name, cue in CUES.items() if cue.search(sentence))


# A pattern of one extractor's own, read on the text before or after each mention:
# (feature name, pattern, "before" or "after").
ContextPattern = tuple[str, re.Pattern[str], str]


def mention_features(sections: Sequence[AnalysedSection], group: Iterable[SectionMatch],
                     trees: Iterable[str] = (), patterns: Sequence[ContextPattern] = ()
                     ) -> dict[str, float]:
    """Features of one drug or condition: binary ones hold when any mention has them, ``share:``
    ones are the share of mentions that have them, ``mentions`` counts them (log). ``patterns``
    are more flags the caller reads around each mention (``ContextPattern``)."""
    features: dict[str, float] = {"bias": 1.0}
    counts: dict[str, int] = {}
    matches = list(group)
    for match in matches:
        section = sections[match.section_index]
        sentence, before, after = _context(section, match)
        # the sentence's kind, as its section's or as a heading printed inside the text says
        # ("Methods: ..." of an abstract flattened into one paragraph), not the section's: a
        # flattened abstract is one section of kind "other"
        flags = {f"sentence:{section.sentence_at(match.start).kind}"}
        flags.update(sentence_cues(sentence))
        for name, pattern, text in (("every_arm_before", _EVERY_ARM_BEFORE, before),
                                    ("dose_after", _DOSE_AFTER, after),
                                    ("dose_before", _DOSE_BEFORE, before),
                                    ("group_after", _GROUP_AFTER, after),
                                    ("analyte_before", _ANALYTE_BEFORE, before),
                                    ("analyte_after", _ANALYTE_AFTER, after),
                                    ("participants_before", _PARTICIPANTS_BEFORE, before),
                                    ("participants_after", _PARTICIPANTS_AFTER, after),
                                    *((name, pattern, before if where == "before" else after)
                                      for name, pattern, where in patterns)):
            if pattern.search(text):
                flags.add(name)
        words_before = _WORD.findall(before)
        words_after = _WORD.findall(after)
        if words_before:
            flags.add(f"w-1:{words_before[-1].lower()}")
        if words_after:
            flags.add(f"w+1:{words_after[0].lower()}")
        if match.text.isupper() or len(match.text) <= 3:
            flags.add("short")
        for flag in flags:
            counts[flag] = counts.get(flag, 0) + 1
    for flag, count in counts.items():
        features[flag] = 1.0
        if not flag.startswith("w"):
            features[f"share:{flag}"] = count / len(matches)
    features["mentions"] = math.log1p(len(matches))
    for tree in trees:
        parts = tree.split(".")
        features[f"tree:{parts[0]}"] = 1.0
        features[f"tree:{'.'.join(parts[:2])}"] = 1.0
    return features


@dataclass(frozen=True)
class _Standings:
    """What ``relative_features`` compares each drug (condition) of an article with."""

    total: int  # mentions of all of them
    most: int  # mentions of the most mentioned
    in_title: frozenset[str]  # those named in the title
    first: str  # the first named


# The standings of the last ``groups`` asked about: every drug (condition) of an article asks
# about the same groups in turn, which read once makes the features linear in their number.
_LAST_STANDINGS: list[tuple[Mapping[str, Sequence[SectionMatch]], _Standings]] = []


def _standings(groups: Mapping[str, Sequence[SectionMatch]]) -> _Standings:
    if _LAST_STANDINGS and _LAST_STANDINGS[0][0] is groups:
        return _LAST_STANDINGS[0][1]
    standings = _Standings(
        total=sum(len(g) for g in groups.values()),
        most=max(len(g) for g in groups.values()),
        in_title=frozenset(k for k, g in groups.items() if any(m.section_index == 0 for m in g)),
        first=next(iter(groups)),
    )
    _LAST_STANDINGS[:] = [(groups, standings)]
    return standings


def relative_features(groups: Mapping[str, Sequence[SectionMatch]], key: str) -> dict[str, float]:
    """How one drug (condition) stands among the article's others: its share of their mentions,
    whether it is the most mentioned, the only one, or absent from a title that names another.
    ``groups`` must not change between the calls for one article (their standings are kept)."""
    group = groups[key]
    standings = _standings(groups)
    return {
        "rel:share": len(group) / standings.total if standings.total else 0.0,
        "rel:most_mentioned": float(len(group) == standings.most),
        "rel:only_one": float(len(groups) == 1),
        "rel:other_in_title": float(key not in standings.in_title and bool(standings.in_title)),
        "rel:first": float(key == standings.first),
    }


def only_background(features: Mapping[str, float],
                    cues: Sequence[str] = ("objective", "allocation", "given")) -> bool:
    """Named only in background sentences, none of which has one of ``cues`` (states the aim,
    allocates or gives it): earlier treatments and other studies ("Currently, the most
    effective treatments ... are thalidomide, methotrexate, and cyclosporin"), never what this
    trial gave. (On Evidence Inference TRAIN this holds for 15 of 1,772 drugs the trial
    compared, and 256 of 4,253 others.)"""
    return (features.get("share:sentence:background", 0.0) == 1.0
            and not any(features.get(f"cue:{cue}") for cue in cues))


def has_cue(sections: Sequence[AnalysedSection], group: Iterable[SectionMatch],
            pattern: re.Pattern[str], where: str = "sentence") -> float:
    """The share of mentions whose sentence (``where="sentence"``), or the text just before or
    after them (``"before"``, ``"after"``), matches ``pattern``."""
    matches = list(group)
    hits = 0
    for match in matches:
        sentence, before, after = _context(sections[match.section_index], match)
        if where == "sentence":
            hits += sentence_has(pattern, sentence)
            continue
        hits += bool(pattern.search(before if where == "before" else after))
    return hits / len(matches) if matches else 0.0


@dataclass(frozen=True)
class RoleModel:
    """A logistic model: ``weights`` of features, and the probability ``threshold`` above
    which the drug or condition is what the trial is about. ``minimum``: the chance below which
    not even an article's likeliest condition is its population's; ``ratio``: the share of the
    likeliest drug's chance another drug needs to be studied too (both chosen by
    ``scripts/train_roles.py``, 0 when the model file names none)."""

    weights: Mapping[str, float]
    threshold: float
    minimum: float = 0.0
    ratio: float = 0.0

    def probability(self, features: Mapping[str, float]) -> float:
        score = sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


@cache
def role_model(name: str) -> RoleModel:
    """The model of ``data/<name>.json`` (``{"weights": {...}, "threshold": t}``)."""
    data = json.loads(resources.files("extractor").joinpath("data", f"{name}.json")
                      .read_text(encoding="utf-8"))
    return RoleModel(weights=data["weights"], threshold=float(data["threshold"]),
                     minimum=float(data.get("minimum", 0.0)), ratio=float(data.get("ratio", 0.0)))


# Publication types of an article that reports no study of its own: its drugs are studied by
# others, and it has no arms ("Potassium" as a studied drug of a guideline, an arm labelled
# from a review's sentence). An article that is also typed as a study keeps its roles.
NOT_A_STUDY = frozenset({
    "Guideline", "Practice Guideline", "Review", "Systematic Review", "Scoping Review",
    "Meta-Analysis", "Editorial", "Comment", "Letter", "News", "Newspaper Article",
    "Consensus Development Conference", "Consensus Development Conference, NIH",
    "Published Erratum", "Retraction of Publication", "Expression of Concern", "Biography",
    "Historical Article", "Interview", "Lecture", "Patient Education Handout", "Personal Narrative",
})
# Publication types of studies: every "... Trial", and these.
STUDIES = frozenset({"Case Reports", "Observational Study", "Comparative Study", "Evaluation Study",
                     "Validation Study", "Multicenter Study", "Twin Study", "Clinical Study"})


def reports_no_study(publication_types: Sequence[str]) -> bool:
    """True for a guideline, review, editorial, letter...: no type says it is a study."""
    return any(t in NOT_A_STUDY for t in publication_types) and not any(
        t in STUDIES or "Trial" in t for t in publication_types)
