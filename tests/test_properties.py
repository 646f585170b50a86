"""Property-based tests of every extractor (hypothesis): on any text, no exception, and every
finding and doubt points at its evidence.

Two kinds of text: arbitrary Unicode, and text built from pieces of real abstract vocabulary
(counts, P values, confidence intervals, drug names, brackets, headings) glued with arbitrary
characters, which reaches the extractors' patterns far more often. For every record:
``0 <= start <= end <= len(section text)`` and ``section text[start:end] == text`` for each
mention, sample size, arm, response count (and the arm size it takes its total from), P value
and doubt that has offsets. Time is not checked here (``scripts/bench_linear.py`` measures it;
``tests/test_linear.py`` counts the work).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.extract import build_record
from extractor.models import Article, ArticleRecord, Section

# Pieces of real abstracts, each from a sentence the extractors read.
PIECES = [
    "12 of 13 patients", "12 (92%) of 13", "none of the 18 patients", "12/13", "(57/156; 36%)",
    "P = .002", "p<0.001", "P = 0.", "P = NS", "P for trend = 0.01", "P = 2 × 10^-5", "P < 5%",
    "(n = 40)", "n = 12,", "N=120", "A total of 141 patients were randomized",
    "Thirteen patients received", "twenty-one", "1,297", "95% CI 1.2-3.4", "(95% CI, 0.8-1.2)",
    "17 (9.1%)", "1.5% (n = 46)", "21 vs. 8", "in the placebo group", "(tamoxifen 34, placebo 36)",
    "metformin", "efalizumab", "methotrexate (MTX)", "MTX", "aspirin", "cisplatin-induced",
    "type 2 diabetes", "discoid lupus erythematosus (DLE)", "breast and ovarian cancer",
    "RESULTS:", "METHODS:", "(", ")", "((((", "[", "]", ".", ". ", ",", ";", "1.1.1.", "e.g.",
    "et al.", "J. R. Smith", "vs.", "-", "/", "%", "\u00b7", "\u2264", "\u00a0", "\n", "  ",
    "\u0130", "\u00df", "\ufb01", "\U0001f600", "\u0301",
]
LABELS = [None, "Results", "Methods", "Background", "Conclusions", "RESULTS AND DISCUSSION"]

ABSTRACT_TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40,
).map(" ".join) | st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _articles(texts: st.SearchStrategy[str]) -> st.SearchStrategy[Article]:
    sections = st.lists(
        st.builds(lambda label, text: Section(label=label, text=text), st.sampled_from(LABELS),
                  texts),
        max_size=3,
    )
    return st.builds(lambda title, parts: Article(pmid="1", title=title, sections=parts),
                     texts, sections)


def _spans(record: ArticleRecord) -> list[tuple[int, int, int, str]]:
    """(section index, start, end, text) of every finding's evidence and every located doubt."""
    spans = [(f.section_index, f.start, f.end, f.text)
             for f in [*record.sample_sizes, *record.arms, *record.response_counts,
                       *record.p_values]]
    spans += [(m.section_index, m.start, m.end, m.text)
              for entity in [*record.drugs, *record.conditions] for m in entity.mentions]
    spans += [(c.total_section_index, c.total_start, c.total_end, c.total_text)
              for c in record.response_counts
              if c.total_section_index is not None and c.total_start is not None
              and c.total_end is not None and c.total_text is not None]
    spans += [(d.section_index, d.start, d.end, d.text) for d in record.doubts
              if d.section_index is not None and d.start is not None and d.end is not None]
    return spans


def _check(article: Article) -> None:
    record = build_record(article)  # validates the record; raises on any exception inside
    texts = [text for _, text in article.texts()]
    for index, start, end, text in _spans(record):
        assert 0 <= index < len(texts)
        assert 0 <= start <= end <= len(texts[index])
        assert texts[index][start:end] == text


QUICK = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@QUICK
@given(_articles(st.text(max_size=200)))
def test_any_unicode_text(article: Article) -> None:
    _check(article)


@QUICK
@given(_articles(ABSTRACT_TEXT))
def test_text_made_of_abstract_vocabulary(article: Article) -> None:
    _check(article)
