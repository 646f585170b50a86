"""Drugs named in an article: dictionary matches in the title and abstract, plus its chemical list.

- Text: the drug vocabulary of ``extractor.lexicon`` (DrugBank/MeSH names and synonyms,
  with the project's stop lists and extra chemicals), abbreviations defined in the abstract
  ("methotrexate (MTX)" makes every later "MTX" a methotrexate mention) or in common use
  ("AZT", case-sensitive), names whose shape says "chemical" (``CHEMICAL_SHAPE``: compound
  codes such as "LY274614", drug-stem words such as "flestolol", element symbols), and, when
  a ``finder`` is given (e.g. ``extractor.ner.find_entities``), its ``chemical`` spans. A
  dictionary match wins over a shape or finder span that crosses its edge; a longer span
  around it wins over it ("nicotine sulfate"). One ``Drug`` per canonical name, with every
  mention; a name the vocabulary lacks is its own lower-cased canonical name, identifier None.
- Studied or only mentioned: a drug is ``studied`` when a mention is in the title, in a
  Methods/Results/Observations-type section, or in a sentence that says it was given
  ("received", "treated with", "randomized to", "versus", "administered", "dose", "mg").
  "the most effective treatments are thalidomide, methotrexate, and cyclosporin" in a
  Background section leaves those three ``studied=False``.
- Chemical list: each ``article.chemicals`` entry not already found in the text becomes a
  ``chemical_list`` drug (``studied=False``, no mentions), named and identified (DrugBank ID
  or None) as the drug vocabulary names it. Kept: entries the drug vocabulary knows (after
  its stop lists) that have a DrugBank ID or a registry number (CAS or UNII). Skipped:
  placebos, names the vocabulary does not hold ("DNA", "Aerosols", pesticides), and classes,
  which PubMed lists with no registry number ("Air Pollutants", "Fatty Acids").
- Placebo and vehicle are never drugs (stop list ``data/drug_stop_variants.txt``).
"""

from __future__ import annotations

import re
from typing import Any

from extractor.lexicon import (
    SectionMatch,
    SpanFinder,
    cased_variants,
    drug_lexicon,
    drug_records,
    find_in_article,
    group_by_key,
    mentions_of,
    read_word_list,
)
from extractor.models import Article, Drug
from extractor.extract.context import in_title_or_study_section
from extractor.sentences import sentence_at

# Section labels or NLM categories where the study's own treatments are reported.
# Sentence cues that a drug was given in the study, each from a real abstract sentence:
STUDIED_CUE = re.compile(
    r"""
    \b(?:
        received | receiving | receive                 # "Thirteen patients received efalizumab"
      | given | giving | administ\w+                   # "ketamine was administered intravenously"
      | treated\s+with | treatment\s+with | therapy\s+with   # "after therapy with efalizumab"
      | randomi[sz]\w*                                 # "randomized to lisinopril or placebo"
      | allocated | assigned                           # "assigned to metformin"
      | versus | vs\.? | compared\s+with                # "latanoprost versus timolol"
      | dose[sd]? | dosage | dosing                     # "a single dose of 2 mg/kg"
      | \d+(?:\.\d+)?\s*(?:mg|g|µg|ug|mcg|ml|mL|IU|units?|mmol)\b   # "metformin 500 mg"
      | infusion | injection | injected | intravenous\w* | oral(?:ly)? | orally
      | we\s+(?:used|gave|studied|tested|evaluated|investigated|assessed)
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)


# Names the vocabulary lacks but whose shape says "chemical", each branch from a real sentence:
CHEMICAL_SHAPE = re.compile(
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
REGISTRY_ID = re.compile(r"^(?:NCT\d{8}|ISRCTN\d+|ACTRN\d+|UMIN\d+|ChiCTR[\w-]+|DRKS\d+|\d{4}-\d{6}-\d{2})$")

# Sentences that name sponsors and registrations, not treatments: "(Funded by AstraZeneca;
# SYGMA 1 ClinicalTrials.gov number, NCT02149199.)", "Trial registration: ...".
FUNDING_OR_REGISTRATION = re.compile(
    r"\b(?:funded|sponsored|supported)\s+by\b|clinicaltrials\.gov|trial\s+registration"
    r"|registered\s+(?:at|with|in|under)\b|registration\s+(?:number|no)\b",
    re.IGNORECASE,
)


def drop_non_drug_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Tagger or shape spans that are registry numbers or sit in a funding/registration sentence."""
    kept = []
    for start, end, label in spans:
        if REGISTRY_ID.match(text[start:end]):
            continue
        s0, s1 = sentence_at(text, start)
        if FUNDING_OR_REGISTRATION.search(text[s0:s1]):
            continue
        kept.append((start, end, label))
    return kept


def chemical_shape_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, "chemical") for code names, drug-stem words and element symbols."""
    spans = [(m.start(), m.end(), "chemical") for m in CHEMICAL_SHAPE.finditer(text)]
    spans.extend((m.start(), m.end(), "chemical") for m in _SYMBOLS.finditer(text))
    return spans


def extract_drugs(article: Article, finder: SpanFinder | None = None) -> list[Drug]:
    """Drugs of ``article``: text mentions grouped by canonical name, then its chemical list.

    ``finder`` (optional) adds candidate spans labelled ``chemical``, such as those of
    ``extractor.ner.find_entities``; dictionary matches win where they overlap.
    """

    def candidates(text: str) -> list[tuple[int, int, str]]:
        found = [*chemical_shape_spans(text), *(finder(text) if finder is not None else [])]
        return drop_non_drug_spans(text, found)

    matches = find_in_article(
        article, drug_lexicon(), finder=candidates, finder_label="chemical",
        cased=cased_variants("drug_cased_variants.tsv"),
    )
    drugs = _drugs_from_matches(article, matches)
    drugs.extend(_drugs_from_chemical_list(article, {d.name.lower() for d in drugs}))
    return drugs


def drug_display(key: str, printed: str | None = None) -> tuple[str, str | None]:
    """(display name, DrugBank ID or None) for a canonical key of the drug vocabulary.

    A key without a record (a shape or finder match, a hand-written extra) is named as
    ``printed``, the text of its first mention ("LY274614"), else by the key itself.
    """
    record: dict[str, Any] = drug_records().get(key, {})
    return record.get("name") or printed or key, record.get("drugbank_id")


def _drugs_from_matches(article: Article, matches: list[SectionMatch]) -> list[Drug]:
    texts = article.texts()
    drugs: list[Drug] = []
    for key, group in group_by_key(matches).items():
        name, identifier = drug_display(key, group[0].text)
        mentions = mentions_of(group, name, identifier)
        studied = any(is_studied_mention(article, texts[m.section_index][1], m) for m in group)
        drugs.append(
            Drug(name=name, identifier=identifier, source="text", studied=studied,
                 mentions=mentions)
        )
    return drugs


def is_studied_mention(article: Article, text: str, match: SectionMatch) -> bool:
    """True for a mention in the title, a study section, or a sentence that gives the drug."""
    if in_title_or_study_section(article, match.section_index):
        return True
    start, end = sentence_at(text, match.start)
    return bool(STUDIED_CUE.search(text[start:end]))


def _drugs_from_chemical_list(article: Article, known: set[str]) -> list[Drug]:
    lexicon = drug_lexicon()
    stop = set(read_word_list("drug_stop_variants.txt"))
    drugs: list[Drug] = []
    for chemical in article.chemicals:
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
