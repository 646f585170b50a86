"""Extraction is linear in the length of its input (issue 9), checked by counting work, not time.

No test here times anything (speed goals live in ``scripts/bench_linear.py``). Work is counted
deterministically while extracting from the adversarial inputs of issue 9 at two sizes, ``n``
and ``4n``: the calls of Python functions of the package (comprehensions and generators
included) plus the characters handed to regular expressions (a pattern searched over the whole
sentence once per count counts that sentence every time). Linear work grows about 4 times;
the quadratic behaviour these tests were written against grew about 16 times.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

import extractor
from extractor.extract import build_record, extract_findings
from extractor.extract.patterns.numbers import NUMBER, parse_count
from extractor.models import Article, Section
from extractor.nlp import analysis, ner, sentences
from extractor.nlp.tokens import tokenize

PACKAGE = str(Path(extractor.__file__).parent)
SIZE = 5_000
# work(4n) / work(n): linear is about 4; quadratic about 16.
MOST_GROWTH = 6.0


def _bounds(string: str, args: tuple[int, ...]) -> tuple[int, int]:
    pos = args[0] if args else 0
    endpos = args[1] if len(args) > 1 else len(string)
    return max(0, pos), min(len(string), endpos)


def _scanned(kind: str, string: str, args: tuple[int, ...], found: re.Match[str] | None) -> int:
    """The characters a call reads: a search reads up to its match (or to the end when there is
    none), a match what it matched (at least one character), a finditer its whole range."""
    pos, endpos = _bounds(string, args)
    if kind == "search":
        return (found.end() if found else endpos) - pos
    if kind in ("match", "fullmatch"):
        return max(1, found.end() - pos if found else 1)
    return endpos - pos


class _CountingPattern:
    """A compiled pattern that adds the characters each call reads (``_scanned``) to ``meter``."""

    def __init__(self, pattern: re.Pattern[str], meter: list[int]) -> None:
        self._pattern, self._meter = pattern, meter

    def search(self, string: str, *args: int) -> re.Match[str] | None:
        found = self._pattern.search(string, *args)
        self._meter[0] += _scanned("search", string, args, found)
        return found

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        found = self._pattern.match(string, *args)
        self._meter[0] += _scanned("match", string, args, found)
        return found

    def fullmatch(self, string: str, *args: int) -> re.Match[str] | None:
        found = self._pattern.fullmatch(string, *args)
        self._meter[0] += _scanned("match", string, args, found)
        return found

    def finditer(self, string: str, *args: int) -> Iterator[re.Match[str]]:
        self._meter[0] += _scanned("finditer", string, args, None)
        return self._pattern.finditer(string, *args)

    def findall(self, string: str, *args: int) -> list[Any]:
        self._meter[0] += _scanned("finditer", string, args, None)
        return self._pattern.findall(string, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def __hash__(self) -> int:
        return hash(self._pattern)

    def __eq__(self, other: object) -> bool:
        return other is self or other == self._pattern


def _package_modules() -> list[ModuleType]:
    return [module for name, module in sorted(sys.modules.items())
            if name.startswith("extractor") and module is not None]


@contextmanager
def _metered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count work while the block runs: ``meter[0]`` grows by the characters given to the
    package's regular expressions read (its compiled patterns and ``re.search``/``re.match``
    calls, see ``_scanned``) and by one per call of a Python function defined in the package."""
    meter = [0]
    for module in _package_modules():
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, _CountingPattern(value, meter))
    for name in ("search", "match", "fullmatch", "findall", "finditer"):
        original: Callable[..., Any] = getattr(re, name)

        def counting(pattern: Any, string: str, *args: Any, _name: str = name,
                     _original: Callable[..., Any] = original) -> Any:
            found = _original(pattern, string, *args)
            meter[0] += _scanned(_name, string, (), found if _name in ("search", "match",
                                                                         "fullmatch") else None)
            return found

        monkeypatch.setattr(re, name, counting)

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename.startswith(PACKAGE):
            meter[0] += 1

    sys.setprofile(profile)
    try:
        yield meter
    finally:
        sys.setprofile(None)
        monkeypatch.undo()


