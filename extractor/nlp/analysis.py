"""One analysed article: everything the extractors read, computed once per article.

spaCy's ``Doc`` is the model: the text and everything computed over it, built once, then read by
every extractor (``extract_*`` functions are pure functions of an ``AnalysedArticle``). Per
section (the title is section 0, then each abstract section, as ``Article.texts()`` lists them):

- ``kind``: what the section reports, from its label: ``title``, ``background``, ``methods``,
  ``results``, ``conclusion`` or ``other`` (label words in ``data/section_labels.json``);
- ``sentences``: every sentence (``extractor.nlp.sentences``), each with the kind of the heading
  it sits under (unlabelled abstracts print headings inline: "RESULTS: Thirteen patients ...",
  and such a heading is a sentence of its own, marked ``heading``) and its rank among the
  article's sentences;
- ``tokens`` (``extractor.nlp.tokens``), read by the dictionary matcher and the tagger;
- ``abbreviations``: the short forms the section defines ("discoid lupus erythematosus (DLE)");
- ``drug_matches`` / ``disease_matches``: the longest-first dictionary matches of the drug and
  disease vocabularies (``extractor.nlp.vocabulary``);
- ``entities``: the statistical tagger's chemical and disease spans (``extractor.nlp.ner``).

An abnormally long article is read only in part: at most ``READ_LIMIT`` characters in all, title
first, each section cut at a space (``read_length``). ``text`` is then the part read, a prefix of
the section text (so every offset holds in the whole text), and ``unread`` counts the
characters left out; every extractor records a doubt naming them (``extract.result``).

Per article: the short forms defined with a drug or a disease long form, mapped to the
vocabulary's key ("MTX" -> methotrexate), which every section's mentions use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from extractor.models import Article
from extractor.nlp.abbreviations import find_abbreviations
from extractor.nlp.matcher import Lexicon, LexiconMatch
from extractor.nlp.sentences import sentence_index, split_sentences
from extractor.nlp.tokens import Tokens, tokenize
from extractor.nlp.vocabulary import disease_lexicon, drug_lexicon

SectionKind = Literal["title", "background", "methods", "results", "conclusion", "other"]
# (start, end, label) of a tagger span: label "chemical" or "disease".
EntitySpan = tuple[int, int, str]
# A statistical tagger: the spans of one section text, given its tokens.
Tagger = Callable[[str, Tokens], list[EntitySpan]]
# Short form -> (long form, start, end of the long form in the section text).
Definitions = Mapping[str, tuple[str, int, int]]

_SECTION_WORDS = re.compile(r"[A-Za-z]+")
# Headings printed inside a text, split out as sentences of their own by the sentence
# splitter: "RESULTS:", "RESEARCH DESIGN AND METHODS:", "Methods and Findings:".
INLINE_HEADING = re.compile(r"^\s*(?P<label>[A-Z][A-Za-z/&, ]{1,80}[A-Za-z])\s*:\s*$")


@cache
def section_labels() -> dict[str, list[str]]:
    """The label words of each kind of section (``data/section_labels.json``)."""
    raw = resources.files("extractor").joinpath("data/section_labels.json").read_text("utf-8")
    return {key: value for key, value in json.loads(raw).items() if not key.startswith("_")}


def section_kind(label: str) -> SectionKind:
    """``background``, ``methods``, ``results``, ``conclusion`` or ``other`` for a label."""
    words = [w.lower() for w in _SECTION_WORDS.findall(label)]
    kinds: tuple[tuple[SectionKind, str], ...] = (
        ("conclusion", "conclusion_labels"),
        ("results", "results_labels"),
        ("methods", "methods_labels"),
        ("background", "background_labels"),
    )
    for kind, key in kinds:
        names = section_labels()[key]
        if any(word in names for word in words):
            return kind
    return "other"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a section: ``text[start:end]``.

    ``kind``: the kind of the heading it sits under. ``heading``: an inline heading
    ("RESULTS:") split out as a sentence of its own. ``rank``: its place among the
    article's sentences that are not headings, title first (headings: the next one's).
    """

    start: int
    end: int
    kind: SectionKind
    heading: bool
    rank: int


