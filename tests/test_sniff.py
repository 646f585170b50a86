"""Telling HTML pages from PubMed XML by their first bytes (extractor/parse/sniff.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.parse.sniff import html_title, is_pubmed_xml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(("data", "title"), [
    ((FIXTURES / "pages" / "17638731.html").read_bytes(),
     "Efalizumab in the treatment of discoid lupus erythematosus - PubMed"),
    (b"<!DOCTYPE html><html><head><title>\n  Service   Unavailable </title>", "Service Unavailable"),
    (b"\xef\xbb\xbf  <!-- proxy --><HTML><BODY>down</BODY></HTML>", ""),
    (b"<html lang=en><title>x</title>", "x"),
    # not HTML pages
    ((FIXTURES / "pubmed_xml" / "17638731.xml").read_bytes(), None),
    (b"<htmlish/>", None),
    (b"<?xml version='1.0'?><html><title>XHTML is XML first</title></html>", None),
    (b"", None),
    (b"Service unavailable", None),
])
def test_html_title(data: bytes, title: str | None) -> None:
    assert html_title(data) == title


@pytest.mark.parametrize(("data", "expected"), [
    ((FIXTURES / "pubmed_xml" / "17638731.xml").read_bytes(), True),
    (b"  <PubmedArticleSet><PubmedArticle>", True),
    (b"<!DOCTYPE PubmedArticleSet PUBLIC '-//NLM//DTD PubMedArticle//EN'>", True),
    (b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- saved -->\n<PubmedArticleSet>", True),
    ((FIXTURES / "constructed" / "billion_laughs.xml").read_bytes(), True),
    (b"<?xml version='1.0'?><html><title>XHTML</title></html>", False),
    (b"<?xml version='1.0'?><eFetchResult><ERROR>x</ERROR></eFetchResult>", False),
    ((FIXTURES / "pages" / "17638731.html").read_bytes(), False),
    (b"<PubmedArticleSetX>", False),
    (b"just text", False),
])
def test_is_pubmed_xml(data: bytes, expected: bool) -> None:
    assert is_pubmed_xml(data) is expected
