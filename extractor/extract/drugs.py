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
- Role (``drug_role``, ``extract.roles``): ``studied`` (given in an arm the trial compares),
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
    return group_by_key(_regimen_drugs(matches, regimens))


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
    drugs = [_drug(analysed.sections, key, groups) for key in groups]
    drugs.extend(_drugs_from_chemical_list(analysed, {d.name.lower() for d in drugs}))
    return Extraction(drugs, unread_doubts(analysed, "drugs"))


def drug_display(key: str, printed: str | None = None) -> tuple[str, str | None]:
    """(display name, DrugBank ID or None) for a canonical key of the drug vocabulary.

    A key without a record (a shape or tagger match, a hand-written extra) is named as
    ``printed``, the text of its first mention ("LY274614"), else by the key itself.
    """
    record: dict[str, Any] = drug_records().get(key, {})
    return record.get("name") or printed or key, record.get("drugbank_id")


def drug_features(sections: Sequence[AnalysedSection], key: str,
                  groups: Mapping[str, Sequence[SectionMatch]]) -> dict[str, float]:
    """The features the role model reads (``roles.mention_features`` of the drug's mentions,
    ``roles.relative_features`` among the article's drugs), plus whether the vocabulary knows
    the drug and gives it a DrugBank ID."""
    record: dict[str, Any] = drug_records().get(key, {})
    features = mention_features(sections, groups[key], record.get("mesh_tree", []))
    features.update(relative_features(groups, key))
    features["known"] = float(bool(record))
    features["drugbank"] = float(bool(record.get("drugbank_id")))
    return features


def drug_role(sections: Sequence[AnalysedSection], key: str,
              groups: Mapping[str, Sequence[SectionMatch]]) -> DrugRole:
    """``background`` when most mentions follow words that give it to every arm ("general
    anaesthesia with propofol"); ``studied`` when the role model says the trial gives it, unless
    it is only named in the background (``roles.only_background``); else ``measured`` when most
    mentions read as an analyte ("serum creatinine", "IL-6 levels"), ``background`` when a
    mention's sentence gives it to every arm ("all patients received propofol"), else
    ``mentioned``."""
    model = role_model("drug_role_model")
    features = drug_features(sections, key, groups)
    # "under general anaesthesia with propofol and fentanyl": given to every arm, wherever named
    if features.get("share:every_arm_before", 0.0) >= 0.5:
        return "background"
    if not only_background(features) and model.probability(features) >= model.threshold:
        return "studied"
    # the features already hold the share of mentions read as an analyte, and the cues
    analyte = max(features.get("share:analyte_before", 0.0),
                  features.get("share:analyte_after", 0.0))
    if analyte >= 0.5:
        return "measured"
    if features.get("cue:every_arm"):
        return "background"
    return "mentioned"


def _drug(sections: tuple[AnalysedSection, ...], key: str,
          groups: Mapping[str, list[SectionMatch]]) -> Drug:
    group = groups[key]
    name, identifier = drug_display(key, group[0].text)
    role = drug_role(sections, key, groups)
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