@dataclass(frozen=True)
class AnalysedSection:
    """One section text with everything computed over it (see the module docstring)."""

    index: int
    label: str
    category: str | None
    text: str
    kind: SectionKind
    sentences: tuple[Sentence, ...]
    tokens: Tokens
    abbreviations: Definitions
    drug_matches: tuple[LexiconMatch, ...]
    disease_matches: tuple[LexiconMatch, ...]
    entities: tuple[EntitySpan, ...]
    unread: int = 0
    _sentence_ends: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sentence_ends", tuple(s.end for s in self.sentences))

    @property
    def body(self) -> tuple[Sentence, ...]:
        """The sentences that are not inline headings."""
        return tuple(s for s in self.sentences if not s.heading)

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding ``offset``; an offset between two sentences belongs to the
        next one, one in trailing space to the last. An empty text has one empty sentence."""
        if not self.sentences:
            return Sentence(offset, offset, self.kind, False, 0)
        return self.sentences[sentence_index(self._sentence_ends, offset)]

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start:sentence.end]


@dataclass(frozen=True)
class AnalysedArticle:
    """An article and its analysis; ``sections[i]`` is ``article.texts()[i]``."""

    article: Article
    sections: tuple[AnalysedSection, ...]
    drug_abbreviations: Mapping[str, str]
    disease_abbreviations: Mapping[str, str]


def default_tagger(text: str, tokens: Tokens) -> list[EntitySpan]:
    """The packaged CRF tagger (``extractor.nlp.ner``), loaded on first use."""
    from extractor.nlp.ner import find_entities

    return find_entities(text, tokens)


def analyse(article: Article, tagger: Tagger | None = default_tagger) -> AnalysedArticle:
    """Analyse ``article`` once for every extractor. ``tagger=None`` leaves out the statistical
    tagger (dictionary matches only)."""
    drugs, diseases = drug_lexicon(), disease_lexicon()
    sections: list[AnalysedSection] = []
    rank = 0
    budget = READ_LIMIT
    categories = [None, *(section.category for section in article.sections)]
    for index, (label, whole) in enumerate(article.texts()):
        text = whole[:read_length(whole, budget)]
        budget -= len(text)
        kind: SectionKind = "title" if index == 0 else section_kind(label)
        sentences = _sentences(kind, text, rank)
        rank += sum(not s.heading for s in sentences)
        tokens = tokenize(text)
        sections.append(AnalysedSection(
            index=index, label=label, category=categories[index], text=text, kind=kind,
            sentences=sentences, tokens=tokens, abbreviations=find_abbreviations(text),
            drug_matches=tuple(drugs.find(text, tokens)),
            disease_matches=tuple(diseases.find(text, tokens)),
            entities=tuple(tagger(text, tokens)) if tagger is not None and text else (),
            unread=len(whole) - len(text),
        ))
    return AnalysedArticle(
        article=article, sections=tuple(sections),
        drug_abbreviations=abbreviation_keys(sections, drugs),
        disease_abbreviations=abbreviation_keys(sections, diseases),
    )


# The most characters of one article that are analysed: over ten times the longest abstract in
# the gold corpora (a record of 1,000,000 characters of "12 of 13 of ..." would otherwise hold up
# a run for minutes; extraction is linear, about 2.5-6 s per 100,000 characters).
READ_LIMIT = 200_000


def read_length(text: str, budget: int) -> int:
    """How much of ``text`` is read with ``budget`` characters left: all of it when it fits,
    else up to the last space within the budget (no word is cut); a text that runs on without a
    space is cut at the budget, unless that leaves less than a sentence (nothing is read)."""
    if len(text) <= budget:
        return len(text)
    space = max(text.rfind(" ", 0, budget + 1), text.rfind("\n", 0, budget + 1))
    if space > 0:
        return space
    return budget if budget >= _SHORTEST_CUT else 0


_SHORTEST_CUT = 1000


def _sentences(kind: SectionKind, text: str, rank: int) -> tuple[Sentence, ...]:
    """The sentences of one section of ``kind``, with the kind of the heading each sits under;
    ranks count on from ``rank``."""
    out: list[Sentence] = []
    for start, end in split_sentences(text):
        heading = INLINE_HEADING.match(text[start:end])
        if heading:
            kind = section_kind(heading.group("label"))
            out.append(Sentence(start, end, kind, True, rank))
            continue
        out.append(Sentence(start, end, kind, False, rank))
        rank += 1
    return tuple(out)


def abbreviation_keys(sections: list[AnalysedSection], lexicon: Lexicon) -> dict[str, str]:
    """Short forms defined in the article whose long form is a variant: "MTX" -> "methotrexate".

    The whole long form must be one variant, so "cutaneous lupus activity and severity score
    (CLASS)" defines no disease abbreviation; "levodopa-induced dyskinesia (LID)" names the
    dyskinesia (see ``_tail_key``). The first definition of a short form wins.
    """
    keys: dict[str, str] = {}
    for section in sections:
        for short, (long_form, _, _) in section.abbreviations.items():
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