def _article(piece: str, size: int, label: str = "Results") -> Article:
    text = (piece * (size // len(piece) + 1))[:size].strip()
    return Article(pmid="1", title="A trial", sections=[Section(label=label, text=text)])


def _work(monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> int:
    with _metered(monkeypatch) as meter:
        run()
    return meter[0]


def _growth(monkeypatch: pytest.MonkeyPatch, piece: str, tagger: bool = False) -> float:
    """work(4n) / work(n) of extracting every finding from ``piece`` repeated."""
    def run(size: int) -> Callable[[], object]:
        article = _article(piece, size)
        return lambda: extract_findings(article, *(() if tagger else (None,)))
    run(200)()  # vocabularies and models loaded outside the count
    return _work(monkeypatch, run(4 * SIZE)) / _work(monkeypatch, run(SIZE))


# The inputs of issue 9 (each took 4-10.6 s at 10,000 characters and 25 s to over two minutes
# at 100,000), and the runs found while fixing them.
ADVERSARIAL = {
    "brackets": "((((",
    "x of y of": "12 of 13 of ",
    "n equals": "n = 12, ",
    "x (pct) of": "12 (45%) of ",
    "dotted": "1.1.1.",
    "x/y (pct)": "12/13 (92%) ",
    "confidence intervals": "(95% CI 1.2-3.4), ",
    "P values": "P = .002, ",
    "digit runs": "1234567890",
    "capitals": "ABC DEF ",
    "initials": "J. R. Smith. ",
    "number words": "twenty-one ",
    "grouped digits": "123 456 ",
    # issue 11: estimates with their P values, significance words, test statistics
    "estimates with P": "OR 1.2 (95% CI 1.1-1.3), P = 0.01; ",
    "significance words": "significantly lower (P = 0.01) and ",
    "statistics": "t(28) = 2.20, P = .04; ",
    "plain text": "Thirteen patients received efalizumab, with responses in 12 of 13 patients "
                  "(P = .002). Nausea occurred in 9 patients (12.9%) in the metformin group. ",
}


@pytest.mark.parametrize("piece", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_extraction_work_grows_linearly(monkeypatch: pytest.MonkeyPatch, piece: str) -> None:
    assert _growth(monkeypatch, piece) < MOST_GROWTH


def test_tagger_and_mentions_work_grows_linearly_on_runs_of_drug_names(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The tagger's spans were trimmed by reading every token of the text once per span, and
    each mention was checked against every dictionary match and every kept span."""
    growth = _growth(monkeypatch, "aspirin metformin insulin cisplatin tamoxifen ", tagger=True)
    assert growth < MOST_GROWTH


def test_trimming_reads_the_tokens_of_each_span_only() -> None:
    """``trim_spans`` looked at every token of the text for each span: 4 times the spans over
    4 times the tokens was 16 times the reads."""
    class CountingTokens(list[tuple[int, int]]):
        reads = 0

        def __iter__(self) -> Iterator[tuple[int, int]]:
            for token in super().__iter__():
                CountingTokens.reads += 1
                yield token

    def reads(count: int) -> int:
        text = "the aspirin " * count
        tokens = CountingTokens((12 * i + offset, 12 * i + offset + length)
                                for i in range(count) for offset, length in ((0, 3), (4, 7)))
        spans = [(12 * i, 12 * i + 11, "chemical") for i in range(count)]
        CountingTokens.reads = 0
        assert ner.trim_spans(text, tokens, spans)[:1] == [(4, 11, "chemical")]
        return CountingTokens.reads

    assert reads(800) <= 5 * reads(200)


def test_the_sentence_splitter_runs_once_per_section_however_many_mentions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = sentences.split_sentences

    def counting(text: str) -> list[tuple[int, int]]:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(analysis, "split_sentences", counting)
    monkeypatch.setattr(sentences, "split_sentences", counting)
    article = Article(pmid="1", title="Metformin in diabetes", sections=[
        Section(label="Methods", text="A total of 141 patients were randomized to metformin "
                "(n = 70) or placebo (n = 71). " * 20),
        Section(label="Results", text="Nausea occurred in 9 of 70 patients (P = .002). " * 20),
    ])
    build_record(article)
    assert len(calls) == 3  # title, Methods, Results


def test_a_run_on_sentence_is_read_in_pieces() -> None:
    """A "sentence" of 10,000 characters without a full stop is cut into pieces of at most
    ``MAX_SENTENCE`` characters, at spaces; together they still cover all its text."""
    text = "12 of 13 of " * 900
    spans = sentences.split_sentences(text)
    assert max(end - start for start, end in spans) <= sentences.MAX_SENTENCE
    assert " ".join(text[start:end] for start, end in spans) == text.strip()
    assert all(not text[start].isspace() and not text[end - 1].isspace() for start, end in spans)


def test_a_section_label_is_no_longer_than_a_label() -> None:
    """A label printed in the text is at most nine words: a run of capitals is not read again
    from each of its words."""
    match = sentences._LABEL.search("AB " * 1000 + "RESULTS: Pain fell.")
    assert match is not None
    assert match.group("label").split() == ["AB"] * 8 + ["RESULTS"]


def test_a_run_of_grouped_digits_is_no_single_number() -> None:
    """ "123 456 123 456 ..." was read whole from each group in it as one number (quadratic, and
    ``int()`` refuses over 4,300 digits): a number has at most four groups after the first."""
    match = re.compile(NUMBER, re.VERBOSE | re.IGNORECASE).match("123 456 " * 100)
    assert match is not None
    assert match.group() == "123 456 123 456 123"
    assert parse_count("1" * 5000) is None


def test_a_run_of_number_words_is_read_without_backtracking() -> None:
    """ "twenty-one twenty-one ..." could be read as "twenty" "one" at each word: refusing a run
    of them took exponential time. Each number word is now read one way only."""
    pattern = re.compile(rf"(?:{NUMBER})\s+patients", re.VERBOSE | re.IGNORECASE)
    assert pattern.search("twenty-one " * 60 + "cases") is None
    assert pattern.search("Seventeen patients")
    assert parse_count("One hundred and twenty-three thousand four hundred and fifty-six") == 123456


def test_a_long_abstract_is_read_up_to_the_limit_with_a_doubt(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``READ_LIMIT`` characters an article is not read; every field says so in a doubt
    whose offsets point into the section, and what was read is extracted as usual."""
    monkeypatch.setattr(analysis, "READ_LIMIT", 2_000)
    results = "Pain fell in 12 of 13 patients (P = .002). " * 100
    article = Article(pmid="1", title="A trial",
                      sections=[Section(label="Results", text=results)])
    findings = extract_findings(article, None)
    unread = [d for d in findings.doubts if d.reason.startswith("text too long")]
    assert [d.field for d in unread] == [
        "sample_size", "response_counts", "p_values", "drugs", "conditions"]
    first = unread[0]
    # 2,000 less the 7 of the title, cut at the space before "of 13": 1,993 of 100 x 43 read
    assert first.reason == "text too long: only the first 1,993 of its 4,300 characters were read"
    assert first.start is not None and first.end is not None
    assert results[first.start:first.end] == first.text == "of 13 patients (P = .002). Pain fell in "
    assert len(findings.p_values) == 46  # the 46 whole sentences read (46 x 43 = 1,978)
    assert all(p.end <= 1_993 for p in findings.p_values)


def test_a_long_line_is_tagged_in_pieces() -> None:
    """A line of 12,000 tokens ("1.1.1...." of 1 MB took 1.4 GB of features at once) is tagged
    in pieces of at most ``MAX_LINE_TOKENS`` tokens, each cut after a full stop."""
    text = "Pain fell. " * 4000
    spans = list(tokenize(text).spans)
    pieces = ner._pieces(text, spans)
    assert [first for first, _ in pieces[1:]] == [last for _, last in pieces[:-1]]
    assert (pieces[0][0], pieces[-1][1]) == (0, len(spans))
    assert all(0 < last - first <= ner.MAX_LINE_TOKENS for first, last in pieces)
    assert all(text[spans[last - 1][0]] == "." for _, last in pieces)
