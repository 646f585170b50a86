"""A saved PubMed abstract page (``pubmed.ncbi.nlm.nih.gov/<PMID>/``) -> ``Article``. No I/O.

Selectors (as on the real page; see shared/tools/README.md, "GET /<pmid>/")::

    <meta name="citation_pmid|citation_title|citation_journal_title|citation_doi" content="...">
    <h1 class="heading-title"> Title </h1>            <span class="cit">2007 Jul;143(7):873-7</span>
    <div class="abstract-content selected" id="eng-abstract">
      <p><strong class="sub-title"> Background: </strong> text with <i>inline</i> markup</p> ...
    </div>
    <p><strong class="sub-title"> Keywords: </strong> aspirin; pain.</p>      (inside #abstract)
    <em class="empty-abstract">No abstract available</em>
    <div id="publication-types|mesh-terms|substances"> ... <button class="keyword-actions-trigger">
        Lupus Erythematosus, Discoid / drug therapy* </button><div>Actions / Search in…</div>

Text goes through the same rules as ``parse_xml.inline_text`` (``normalize_text``, ``^`` for a
signed-integer ``<sup>`` after a digit, ``≤``/``≥`` for an underlined ``<``/``>``), so a page and
its efetch record give the same texts (MathML aside: the page's rendering of it differs).
Labels are kept as the page prints them ("Materials and methods"), without the colon; the page
has no NLM category, so ``Section.category`` is ``None``. What the page does not show
(MeSH and substance UIs, registry numbers, language) is ``None``.
"""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import (
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

from extractor.errors import ParseError
from extractor.ids import is_pmid
from extractor.models import Article, Chemical, MeshHeading, Section
from extractor.parse.pubmed_xml import (
    FIRST_YEAR,
    RETRACTED_TYPE,
    UNDERLINED,
    UNLABELLED_LABELS,
    render_sup,
    render_underline,
)
from extractor.parse.sniff import is_pubmed_xml
from extractor.parse.text import normalize_text

MESH_SEPARATOR = " / "   # "Lupus Erythematosus, Discoid / drug therapy*"
MAJOR_MARK = "*"         # trailing star of a major topic: "Humans*"
KEYWORDS_LABEL = "keywords"
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _soup(html: bytes | str) -> BeautifulSoup:
    """The parsed page; ``ParseError`` for an empty one or for PubMed XML given as a page.

    BeautifulSoup's warnings about odd input are silenced: the page is refused in one line
    by the caller when it is not a PubMed page.
    """
    if not html.strip():
        raise ParseError("empty HTML page")
    if is_pubmed_xml(html.encode("utf-8") if isinstance(html, str) else html):
        raise ParseError("this is PubMed XML, not a PubMed page (an efetch XML file is read with --xml)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "lxml")


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": name})
    content = tag.get("content") if isinstance(tag, Tag) else None
    value = normalize_text(content) if isinstance(content, str) else ""
    return value or None


def _inline_pieces(tag: Tag, done: list[str], skip: Tag | None = None) -> None:
    """Append the text of ``tag``'s content to ``done``, leaving out the ``skip`` element."""
    for child in tag.children:
        if child is skip or isinstance(child, _SKIPPED_STRINGS):
            continue
        if isinstance(child, NavigableString):
            done.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "sup":
                done.append(render_sup("".join(done), child.get_text()))
            elif child.name == "u" and child.get_text().strip() in UNDERLINED:
                done.append(render_underline(child.get_text()))
            elif child.name not in ("script", "style"):
                _inline_pieces(child, done, skip)


def inline_html_text(tag: Tag | None, skip: Tag | None = None) -> str:
    """Normalised text of an element with inline markup (as ``parse_xml.inline_text``)."""
    if tag is None:
        return ""
    pieces: list[str] = []
    _inline_pieces(tag, pieces, skip)
    return normalize_text(pieces)


def _strip_colon(label: str) -> str:
    return label[:-1].rstrip() if label.endswith(":") else label


def _paragraph(p: Tag) -> tuple[str | None, str]:
    """``<p><strong class="sub-title"> Results: </strong> text</p>`` -> ("Results", "text")."""
    sub_title = p.find("strong", class_="sub-title")
    if not isinstance(sub_title, Tag):
        return None, inline_html_text(p)
    label = _strip_colon(inline_html_text(sub_title)) or None
    return label, inline_html_text(p, skip=sub_title)


def parse_pmid(soup: BeautifulSoup) -> str | None:
    """``<meta name="citation_pmid">``, else ``strong.current-id`` of the heading."""
    pmid = _meta(soup, "citation_pmid")
    if pmid is None:
        current = soup.select_one("#full-view-identifiers strong.current-id, strong.current-id")
        pmid = normalize_text(current.get_text()) if current is not None else None
    return pmid or None


def _checked_pmid(found: str | None, expected: str | None) -> str:
    """The page's PMID, checked against the one asked for (``pmid=``) when both are known."""
    if found is not None and expected is not None and found != expected:
        raise ParseError(f"page is for PMID {found}, expected {expected}")
    pmid = found or expected or ""
    if not is_pmid(pmid):
        raise ParseError(f"not a PubMed abstract page: no valid PMID (found {pmid!r})")
    return pmid


def parse_title(soup: BeautifulSoup) -> str:
    """``h1.heading-title`` (keeps inline markup), else ``<meta name="citation_title">``."""
    heading = soup.select_one("#full-view-heading h1.heading-title, h1.heading-title")
    title = inline_html_text(heading)
    return title or _meta(soup, "citation_title") or ""


def _abstract_content(soup: BeautifulSoup) -> Tag | None:
    found = (soup.select_one("#eng-abstract")
             or soup.select_one("#abstract div.abstract-content.selected"))
    return found if isinstance(found, Tag) else None


def parse_sections(soup: BeautifulSoup) -> list[Section]:
    """One ``<p>`` of ``#eng-abstract`` per section; ``[]`` with ``em.empty-abstract``."""
    content = _abstract_content(soup)
    if content is None:
        return []
    paragraphs = content.find_all("p") or [content]
    sections: list[Section] = []
    for p in paragraphs:
        label, text = _paragraph(p)
        if label is not None and label.upper() in UNLABELLED_LABELS:
            label = None
        if label is not None and label.lower() == KEYWORDS_LABEL:
            continue
        if text:
            sections.append(Section(label=label, category=None, text=text))
    return sections


def parse_keywords(soup: BeautifulSoup) -> list[str]:
    """``<p><strong class="sub-title">Keywords:</strong> aspirin; pain.</p>`` -> [aspirin, pain]."""
    for p in soup.select("#abstract p"):
        label, text = _paragraph(p)
        if label is not None and label.lower() == KEYWORDS_LABEL:
            text = text[:-1] if text.endswith(".") else text
            return [keyword for keyword in (normalize_text(k) for k in text.split(";")) if keyword]
    return []


def parse_journal(soup: BeautifulSoup) -> str | None:
    """``<meta name="citation_journal_title">``, else the journal button of the heading."""
    journal = _meta(soup, "citation_journal_title")
    if journal is None:
        button = soup.select_one("#full-view-journal-trigger")
        journal = normalize_text(button.get_text()) if button is not None else None
    return journal or None


def parse_year(soup: BeautifulSoup) -> int | None:
    """Meta ``citation_date`` / ``citation_publication_date``, else ``span.cit`` ("2007 Jul;")."""
    candidates = [_meta(soup, "citation_date"), _meta(soup, "citation_publication_date")]
    cit = soup.select_one("#full-view-heading span.cit, span.cit")
    if cit is not None:
        candidates.append(normalize_text(cit.get_text()))
    for text in candidates:
        match = FIRST_YEAR.search(text or "")
        if match:
            return int(match.group(1))
    return None


def parse_first_author(soup: BeautifulSoup) -> str | None:
    """The last name of the first of ``<meta name="citation_authors" content="Usmani N;...">``
    (the initials after the last space dropped)."""
    authors = _meta(soup, "citation_authors")
    first = (authors or "").split(";")[0].strip()
    if not first:
        return None
    name, _, initials = first.rpartition(" ")
    return name if name and initials.isupper() else first


def parse_doi(soup: BeautifulSoup) -> str | None:
    """``<meta name="citation_doi">``, else the DOI link of ``#full-view-identifiers``."""
    doi = _meta(soup, "citation_doi")
    if doi is None:
        link = soup.select_one("#full-view-identifiers span.identifier.doi a.id-link")
        doi = normalize_text(link.get_text()) if link is not None else None
    return doi or None


def parse_pmcid(soup: BeautifulSoup) -> str | None:
    """``#full-view-identifiers span.identifier.pmc a.id-link`` ("PMC5442267") when shown."""
    link = soup.select_one("#full-view-identifiers span.identifier.pmc a.id-link")
    value = normalize_text(link.get_text()) if link is not None else ""
    return value or None


def _buttons(soup: BeautifulSoup, section_id: str) -> list[tuple[str, bool]]:
    """Button texts of a keywords section (not the li text, which adds the Actions menu)."""
    items: list[tuple[str, bool]] = []
    for button in soup.select(f"#{section_id} ul.keywords-list button.keyword-actions-trigger"):
        text = normalize_text(button.get_text())
        major = text.endswith(MAJOR_MARK) or "major" in (button.get("class") or [])
        text = text.rstrip(MAJOR_MARK).rstrip()
        if text:
            items.append((text, major))
    return items


def parse_publication_types(soup: BeautifulSoup) -> list[str]:
    return [text for text, _ in _buttons(soup, "publication-types")]


def parse_mesh_headings(soup: BeautifulSoup) -> list[MeshHeading]:
    """One button per descriptor/qualifier pair, grouped back into headings.

    ``Lupus Erythematosus, Discoid / drug therapy*`` and ``... / pathology`` -> one heading with
    qualifiers [drug therapy, pathology], major because one pair is starred.
    """
    headings: dict[str, MeshHeading] = {}
    for text, major in _buttons(soup, "mesh-terms"):
        descriptor, _, qualifier = text.partition(MESH_SEPARATOR)
        descriptor = descriptor.strip()
        heading = headings.get(descriptor)
        if heading is None:
            heading = headings[descriptor] = MeshHeading(name=descriptor)
        if major:
            heading.major_topic = True
        if qualifier.strip():
            heading.qualifiers.append(qualifier.strip())
    return list(headings.values())


def parse_chemicals(soup: BeautifulSoup) -> list[Chemical]:
    return [Chemical(name=text) for text, _ in _buttons(soup, "substances")]


def parse_page_html(html: bytes | str, pmid: str | None = None) -> Article:
    """A PubMed abstract page -> ``Article``; ``ParseError`` if it is not one.

    ``pmid``: the PMID the page was fetched for. It is used when the page shows none, and a
    page showing another PMID is refused.
    """
    soup = _soup(html)
    shown_pmid, title = parse_pmid(soup), parse_title(soup)
    if shown_pmid is None and not title:
        raise ParseError("not a PubMed abstract page: it shows no PMID and no article title")
    publication_types = parse_publication_types(soup)
    return Article(
        pmid=_checked_pmid(shown_pmid, pmid),
        title=title,
        sections=parse_sections(soup),
        journal=parse_journal(soup),
        year=parse_year(soup),
        first_author=parse_first_author(soup),
        doi=parse_doi(soup),
        pmcid=parse_pmcid(soup),
        language=None,
        publication_types=publication_types,
        mesh_headings=parse_mesh_headings(soup),
        chemicals=parse_chemicals(soup),
        keywords=parse_keywords(soup),
        retracted=RETRACTED_TYPE in publication_types,
        kind="article",
    )
