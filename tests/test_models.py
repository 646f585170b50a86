"""The record contract: an ArticleRecord agrees with its article and its own findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from extractor.extract import build_record
from extractor.models import ArticleRecord, SampleSize
from extractor.parse.pubmed_xml import parse_article_xml

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml" / "17638731.xml"
RECORD = build_record(parse_article_xml(FIXTURE.read_bytes()))


def with_changes(**changes: Any) -> ArticleRecord:
    return ArticleRecord(**{**dict(RECORD), **changes})


def test_the_worked_example_is_a_valid_record() -> None:
    assert with_changes() == RECORD
    assert (RECORD.sample_size, [s.value for s in RECORD.sample_sizes if s.chosen]) == (13, [13])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # another PMID than the article's
        ({"pmid": "31588070"}, "record of PMID 31588070 holds the article of PMID 17638731"),
        ({"title": "Efalizumab"}, "title differs from the article's title"),
        # a sample size that no chosen sample size states, or none chosen at all
        ({"sample_size": 12}, "sample_size 12 is not the chosen sample size (13)"),
        ({"sample_size": None}, "sample_size None is not the chosen sample size (13)"),
        ({"sample_sizes": []}, "sample_size 13 is not the chosen sample size (none chosen)"),
    ],
)
def test_a_record_that_disagrees_with_itself_is_refused(changes: dict[str, Any],
                                                        message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with_changes(**changes)


def test_two_chosen_sample_sizes_are_refused() -> None:
    both = [s.model_copy(update={"chosen": True}) for s in RECORD.sample_sizes]
    assert len(both) == 2
    with pytest.raises(ValidationError, match="2 sample sizes are chosen; at most one may be"):
        with_changes(sample_sizes=both)


def test_no_sample_size_is_consistent_when_none_is_chosen() -> None:
    unchosen = [s.model_copy(update={"chosen": False}) for s in RECORD.sample_sizes]
    record = with_changes(sample_size=None, sample_sizes=unchosen)
    assert record.sample_size is None
    assert all(isinstance(s, SampleSize) and not s.chosen for s in record.sample_sizes)
