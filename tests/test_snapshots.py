"""Regression snapshots: the findings of every fixture record, compared with
``fixtures/expected/<PMID>.json`` (efetch XML) and ``<PMID>.page.json`` (PubMed pages).

A change to extraction shows here as a failing test with the diff. After reading the diff and
deciding the change is right, regenerate the files and review them in ``git diff``::

    .venv/bin/python -m pytest tests/test_snapshots.py --update-snapshots
    git diff --stat fixtures/expected

A snapshot holds the record's findings exactly as ``extract --json`` prints them, without the
parsed article (its parsing has tests of its own) and without the extractor version.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.extract import build_record
from extractor.models import Article
from extractor.parse.pubmed_page import parse_page_html
from extractor.parse.pubmed_xml import parse_article_xml, parse_efetch_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = FIXTURES / "expected"
# Inputs that are no records at all (refused by the parsers; tested in test_parse_*.py).
NOT_RECORDS = {"billion_laughs.xml", "not_found_page.html"}


def fixture_articles() -> Iterator[tuple[str, str, Article]]:
    """(snapshot file name, fixture path, article) for every record of the fixtures."""
    for path in sorted([*FIXTURES.glob("pubmed_xml/*.xml"), *FIXTURES.glob("constructed/*.xml")]):
        if path.name in NOT_RECORDS:
            continue
        for pmid, record_xml in parse_efetch_records(path.read_bytes()):
            article = parse_article_xml(record_xml)
            if article.kind != "deleted":
                yield f"{pmid}.json", str(path.relative_to(FIXTURES.parent)), article
    for path in sorted(FIXTURES.glob("pages/*.html")):
        article = parse_page_html(path.read_bytes())
        yield f"{article.pmid}.page.json", str(path.relative_to(FIXTURES.parent)), article


def snapshot_text(article: Article, source: str) -> str:
    """The snapshot of one record: its findings as ``extract --json`` prints them."""
    record = build_record(article).model_dump(mode="json")
    kept = {"pmid": record["pmid"], "title": record["title"], "fixture": source}
    kept.update({key: value for key, value in record.items()
                 if key not in ("pmid", "title", "article", "extractor_version")})
    return json.dumps(kept, indent=1, ensure_ascii=False) + "\n"


SNAPSHOTS = list(fixture_articles())


def test_every_fixture_record_has_a_snapshot_and_no_snapshot_is_stale(
        request: pytest.FixtureRequest) -> None:
    names = [name for name, _, _ in SNAPSHOTS]
    assert len(names) == len(set(names)), "two fixture records share a snapshot name"
    if request.config.getoption("--update-snapshots"):
        for path in EXPECTED.glob("*.json"):
            if path.name not in names:
                path.unlink()  # the fixture record is gone
        return
    on_disk = sorted(path.name for path in EXPECTED.glob("*.json"))
    assert on_disk == sorted(names)


@pytest.mark.parametrize(("name", "source", "article"), SNAPSHOTS,
                         ids=[name for name, _, _ in SNAPSHOTS])
def test_findings_match_the_snapshot(name: str, source: str, article: Article,
                                     request: pytest.FixtureRequest) -> None:
    actual = snapshot_text(article, source)
    path = EXPECTED / name
    if request.config.getoption("--update-snapshots"):
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"fixtures/expected/{name}", tofile="now", n=2))
        pytest.fail(f"findings of {source} changed (regenerate with --update-snapshots once "
                    f"the change is right):\n{diff}", pytrace=False)
