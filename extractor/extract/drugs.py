"""Drugs named in an article: dictionary matches in the title and abstract, plus its chemical list.

- Text: the drug vocabulary of ``extractor.vocabulary`` (DrugBank/MeSH names and synonyms,
  with the project's stop lists and extra chemicals), abbreviations defined in the abstract
  ("methotrexate (MTX)" makes every later "MTX" a methotrexate mention) or in common use
  ("AZT", case-sensitive), names whose shape says "chemical" (``CHEMICAL_SHAPE``: compound
  codes such as "LY274614", drug-stem words such as "flestolol", element symbols), and the
  tagger's ``chemical`` spans (``AnalysedSection.entities``). A dictionary match wins over a
  shape or tagger span that crosses its edge; a longer span around it wins over it ("nicotine
  sulfate"); see ``extract.mentions``. One ``Drug`` per canonical name, with every
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

from extractor.analysis import AnalysedArticle, AnalysedSection, EntitySpan
from extractor.extract.mentions import SectionMatch, find_mentions, group_by_key, is_studied, mentions_of
from extractor.extract.result import Extraction
from extractor.models import Drug
from extractor.vocabulary import cased_variants, drug_lexicon, drug_records, word_set

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


def drop_non_drug_spans(section: AnalysedSection, spans: list[EntitySpan]) -> list[EntitySpan]:
    """Tagger or shape spans that are registry numbers or sit in a funding/registration sentence."""
    kept = []
    for start, end, label in spans:
        if REGISTRY_ID.match(section.text[start:end]):
            continue
        if FUNDING_OR_REGISTRATION.search(section.sentence_text(section.sentence_at(start))):
            continue
        kept.append((start, end, label))
    return kept


def chemical_shape_spans(text: str) -> list[EntitySpan]:
    """(start, end, "chemical") for code names, drug-stem words and element symbols."""
    spans = [(m.start(), m.end(), "chemical") for m in CHEMICAL_SHAPE.finditer(text)]
    spans.extend((m.start(), m.end(), "chemical") for m in _SYMBOLS.finditer(text))
    return spans


def extract_drugs(analysed: AnalysedArticle) -> Extraction[Drug]:
    """Drugs of the article: text mentions grouped by canonical name, then its chemical list.

    Candidates beyond the dictionary: name shapes (``CHEMICAL_SHAPE``) and the tagger's
    ``chemical`` spans; dictionary matches win where they overlap. No doubts.
    """
    sections = analysed.sections
    extra = {
        section.index: drop_non_drug_spans(section, [
            *chemical_shape_spans(section.text),
            *(span for span in section.entities if span[2] == "chemical"),
        ])
        for section in sections
    }
    matches = find_mentions(
        sections, drug_lexicon(), {s.index: s.drug_matches for s in sections},
        {**cased_variants("drug_cased_variants.tsv"), **analysed.drug_abbreviations},
        extra=extra,
    )
    drugs = _drugs_from_matches(sections, matches)
    drugs.extend(_drugs_from_chemical_list(analysed, {d.name.lower() for d in drugs}))
    return Extraction(drugs, [])


def drug_display(key: str, printed: str | None = None) -> tuple[str, str | None]:
    """(display name, DrugBank ID or None) for a canonical key of the drug vocabulary.

    A key without a record (a shape or tagger match, a hand-written extra) is named as
    ``printed``, the text of its first mention ("LY274614"), else by the key itself.
    """
    record: dict[str, Any] = drug_records().get(key, {})
    return record.get("name") or printed or key, record.get("drugbank_id")


def _drugs_from_matches(sections: tuple[AnalysedSection, ...],
                        matches: list[SectionMatch]) -> list[Drug]:
    drugs: list[Drug] = []
    for key, group in group_by_key(matches).items():
        name, identifier = drug_display(key, group[0].text)
        drugs.append(
            Drug(name=name, identifier=identifier, source="text",
                 studied=is_studied(sections, group, STUDIED_CUE),
                 mentions=mentions_of(group, name, identifier))
        )
    return drugs


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
