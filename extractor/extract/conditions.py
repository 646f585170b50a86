"""Conditions of an article: MeSH disease names in the title and abstract, plus its MeSH headings.

- Text: the MeSH disease vocabulary of ``extractor.nlp.vocabulary`` (longest match first, so
  "discoid lupus erythematosus" is one mention and never "lupus"), abbreviations defined in
  the abstract ("discoid lupus erythematosus (DLE)", "levodopa-induced dyskinesia (LID)") or in
  common use ("NSCLC", case-sensitive), names whose shape says "disease" (``_DISEASE_SHAPE``:
  "Pendred syndrome", "C2 deficiency"), and the tagger's ``disease`` spans
  (``AnalysedSection.entities``), less bare abbreviations the article
  does not define with a disease long form ("CP"; "Hormone therapy (HT)") unless their
  letters spell a disease name of the article (title "overactive bladder", then "OAB"). A
  dictionary match wins over a span that crosses its edge; a longer span around it wins over
  it, less a learned non-modifier just before the name ("acute hepatitis" -> "hepatitis",
  ``data/disease_left_nonmodifiers.txt``). Mentions running on into a letter or digit ("WT"
  of "WT1") are dropped. A disease name inside a longer chemical name is no disease:
  "tumor necrosis factor" holds no "tumor" (the drug vocabulary blocks it).
- Edges: coordinated heads make one composite mention ("breast and ovarian cancer", and
  coordinated adjectives before a shared head noun: "glomerular and tubular injury") and the
  modifiers of ``data/disease_left_modifiers.txt`` belong to the name ("X-linked
  thrombocytopenia").
- Role: the role model (``extract.roles``, ``condition_features``) gives each condition a
  chance; ``population_keys`` then decides for the whole article: its likeliest condition, and
  another only when it is as sure as the model's threshold, never a MeSH ancestor repeating a
  chosen child's words (a reviewer lists one or two conditions where the text names five).
- One ``Condition`` per MeSH descriptor, with every mention; ``Mention.text`` is the text as
  printed ("Discoid lupus erythematosus" keeps its capital).
- MeSH headings: each heading of the record that is in the disease trees (C, and F03 mental
  disorders) becomes a ``mesh_heading`` condition, unless the text already gave it.
- Identifiers: the heading's own UI when the record has that heading (the record is
  authoritative), else ``vocabulary.disease_mesh_id``: the package's ``mesh_id`` is wrong for
  about half of the descriptors met in BC5CDR (D015435 for "Lupus Erythematosus, Discoid",
  which is D008179), so corrections checked by hand or learned from BC5CDR TRAIN IDs come
  first. On BC5CDR dev, 69% of the exactly found mentions that the corpus gives a MeSH ID carry
  that ID (``extract evaluate``: 2,844 of 4,143); of the rest, 722 are names outside the
  vocabulary (found by the tagger or a shape: no ID), 503 another ID, 74 a composite gold ID.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from extractor.extract.mentions import (
    SectionMatch,
    drop_undefined_short_forms,
    find_mentions,
    group_by_key,
    mentions_of,
)
from extractor.extract.result import Extraction, unread_doubts
from extractor.extract.roles import (
    RoleModel,
    has_cue,
    mention_features,
    only_background,
    relative_features,
    role_model,
)
from extractor.kinds import ConditionRole
from extractor.models import Condition, MeshHeading
from extractor.nlp.abbreviations import is_bare_short_form, letters_in_order
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection, EntitySpan
from extractor.nlp.tokens import token_words
from extractor.nlp.vocabulary import (
    cased_variants,
    disease_key_by_mesh_id,
    disease_lexicon,
    disease_mesh_id,
    disease_records,
    is_disease_record,
    word_set,
)

# Names the vocabulary lacks but whose shape says "disease", each branch from a real sentence:
_DISEASE_SHAPE = re.compile(
    r"""
    (?<![\w-])
    (?:
        # eponyms: "Pendred syndrome", "van der Woude syndrome", "Kniest dysplasia",
        # "Norrie disease", "Lesch-Nyhan syndrome", "Peters anomaly"
        (?:(?:von|van|de|der|den|la|le|du)\s+)*
        [A-Z][a-z]{2,}(?:[-\s][A-Z][a-z]{2,})*(?:'s?)?
        \s+(?:syndrome|disease|dysplasia|anomaly|dystrophy)
      | # a missing gene product or enzyme: "C2 deficiency", "CETP deficiency", "VLCAD deficiency"
        [A-Z][A-Z0-9-]{1,7}\s+deficiency
    )
    (?![\w-])
    """,
    re.VERBOSE,
)

# Words of a sentence start that are no eponym: "The disease", "This syndrome".
_NOT_EPONYM = re.compile(r"^(?:The|This|That|These|Those|A|An|Each|Both|Such|Our|In|Of)\b")


def disease_shape_spans(text: str) -> list[EntitySpan]:
    """(start, end, "disease") for eponymous syndromes and "X deficiency" names."""
    return [
        (m.start(), m.end(), "disease")
        for m in _DISEASE_SHAPE.finditer(text)
        if not _NOT_EPONYM.match(m.group())
    ]


# A coordinated head before a disease: "breast and ovarian cancer", "breast/ovarian cancer".
_COORDINATED = re.compile(
    r"(?P<first>[A-Za-z]+)(?:\s+and/or\s+|\s+and\s+|\s+or\s+|\s*/\s*|-)$"
)


# Relational adjectives that coordinate with the first word of a mention: "glomerular and
# tubular injury", "hemorrhagic and thromboembolic complications", "cardiac and skeletal
# myopathies".
_ADJECTIVE = re.compile(r"^[a-z]{3,}(?:al|ic|ar|ous|ary)$", re.IGNORECASE)
# One more item of a list before a composite: "haematological, renal, hepatic and ...".
_LISTED = re.compile(r"(?P<first>[A-Za-z]+),\s+$")


def extend_composite(text: str, start: int, end: int) -> int:
    """The start of a composite mention ending with ``text[start:end]``, else ``start``.

    "breast and ovarian cancer" is one mention when "breast cancer" is a disease name;
    "glomerular and tubular injury" when both coordinated words are adjectives.
    """
    words = text[start:end].split()
    if len(words) < 2:
        return start
    found = _COORDINATED.search(text, max(0, start - 40), start)
    if found is None:
        return start
    first = found.group("first")
    parallel = bool(_ADJECTIVE.match(first) and _ADJECTIVE.match(words[0])
                    and not _ADJECTIVE.match(words[-1]))  # a shared head noun
    if not parallel and disease_lexicon().lookup(f"{first} {words[-1]}") is None:
        return start
    start = found.start()
    while parallel and (listed := _LISTED.search(text, max(0, start - 30), start)):
        if not _ADJECTIVE.match(listed.group("first")):
            break
        start = listed.start()
    return start


def is_whole_word(text: str, start: int, end: int) -> bool:
    """False when ``text[start:end]`` runs on into a letter or digit: "WT" in "WT1 mutations"
    names a gene, not Wilms tumour."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def disease_short_forms(analysed: AnalysedArticle) -> frozenset[str]:
    """Short forms the article defines with a disease long form: one that holds a dictionary
    disease name or overlaps a tagger disease span.

    "overactive bladder (OAB)" defines a disease; "Hormone therapy (HT)" and "bone mineral
    density (BMD)" do not, so a tagger's "HT" or "BMD" is dropped like an undefined one.
    """
    shorts: set[str] = set()
    for section in analysed.sections:
        spans = [(s, e) for s, e, _ in _disease_entities(section)]
        for short, (long_form, start, end) in section.abbreviations.items():
            if disease_lexicon().find(long_form) or any(s < end and start < e for s, e in spans):
                shorts.add(short)
    return frozenset(shorts)


def implied_short_forms(analysed: AnalysedArticle) -> frozenset[str]:
    """Undefined short forms the tagger marks that abbreviate a disease name of the article.

    A title "... overactive bladder" and "OAB" in the abstract: the letters of the short form
    occur in order in a name of two or more words, the first at its start.
    """
    names: set[str] = set()
    shorts: set[str] = set()
    for section in analysed.sections:
        for start, end, _ in _disease_entities(section):
            if is_bare_short_form(section.text[start:end]):
                shorts.add(section.text[start:end])
            elif len(section.text[start:end].split()) >= 2:
                names.add(section.text[start:end].lower())
        names.update(m.text.lower() for m in section.disease_matches if " " in m.text)
    return frozenset(s for s in shorts if any(_letters_fit(s, name) for name in names))


def _disease_entities(section: AnalysedSection) -> list[EntitySpan]:
    return [span for span in section.entities if span[2] == "disease"]


def _letters_fit(short: str, name: str) -> bool:
    """At least two letters or digits, found in order in ``name`` from its first letter."""
    return sum(ch.isalnum() for ch in short) >= 2 and letters_in_order(short, name)


def condition_mentions(analysed: AnalysedArticle) -> dict[str, list[SectionMatch]]:
    """The condition mentions of the text, grouped by canonical key, in order of first
    appearance.

    Candidates beyond the dictionary: name shapes (``_DISEASE_SHAPE``) and the tagger's
    ``disease`` spans; dictionary matches win where they overlap.
    """
    sections = analysed.sections
    defined = disease_short_forms(analysed) | implied_short_forms(analysed)
    extra = {
        section.index: [
            *disease_shape_spans(section.text),
            *drop_undefined_short_forms(
                section.text, trim_left_nonmodifiers(section, _disease_entities(section)),
                defined),
        ]
        for section in sections
    }
    matches = find_mentions(
        sections, disease_lexicon(), {s.index: s.disease_matches for s in sections},
        {**cased_variants("disease_cased_variants.tsv"), **analysed.disease_abbreviations},
        extra=extra, blocking={s.index: s.drug_matches for s in sections},
    )
    groups = group_by_key(_extended(sections[m.section_index].text, m) for m in matches
                          if is_whole_word(sections[m.section_index].text, m.start, m.end))
    return merge_parents(merge_short_forms(groups))


def merge_short_forms(groups: dict[str, list[SectionMatch]]) -> dict[str, list[SectionMatch]]:
    """Fold a condition named only by a short form the vocabulary lacks into the condition whose
    name it abbreviates: "patients paced for sick sinus syndrome (SSS)", where the definition
    was read as "sinus syndrome" and every later "SSS" would be a condition of its own; "AD" of
    "Alzheimer's disease". The name is the first of two or more words, among the conditions
    before it, whose letters the short form takes in order from its first (``_letters_fit``)."""
    records = disease_records()
    merged = {key: list(group) for key, group in groups.items()}
    names: list[tuple[str, str]] = []  # (key, lower-cased name of two or more words)
    for key, group in groups.items():
        short = group[0].text
        if (key not in records and all(m.text == short for m in group)
                and is_bare_short_form(short)):
            into = next((k for k, name in names if k in merged and _letters_fit(short, name)),
                        None)
            if into is not None:
                merged[into] = sorted([*merged[into], *merged.pop(key)],
                                      key=lambda m: (m.section_index, m.start))
                continue
        names.extend((key, m.text.lower()) for m in group if " " in m.text)
    return merged


def merge_parents(groups: dict[str, list[SectionMatch]]) -> dict[str, list[SectionMatch]]:
    """Fold a MeSH parent into its child when the parent's mentions only repeat words of the
    child's: "type 1 diabetes ... diabetes" is one condition, Diabetes Mellitus, Type 1, not that
    and Diabetes Mellitus beside it. The most specific descriptor wins."""
    records = disease_records()
    trees = {key: records.get(key, {}).get("mesh_tree", []) for key in groups}
    below = _descendants_by_tree(trees)
    order = {key: number for number, key in enumerate(groups)}
    merged = {key: list(group) for key, group in groups.items()}
    for parent in groups:
        candidates = sorted({key for tree in trees[parent] for key in below.get(tree, ())},
                            key=order.__getitem__)
        child = next((key for key in candidates if key != parent and key in merged
                      and all(_repeats(m.text, groups[key]) for m in groups[parent])), None)
        if child is not None and parent in merged:
            merged[child] = sorted([*merged[child], *merged.pop(parent)],
                                   key=lambda m: (m.section_index, m.start))
    return merged


def _repeats(text: str, group: Sequence[SectionMatch]) -> bool:
    """True when ``text`` says nothing a mention of ``group`` does not: its words are among the
    mention's ("diabetes" of "type 1 diabetes"), or it abbreviates the mention's last words ("MS"
    of "relapsing-remitting multiple sclerosis")."""
    words = set(token_words(text))
    short = is_bare_short_form(text)
    for match in group:
        if words <= set(token_words(match.text)):
            return True
        tails = [match.text[m.start():] for m in re.finditer(r"(?<![\w-])\w", match.text)]
        if short and any(letters_in_order(text, tail) for tail in tails):
            return True
    return False


def _descendants_by_tree(trees: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """MeSH tree number -> the keys with a tree number below it ("C10.228" -> the keys under
    "C10.228.140"...), so a parent's children are looked up, not searched for among every key."""
    below: dict[str, set[str]] = {}
    for key, numbers in trees.items():
        for number in numbers:
            parts = number.split(".")
            for size in range(1, len(parts)):
                below.setdefault(".".join(parts[:size]), set()).add(key)
    return below


def extract_conditions(analysed: AnalysedArticle) -> Extraction[Condition]:
    """Conditions of the article: text mentions grouped by MeSH descriptor, each with its role,
    then its MeSH headings not named in the text. Doubts: the sections read only in part."""
    sections = analysed.sections
    headings = {key: heading for heading in analysed.article.mesh_headings
                if (key := disease_heading_key(heading)) is not None}
    groups = condition_mentions(analysed)
    model = role_model("condition_role_model")
    features = {key: condition_features(sections, key, groups) for key in groups}
    # a condition named only in the background, with no participants or aim, is not theirs; one
    # named only among the results is what happened to them
    chance = {key: 0.0 if ruled_out(sections, key, groups[key], features[key])
              else model.probability(features[key])
              for key in groups}
    population = population_keys(chance, model, bool(headings),
                                 {key: {condition_display(key, group[0].text)[0],
                                        *(m.text for m in group)}
                                  for key, group in groups.items()})
    conditions = [_condition(sections, key, group, headings.get(key), key in population)
                  for key, group in groups.items()]
    seen = {c.name.lower() for c in conditions}
    for key, heading in headings.items():
        name = heading.name
        if name.lower() in seen or disease_records().get(key, {}).get("name", "").lower() in seen:
            continue
        seen.add(name.lower())
        # A MeSH heading names what the article is indexed as being about.
        conditions.append(Condition(name=name, identifier=heading.ui, source="mesh_heading",
                                    role="population", studied=True))
    return Extraction(conditions, unread_doubts(analysed, "conditions"))


def ruled_out(sections: Sequence[AnalysedSection], key: str, group: Sequence[SectionMatch],
              features: Mapping[str, float]) -> bool:
    """Never the population's, whatever the model says: named only in the background with no
    participants or aim, or only among the results; a name the vocabulary lacks that is not
    shaped like a disease's; or only ever negated or part of another thing's name."""
    return (only_background(features, PARTICIPANT_CUES) or only_results(features)
            or not disease_shaped(key, group)
            or all(names_another_thing(sections, m) for m in group))


def population_keys(chance: Mapping[str, float], model: RoleModel, headings: bool = False,
                    names: Mapping[str, Collection[str]] | None = None) -> set[str]:
    """The conditions of the article's population, decided for the article, not one by one:
    the likeliest (when its chance reaches ``model.minimum``), and others only when their
    chance reaches ``model.threshold``; then no MeSH ancestor of another chosen condition that
    repeats its words (``names``: "Diabetes Mellitus" of "diabetes" beside "Diabetes Mellitus,
    Type 2"; "Virus Diseases" of "dengue virus infection" beside "Dengue"), while "Polymyositis"
    and its child "Dermatomyositis", two names, both stay. A record with MeSH headings, which
    name its population already, takes from the text only conditions at the threshold. A
    chance of 0 (ruled out before the model) is never chosen."""
    ranked = sorted((key for key, p in chance.items() if p > 0.0), key=lambda k: -chance[k])
    chosen = [key for key in ranked if chance[key] >= model.threshold]
    if not headings and ranked and ranked[0] not in chosen and chance[ranked[0]] >= model.minimum:
        chosen.insert(0, ranked[0])
    names = names or {}
    words = {key: [_NAME_WORD.findall(name.lower()) for name in names.get(key, (key,))]
             for key in chosen}
    trees = {key: disease_trees(key) for key in chosen}
    return {key for key in chosen
            if not any(other != key and _is_ancestor(trees[key], trees[other])
                       and _repeats_words(words[key], words[other]) for other in chosen)}


_NAME_WORD = re.compile(r"[a-z0-9]+")


def _repeats_words(names: Sequence[Sequence[str]], others: Sequence[Sequence[str]]) -> bool:
    """True when one name's words run inside another's, either way ("diabetes" in "type 2
    diabetes", "dengue" in "dengue virus infection")."""
    return any(_runs_inside(a, b) or _runs_inside(b, a) for a in names for b in others)


def _runs_inside(words: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(list(words[i:i + n]) == list(part) for i in range(len(words) - n + 1))


def disease_trees(key: str) -> list[str]:
    """The MeSH tree numbers of a condition in the disease trees (C, F03); none when unknown."""
    return [tree for tree in disease_records().get(key, {}).get("mesh_tree", [])
            if tree.startswith(DISEASE_TREE_PREFIXES)]


DISEASE_TREE_PREFIXES = ("C", "F03")


def _is_ancestor(trees: Sequence[str], others: Sequence[str]) -> bool:
    """True when a tree number of ``trees`` is above one of ``others`` ("C19.246" is above
    "C19.246.300")."""
    return any(other.startswith(tree + ".") for tree in trees for other in others)


# After a disease name, words that make it part of the name of another thing, each from a
# real sentence: "heat shock protein 27", "a hypoxia-inducing mask", "the Diabetes Prevention
# Program", "a diabetes education programme", "DPT/Hepatitis B vaccine completion",
# "Alzheimer's Disease Assessment Scale", "the Asthma Control Questionnaire".
_ANOTHER_THING_AFTER = re.compile(
    r"^[\s-]*(?:(?:prevention\s+)?program(?:me)?s?|education|proteins?|inducing|vaccines?|"
    r"vaccination|immuni[sz]ation|(?:\w+\s+)?(?:questionnaire|scale|score|index|inventory)s?)\b",
    re.IGNORECASE)
# Before it, a negation of the name: "non-diabetic patients", "in non-HIV-infected adults".
_NEGATED_BEFORE = re.compile(r"\bnon-?\s*$", re.IGNORECASE)


# The last word of a disease name: a disease noun or a disease suffix, each seen in a name
# the vocabulary lacks that the tagger found: "hip fracture", "HIV disease", "ovarian damage",
# "cardiac dysfunction", "insomnia", "axillary web syndrome", "microvascular disease".
_DISEASE_HEAD = re.compile(
    r"(?:disease|disorder|syndrome|cancer|carcinoma|tumou?r|neoplasm|infection|injury|injuries|"
    r"failure|fracture|deficiency|insufficiency|dysfunction|lesion|damage|loss|pain|ulcer|ache|"
    r"palsy|attack|arrest|stroke|"
    r"\w{3,}(?:itis|osis|oma|pathy|emia|aemia|algia|ism|ia|iasis))(?:e?s)?$", re.IGNORECASE)


def disease_shaped(key: str, group: Sequence[SectionMatch]) -> bool:
    """A name of the vocabulary, or one shaped like a disease name (``_DISEASE_HEAD``). The
    tagger also marks what people think or do and what is measured of them ("attitudes",
    "incentives", "cognitions", "lifestyle", "bone turnover", "obese"), and short forms of other
    things ("PWS" of a supplement): on PICO and C-TrO TRAIN, 8 of the 94 such names without a
    disease's last word are the participants' condition, against 7 of the 42 with one."""
    return key in disease_records() or bool(_DISEASE_HEAD.search(group[0].text.strip()))


def names_another_thing(sections: Sequence[AnalysedSection], match: SectionMatch) -> bool:
    """The mention is not the condition itself: it is negated ("non-diabetic patients") or part
    of the name of a protein, programme, vaccine or scale (``_ANOTHER_THING_AFTER``)."""
    text = sections[match.section_index].text
    return bool(_NEGATED_BEFORE.search(text, max(0, match.start - 5), match.start)
                or _ANOTHER_THING_AFTER.match(text[match.end:match.end + 40]))


_MODIFIER_BEFORE = re.compile(r"(?P<word>[A-Za-z][\w-]*)\s+$")


def word_before(text: str, start: int, floor: int = 0) -> re.Match[str] | None:
    """The word just before ``start`` ("acute" of "acute hepatitis"), looked for in the 30
    characters before it and not before ``floor``; group ``word``."""
    return _MODIFIER_BEFORE.search(text, max(floor, start - 30), start)


def extend_modifiers(text: str, start: int) -> int:
    """The start of the mention with the modifiers of ``data/disease_left_modifiers.txt``.

    "hereditary hemochromatosis", "X-linked thrombocytopenia": the modifier is part of the name.
    """
    modifiers = word_set("disease_left_modifiers.txt")
    while True:
        found = word_before(text, start)
        if found is None or found.group("word").lower() not in modifiers:
            return start
        before = text[found.start() - 1] if found.start() > 0 else " "
        if before.isalnum() or before == "-":
            return start
        start = found.start()


def trim_left_nonmodifiers(section: AnalysedSection, spans: Sequence[EntitySpan]
                           ) -> list[EntitySpan]:
    """Cut tagger ``disease`` spans back to the dictionary name they end with when the word
    just before that name is one of ``data/disease_left_nonmodifiers.txt``.

    "acute hepatitis", "cocaine-induced seizures" -> "hepatitis", "seizures": the annotators
    rarely count those words in; "hereditary hemochromatosis" is left whole.
    """
    text, names = section.text, section.disease_matches
    words = word_set("disease_left_nonmodifiers.txt")
    # the dictionary names do not overlap: at most one ends at each offset
    start_by_end = {m.end: m.start for m in names}
    trimmed: list[EntitySpan] = []
    for start, end, label in spans:
        if label == "disease":
            name_start = start_by_end.get(end, start)
            if start < name_start:
                found = word_before(text, name_start, floor=start)
                if found is not None and found.group("word").lower() in words:
                    start = name_start
        trimmed.append((start, end, label))
    return trimmed


def _extended(text: str, match: SectionMatch) -> SectionMatch:
    start = extend_composite(text, match.start, match.end)
    start = extend_modifiers(text, start)
    if start == match.start:
        return match
    return SectionMatch(match.section_index, match.section, start, match.end,
                        text[start:match.end], match.key)


def disease_heading_key(heading: MeshHeading) -> str | None:
    """The vocabulary key of a MeSH heading in the disease trees, or None.

    Found by name first; by UI only through the corrected IDs (``vocabulary.disease_mesh_id``),
    since the package's own IDs are often another descriptor's ("Antiviral Agents", D000998,
    is the package's ID of a disease).
    """
    records = disease_records()
    key: str | None = heading.name.lower()
    if key not in records:
        key = disease_key_by_mesh_id().get(heading.ui or "")
    if key is None or not is_disease_record(records[key]):
        return None
    return key


def condition_display(key: str, printed: str | None = None) -> tuple[str, str | None]:
    """(MeSH name, MeSH ID) for a disease key; ``printed`` (the first mention) if unknown."""
    record = disease_records().get(key, {})
    return record.get("name") or printed or key, disease_mesh_id(key)


# Right before a condition: what the trial does to it, so it is the one the trial is about
# ("for the treatment of overactive bladder", "in the prevention of recurrent HSK", "to prevent
# smoking relapse", "Mirabegron for overactive bladder", "management of postoperative pain").
_TARGET_BEFORE = re.compile(
    r"(?:\b(?:treat(?:ment|ing)?|therap(?:y|ies)|management|manag(?:e|ing)|prevention|"
    r"prevent(?:ing)?|prophylaxis|control(?:ling)?|reduc(?:e|ing)|relie(?:f|ve|ving)|cure)"
    r"\s+(?:of\s+|for\s+|in\s+)?(?:the\s+|an?\s+)?|\bfor\s+(?:the\s+|an?\s+)?)"
    r"(?:[\w'-]+\s+){0,3}$", re.IGNORECASE)
# Right before a condition: it is counted or measured, so it is an outcome ("the incidence of
# postoperative nausea", "risk of stroke", "episodes of hypoglycaemia", "severity of pain",
# "development of new metastases", "symptoms of depression").
_OUTCOME_BEFORE = re.compile(
    r"\b(?:incidence|occurrence|rates?|risk|episodes?|severity|frequency|number|prevalence|"
    r"development|onset|recurrence|resolution|reduction|symptoms?|signs?|duration|degree|"
    r"score|time\s+to)\s+(?:of|in|for)\s+(?:the\s+|an?\s+|any\s+|new\s+)?"
    r"(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)
# Right after a condition: it is what happened or what was measured ("hypotension occurred in
# 12", "pain scores", "nausea was reported", "stroke or death at 30 days", "fatigue scale").
_OUTCOME_AFTER = re.compile(
    r"^[\s,)-]*(?:occurred|developed|was\s+(?:observed|reported|noted|lower|higher|less|more)|"
    r"were\s+(?:observed|reported|noted)|scores?|rates?|events?|incidence|severity|intensity|"
    r"episodes?|scales?|index|free|-free|questionnaire|relief)\b", re.IGNORECASE)
CONDITION_PATTERNS = (("target_before", _TARGET_BEFORE, "before"),
                      ("outcome_before", _OUTCOME_BEFORE, "before"),
                      ("outcome_after", _OUTCOME_AFTER, "after"))


def condition_features(sections: Sequence[AnalysedSection], key: str,
                       groups: Mapping[str, Sequence[SectionMatch]]) -> dict[str, float]:
    """The features the role model reads (``roles.mention_features`` of the condition's
    mentions with ``CONDITION_PATTERNS``, ``roles.relative_features`` among the article's
    conditions), plus whether the vocabulary knows the condition, how general its MeSH
    descriptor is (``mesh_depth``), and whether it is the ancestor of another condition of the
    article. Not its MeSH tree: the model learns from corpora of few diseases (PICO's breast
    cancer, whose targets are symptoms and side effects, and C-TrO's glaucoma and type 2
    diabetes), where the tree says which corpus a condition comes from, not whose it is (trained
    with trees, "women with breast cancer" was no population's: neoplasms weighed -1.5, eye
    diseases +2.0)."""
    record = disease_records().get(key, {})
    features = mention_features(sections, groups[key], patterns=CONDITION_PATTERNS)
    features.update(relative_features(groups, key))
    features["known"] = float(bool(record))
    trees = disease_trees(key)
    if trees:
        depth = min(t.count(".") + 1 for t in trees)
        features[f"mesh_depth:{min(depth, 4)}"] = 1.0
        if any(t.startswith("C23") for t in trees):
            features["mesh_sign_or_symptom"] = 1.0
    if any(other != key and _is_ancestor(trees, other_trees)
           for other, other_trees in _tree_standings(groups).items()):
        features["rel:ancestor_of_other"] = 1.0
    return features


_LAST_TREES: list[tuple[Mapping[str, Sequence[SectionMatch]], dict[str, list[str]]]] = []


def _tree_standings(groups: Mapping[str, Sequence[SectionMatch]]) -> dict[str, list[str]]:
    """The disease tree numbers of every condition of the article (kept for the last
    ``groups`` asked about, as ``roles.relative_features`` keeps its standings)."""
    if _LAST_TREES and _LAST_TREES[0][0] is groups:
        return _LAST_TREES[0][1]
    trees = {key: disease_trees(key) for key in groups}
    _LAST_TREES[:] = [(groups, trees)]
    return trees


def only_results(features: Mapping[str, float]) -> bool:
    """Named only in results and conclusion sentences, never in the title, the methods or an
    aim: an event or measure of the trial ("incidence of nausea and vomiting in the remifentanil
    group"), not the participants' condition."""
    reported = (features.get("share:sentence:results", 0.0)
                + features.get("share:sentence:conclusion", 0.0))
    return reported >= 1.0 and not features.get("cue:objective") and not features.get(
        "cue:participants")


# Sentence cues that say whose condition it is ("patients with ...", "to evaluate X in ...",
# "were randomized"): a background sentence with one of them can name the participants'.
PARTICIPANT_CUES = ("participants", "objective", "allocation")


def condition_role(sections: Sequence[AnalysedSection], group: Sequence[SectionMatch],
                   population: bool) -> ConditionRole:
    """``population`` when the record is indexed with it (a MeSH heading) or the role model
    says it is the participants' condition (``population``); else ``outcome`` when a mention's
    sentence reports it as an event or measure ("the incidence of nausea", "hypotension
    occurred"), else ``mentioned``."""
    if population:
        return "population"
    if has_cue(sections, group, _OUTCOME_CUE) > 0:
        return "outcome"
    return "mentioned"


# A condition reported as what happened, each branch from a real sentence: "the incidence of
# postoperative nausea and vomiting", "hypotension occurred in 12 patients", "adverse events
# (headache, dizziness)", "developed delirium".
_OUTCOME_CUE = re.compile(
    r"\b(?:incidence|occurrence|occurred|occurring|developed|experienced|adverse|side\s+effects?|"
    r"complications?|events?|rates?\s+of|risk\s+of|episodes?\s+of|frequency\s+of|severity\s+of|"
    r"symptoms?|toxicit\w+|reported)\b", re.IGNORECASE)


def _condition(sections: tuple[AnalysedSection, ...], key: str, group: list[SectionMatch],
               heading: MeshHeading | None, likely: bool) -> Condition:
    name, mesh_id = condition_display(key, group[0].text)
    if heading is not None:
        mesh_id = heading.ui or mesh_id
    role = condition_role(sections, group, population=heading is not None or likely)
    return Condition(name=name, identifier=mesh_id, source="text", role=role,
                     studied=role == "population", mentions=mentions_of(group, name, mesh_id))
