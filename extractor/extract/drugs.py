"""Drugs named in an article: dictionary matches in the title and abstract, plus its chemical list.

- Text: the drug vocabulary of ``extractor.nlp.vocabulary`` (DrugBank/MeSH names and synonyms,
  with the project's stop lists and extra chemicals), abbreviations defined in the abstract
  ("methotrexate (MTX)" makes every later "MTX" a methotrexate mention) or in common use
  ("AZT", case-sensitive), names whose shape says "chemical" (``_CHEMICAL_SHAPE``: compound
  codes such as "LY274614", drug-stem words such as "flestolol", element symbols), and the
  tagger's ``chemical`` spans (``AnalysedSection.entities``). A dictionary match wins over a
  shape or tagger span that crosses its edge; a longer span around it wins over it ("nicotine
  sulfate"); see ``extract.mentions``. One ``Drug`` per canonical name, with every
  mention; a name the vocabulary lacks is its own lower-cased canonical name, identifier None.
- Role (``drug_roles``, ``extract.roles``): ``studied`` (given in an arm the trial compares),
  ``background`` (given to every arm), ``measured`` (an analyte) or ``mentioned``. In the worked
  example "the most effective treatments for severe disease are thalidomide, methotrexate, and
  cyclosporin" in the Background leaves those three ``mentioned``.
- Chemical list: each ``article.chemicals`` entry not already found in the text becomes a
  ``chemical_list`` drug (role ``mentioned``, no mentions), named and identified (DrugBank ID
  or None) as the drug vocabulary names it. Kept: entries the drug vocabulary knows (after
  its stop lists) that have a DrugBank ID or a registry number (CAS or UNII). Skipped:
  placebos, names the vocabulary does not hold ("DNA", "Aerosols", pesticides), and classes,
  which PubMed lists with no registry number ("Air Pollutants", "Fatty Acids").
- Placebo and vehicle are never drugs (stop list ``data/drug_stop_variants.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from extractor.extract.mentions import SectionMatch, find_mentions, group_by_key, mentions_of
from extractor.extract.patterns.common import sentence_has
from extractor.extract.result import Extraction, unread_doubts
from extractor.extract.roles import (
    mention_features,
    only_background,
    relative_features,
    reports_no_study,
    role_model,
)
from extractor.kinds import DrugRole
from extractor.models import Drug
from extractor.nlp.abbreviations import short_form_after
from extractor.nlp.analysis import AnalysedArticle, AnalysedSection, EntitySpan
from extractor.nlp.matcher import LexiconMatch
from extractor.nlp.vocabulary import cased_variants, drug_lexicon, drug_records, word_set

# Names the vocabulary lacks but whose shape says "chemical", each branch from a real sentence:
_CHEMICAL_SHAPE = re.compile(
    r"""
    (?<![\w-])
    (?:
        # research compound codes: "LY274614", "SSR103800", "CB 3717", "SM-5887", "NIK-247"
        (?!(?:NCT|ISRCTN|ACTRN|CTR|DRKS|ChiCTR|UMIN|EUDRACT|ORG|PMID|DOI|ISSN|ISBN)\b)
        (?!(?:NCT|ISRCTN|ACTRN|UMIN)\d)
        [A-Z]{2,4}[- ]?\d{3,6}[A-Z]?
      | # drug-name stems of single words: "flestolol", "zofenopril", "fluvastatin"
        [a-z]{3,}(?:olol|pril|prilat|sartan|azepam|azolam|statin|dipine|floxacin|cillin
                 |mycin|micin|cycline|tidine|prazole|triptan|setron|lukast|gliptin|glitazone
                 |parin|oxetine|triptyline|ipramine|profen|coxib|tinib|zumab|ximab|mumab
                 |conazole|vudine|navir|platin|rubicin|taxel|barbital|caine)
    )
    (?![\w])
    """,
    re.VERBOSE,
)

# Element and ion symbols, case-sensitive: "Na" and "K" in "Na/K ratio", "Li" in "serum Li",
# "Ca" in "Ca+2 ATPase". Not "Hg": "mm Hg" is a unit.
_SYMBOLS = re.compile(r"(?<![\w-])(?:Na|K|Ca|Cl|Li|Mg|Pb|Cs|Zn|Cu|Fe|Cd|Mn)(?![a-z\d])")


# Trial registry numbers are never drugs, whatever a tagger says: "NCT02149199",
# "ISRCTN12345678", "ACTRN12610000123456", "UMIN000012345", "EudraCT 2012-001234-56".
_REGISTRY_ID = re.compile(r"^(?:NCT\d{8}|ISRCTN\d+|ACTRN\d+|UMIN\d+|ChiCTR[\w-]+|DRKS\d+|\d{4}-\d{6}-\d{2})$")

# Sentences that name sponsors and registrations, not treatments: "(Funded by AstraZeneca;
# SYGMA 1 ClinicalTrials.gov number, NCT02149199.)", "Trial registration: ...".
_FUNDING_OR_REGISTRATION = re.compile(
    r"\b(?:funded|sponsored|supported)\s+by\b|clinicaltrials\.gov|trial\s+registration"
    r"|registered\s+(?:at|with|in|under)\b|registration\s+(?:number|no)\b",
    re.IGNORECASE,
)


# Inside a span: a registry number or a grade ("org ChiCTR-TRC-00000022", "Grade 4--76").
_NOT_A_NAME = re.compile(r"\b(?:NCT\d|ISRCTN|ChiCTR|grade\b)", re.IGNORECASE)


def drop_non_drug_spans(section: AnalysedSection, spans: list[EntitySpan],
                        defined: frozenset[str] = frozenset()) -> list[EntitySpan]:
    """Tagger or shape spans that are no drug: registry numbers, spans in a funding or
    registration sentence, and single letters the article does not define as a drug ("E", "T",
    "K" of regimen names; "testosterone (T)" defines one)."""
    kept = []
    for start, end, label in spans:
        text = section.text[start:end]
        if _REGISTRY_ID.match(text) or _NOT_A_NAME.search(text):
            continue
        if len(text) == 1 and text not in defined:
            continue
        if sentence_has(_FUNDING_OR_REGISTRATION, section.sentence_text(section.sentence_at(start))):
            continue
        kept.append((start, end, label))
    return kept


def drug_short_forms(analysed: AnalysedArticle) -> frozenset[str]:
    """Short forms the article defines with a drug long form: one that holds a dictionary drug
    name or overlaps a tagger chemical span ("testosterone (T)", "epirubicin (E)")."""
    shorts: set[str] = set()
    for section in analysed.sections:
        spans = [(s, e) for s, e, label in section.entities if label == "chemical"]
        for short, (long_form, start, end) in section.abbreviations.items():
            if drug_lexicon().find(long_form) or any(s < end and start < e for s, e in spans):
                shorts.add(short)
        # one letter in brackets right after a drug name, as the tagger reads one
        for end in [*(m.end for m in section.drug_matches), *(e for _, e in spans)]:
            after = short_form_after(section.text, end)
            if after is not None:
                shorts.add(after)
    return frozenset(shorts)


def chemical_shape_spans(text: str) -> list[EntitySpan]:
    """(start, end, "chemical") for code names, drug-stem words and element symbols."""
    spans = [(m.start(), m.end(), "chemical") for m in _CHEMICAL_SHAPE.finditer(text)]
    spans.extend((m.start(), m.end(), "chemical") for m in _SYMBOLS.finditer(text))
    return spans


# Words a long form may hold besides its drug names for its short form to name those drugs:
# connectors and doses of a combination or regimen ("artemether-lumefantrine (AL)",
# "olanzapine/fluoxetine combination (OFC)", "Taurine combined with Ethanol (TA+ET)",
# "ezetimibe/simvastatin 10/20 mg (ES10/20)", "gemcitabine plus placebo (GP)") and the route
# of one drug ("intravenous immunoglobulin (IVIG)"). Any other word makes the long form name
# something else: "total cholesterol (TC)", "creatine kinase (CK)", "oral glucose tolerance
# test (OGTT)", "insulin-like growth factor (IGF)".
_REGIMEN_WORDS = frozenset({
    "and", "plus", "with", "combined", "combination", "fixed", "dose", "placebo",
    "mg", "g", "kg", "m", "ug", "mcg", "ml", "l", "iu", "u", "units", "mmol",
    "intravenous", "iv", "oral", "inhaled", "topical", "subcutaneous", "intramuscular",
})
_LONG_FORM_WORD = re.compile(r"[^\W\d_]+")


def regimen_short_forms(analysed: AnalysedArticle) -> dict[str, tuple[str, ...]]:
    """Short forms the article defines for a combination or regimen of drugs, with the keys of
    the drugs their long form names: "sulfadoxine-pyrimethamine (SP)" -> (sulfadoxine,
    pyrimethamine). Every later "SP" is then a mention of each ("SP was given to 16 patients"),
    where it would be a name of its own that no vocabulary knows. Long forms that are one name
    of the vocabulary are ``AnalysedArticle.drug_abbreviations`` already."""
    lexicon = drug_lexicon()
    regimens: dict[str, tuple[str, ...]] = {}
    for section in analysed.sections:
        for short, (long_form, _, _) in section.abbreviations.items():
            if short in regimens or short in analysed.drug_abbreviations:
                continue
            names = lexicon.find(long_form)
            if not names or lexicon.lookup(long_form) is not None:
                continue
            if all(word.lower() in _REGIMEN_WORDS
                   for word in _LONG_FORM_WORD.findall(_between_names(long_form, names))):
                regimens[short] = tuple(dict.fromkeys(name.key for name in names))
    return regimens


def _between_names(text: str, names: Sequence[LexiconMatch]) -> str:
    """``text`` less the ``names`` found in it (in text order, not overlapping)."""
    pieces, position = [], 0
    for name in names:
        pieces.append(text[position:name.start])
        position = name.end
    pieces.append(text[position:])
    return " ".join(pieces)


def drug_mentions(analysed: AnalysedArticle) -> dict[str, list[SectionMatch]]:
    """The drug mentions of the text, grouped by canonical key, in order of first appearance.

    Candidates beyond the dictionary: name shapes (``_CHEMICAL_SHAPE``) and the tagger's
    ``chemical`` spans; dictionary matches win where they overlap. A short form of a regimen
    (``regimen_short_forms``) is a mention of each of its drugs.
    """
    sections = analysed.sections
    defined = drug_short_forms(analysed)
    extra = {
        section.index: drop_non_drug_spans(section, [
            *chemical_shape_spans(section.text),
            *(span for span in section.entities if span[2] == "chemical"),
        ], defined)
        for section in sections
    }
    regimens = regimen_short_forms(analysed)
    matches = find_mentions(
        sections, drug_lexicon(), {s.index: s.drug_matches for s in sections},
        {**cased_variants("drug_cased_variants.tsv"), **analysed.drug_abbreviations,
         **{short: _REGIMEN_KEY + short for short in regimens}},
        extra=extra,
    )
    return merge_code_names(group_by_key(_regimen_drugs(matches, regimens)), sections)


# A code name printed beside the drug's name in brackets, either way round: "TAK-438
# (Vonoprazan)", "human IgG (drug code GB-0998)", "SPN-804 (Oxtellar XR, Supernus ...)".
_OPEN_BEFORE_CODE = re.compile(r"[®™]?\s*[(\[]\s*(?:(?:drug\s+)?code(?:d|\s+name)?:?\s+|formerly\s+)?$",
                               re.IGNORECASE)
_OPEN_AFTER_CODE = re.compile(r"^\s*[(\[]\s*")


def merge_code_names(groups: dict[str, list[SectionMatch]],
                     sections: Sequence[AnalysedSection]) -> dict[str, list[SectionMatch]]:
    """Fold a code name the vocabulary lacks into the drug of the vocabulary printed beside it
    in brackets ("TAK-438 (Vonoprazan)", "human IgG (drug code GB-0998)"): the code is a second
    name of that drug, not a drug of its own."""
    records = drug_records()
    codes = [key for key, group in groups.items()
             if key not in records and all(is_code_name(m.text) for m in group)]
    if not codes:
        return groups
    by_start: dict[tuple[int, int], str] = {}
    by_end: dict[tuple[int, int], str] = {}
    for key, group in groups.items():
        if key in records:
            for m in group:
                by_start[(m.section_index, m.start)] = key
                by_end[(m.section_index, m.end)] = key
    merged = {key: list(group) for key, group in groups.items()}
    for code in codes:
        into = None
        for m in groups[code]:
            text = sections[m.section_index].text
            opened = _OPEN_BEFORE_CODE.search(text, max(0, m.start - 30), m.start)
            if opened is not None:
                end = opened.start()
                into = by_end.get((m.section_index, end))
            after = _OPEN_AFTER_CODE.match(text[m.end:m.end + 5])
            if into is None and after is not None:
                into = by_start.get((m.section_index, m.end + after.end()))
            if into is not None:
                break
        if into is not None:
            merged[into] = sorted([*merged[into], *merged.pop(code)],
                                  key=lambda m: (m.section_index, m.start))
    return merged


_REGIMEN_KEY = "regimen:"  # the key of a regimen's short form until it is read as its drugs


def _regimen_drugs(matches: Sequence[SectionMatch], regimens: Mapping[str, Sequence[str]]
                   ) -> list[SectionMatch]:
    """``matches`` with each regimen short form read as one mention of each of its drugs."""
    if not regimens:
        return list(matches)
    return [replace(match, key=key) if match.key.startswith(_REGIMEN_KEY) else match
            for match in matches
            for key in regimens.get(match.key.removeprefix(_REGIMEN_KEY), (match.key,))]


def extract_drugs(analysed: AnalysedArticle) -> Extraction[Drug]:
    """Drugs of the article: text mentions grouped by canonical name, each with its role, then
    its chemical list. Doubts: the sections read only in part."""
    groups = drug_mentions(analysed)
    roles = drug_roles(analysed.sections, groups)
    if reports_no_study(analysed.article.publication_types):
        roles = {key: "mentioned" if role == "studied" else role for key, role in roles.items()}
    drugs = [_drug(key, groups[key], roles[key]) for key in groups]
    drugs.extend(_drugs_from_chemical_list(analysed, {d.name.lower() for d in drugs}))
    return Extraction(drugs, unread_doubts(analysed, "drugs"))


def drug_display(key: str, printed: str | None = None) -> tuple[str, str | None]:
    """(display name, DrugBank ID or None) for a canonical key of the drug vocabulary.

    A key without a record (a shape or tagger match, a hand-written extra) is named as
    ``printed``, the text of its first mention ("LY274614"), else by the key itself.
    """
    record: dict[str, Any] = drug_records().get(key, {})
    return record.get("name") or printed or key, record.get("drugbank_id")


# Around a drug: the participants' earlier or current treatment, not an arm's ("in
# Abacavir-Treated Patients", "responders following first-line fluorouracil-based
# chemotherapy", "refractory to systemic corticosteroids", "not adequately controlled on
# metformin", "patients on stable methotrexate", "after failure of imatinib").
_PRIOR_BEFORE = re.compile(
    r"\b(?:following|after|despite|refractory\s+to|resistant\s+to|intoleran\w+\s+(?:of|to)|"
    r"(?:failed|failure\s+(?:of|on|with)|failing)|controlled\s+(?:on|with|by)|(?:patients|"
    r"subjects|participants)\s+(?:on|taking|using|receiving\s+stable)|previous(?:ly)?|prior|"
    r"pre-?treated\s+with|naive\s+to)\s+(?:[\w/-]+\s+){0,3}$", re.IGNORECASE)
_PRIOR_AFTER = re.compile(
    r"^[\s-]*(?:treated|experienced|naive|na\u00efve|refractory|resistant|intolerant|failure|"
    r"based\s+(?:chemotherapy|regimen|therapy)|pretreated|users?)\b", re.IGNORECASE)
DRUG_PATTERNS = (("prior_before", _PRIOR_BEFORE, "before"), ("prior_after", _PRIOR_AFTER, "after"))


def drug_features(sections: Sequence[AnalysedSection], key: str,
                  groups: Mapping[str, Sequence[SectionMatch]]) -> dict[str, float]:
    """The features the role model reads (``roles.mention_features`` of the drug's mentions,
    ``roles.relative_features`` among the article's drugs), plus whether the vocabulary knows
    the drug and gives it a DrugBank ID."""
    record: dict[str, Any] = drug_records().get(key, {})
    features = mention_features(sections, groups[key], record.get("mesh_tree", []),
                                patterns=DRUG_PATTERNS)
    features.update(relative_features(groups, key))
    features["known"] = float(bool(record))
    features["drugbank"] = float(bool(record.get("drugbank_id")))
    if not record and any(is_code_name(m.text) for m in groups[key]):
        features["code_name"] = 1.0
    return features


# A research product's code name, which no vocabulary holds: letters and digits in one word,
# parts joined by hyphens, each from a trial that compared one ("MSDC-0160", "LMWF-5A",
# "CAP1-6D", "GSK961081", "LCI699", "PM01183", "Ad35-GRIN", "PTVG-HP", "Ad4-H5-Vtn").
_CODE_NAME = re.compile(
    r"""^(?=[^\s]*\d)(?=(?:[^\s]*[A-Z]){2})   # a digit, and two capitals or more ("O2max" of
                                            # "VO2max" is a measure's name cut short)
        [A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+){0,3}$""", re.VERBOSE)


def is_code_name(text: str) -> bool:
    """True for a code name of a research product ("MSDC-0160", "CAP1-6D"), not for a dose
    or count ("FU 500", "T14" holds a single letter), an isotope or a unit."""
    return len(text) >= 4 and bool(_CODE_NAME.match(text))


def drug_roles(sections: Sequence[AnalysedSection],
               groups: Mapping[str, Sequence[SectionMatch]]) -> dict[str, DrugRole]:
    """The role of every drug of the article, decided together.

    ``background`` when most mentions follow words that give it to every arm ("general
    anaesthesia with propofol"); ``studied`` when the role model says the trial gives it and it
    is not only named in the background (``roles.only_background``), and its chance is at least
    ``RoleModel.ratio`` of the likeliest drug's of the article (a sedative given for a
    measurement, oxygen, a drug of the participants' background beside the compared drugs
    score far below them); else ``measured`` when most mentions read as an analyte ("serum
    creatinine", "IL-6 levels"), ``background`` when a mention's sentence gives it to every arm
    ("all patients received propofol"), else ``mentioned``."""
    model = role_model("drug_role_model")
    features = {key: drug_features(sections, key, groups) for key in groups}
    # "under general anaesthesia with propofol and fentanyl": given to every arm, wherever named
    every_arm = {key for key, f in features.items()
                 if f.get("share:every_arm_before", 0.0) >= 0.5}
    chance = {key: model.probability(f) for key, f in features.items()
              if key not in every_arm and not only_background(f)}
    likeliest = max(chance.values(), default=0.0)
    roles: dict[str, DrugRole] = {}
    for key, f in features.items():
        p = chance.get(key)
        if key in every_arm:
            roles[key] = "background"
        elif p is not None and p >= model.threshold and p >= model.ratio * likeliest:
            roles[key] = "studied"
        # the features already hold the share of mentions read as an analyte, and the cues
        elif max(f.get("share:analyte_before", 0.0), f.get("share:analyte_after", 0.0)) >= 0.5:
            roles[key] = "measured"
        elif f.get("cue:every_arm"):
            roles[key] = "background"
        else:
            roles[key] = "mentioned"
    return roles


def _drug(key: str, group: list[SectionMatch], role: DrugRole) -> Drug:
    name, identifier = drug_display(key, group[0].text)
    return Drug(name=name, identifier=identifier, source="text", role=role,
                studied=role == "studied", mentions=mentions_of(group, name, identifier))


def _drugs_from_chemical_list(analysed: AnalysedArticle, known: set[str]) -> list[Drug]:
    lexicon = drug_lexicon()
    stop = word_set("drug_stop_variants.txt")
    drugs: list[Drug] = []
    for chemical in analysed.article.chemicals:
        lowered = chemical.name.lower()
        if lowered in stop or "placebo" in lowered:
            continue
        key = lexicon.lookup(chemical.name)
        if key is None:
            continue  # not in the drug vocabulary: "DNA", "Aerosols", pesticides
        name, identifier = drug_display(key)
        if identifier is None and chemical.registry_number in (None, "", "0"):
            continue  # a class: "Air Pollutants", "Fatty Acids" have no registry number
        if name.lower() in known or lowered in known:
            continue
        known.add(name.lower())
        drugs.append(Drug(name=name, identifier=identifier, source="chemical_list"))
    return drugs
