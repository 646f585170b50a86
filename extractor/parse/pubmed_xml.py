"""efetch XML bytes -> ``Article`` records. No I/O; inputs are never mutated.

Shape handled (NCBI efetch, db=pubmed, ``pubmed_250101.dtd``)::

    <PubmedArticleSet>
      <PubmedArticle><MedlineCitation><PMID/><Article>...</Article>...</MedlineCitation>
                     <PubmedData><ArticleIdList/>...</PubmedData></PubmedArticle>
      <PubmedBookArticle><BookDocument><PMID/><Book/>...</BookDocument>...</PubmedBookArticle>
      <DeleteCitation><PMID/>...</DeleteCitation>
    </PubmedArticleSet>

Safety: the parser never loads a DTD, never touches the network, never expands entities and
keeps libxml2's size limits (``huge_tree=False``). A document that declares entities
(``<!ENTITY ...>``: billion laughs, external entities) or still holds an entity reference is
refused with ``ParseError``; NCBI's own XML uses numeric character references only.

Text: ``inline_text`` joins the text of inline markup (``<i> <b> <u> <sub> <sup>``, MathML) with
no separator, then ``normalize_text``; the XML's own whitespace decides spacing. Three rules on
top of that, documented here because the extractors depend on them:

- ``<sup>`` holding a signed integer right after a digit is written ``^X``:
  ``10<sup>-5</sup>`` -> ``10^-5`` (so ``P = 3 × 10<sup>-5</sup>`` is not read as ``10-5``), and
  ``n = 45<sup>1</sup>`` -> ``45^1`` rather than a silent ``451``. Any other ``<sup>`` is joined
  as is: ``mc<sup>2</sup>155`` -> ``mc2155``, ``19<sup>th</sup>`` -> ``19th``,
  ``kg/m<sup>2</sup>`` -> ``kg/m2``.
- An underlined ``<`` or ``>`` (``<u>&lt;</u>``) is ``≤`` or ``≥``:
  ``normal TSH (0.4-<u>&lt;</u>4.5 mIU/L)`` -> ``normal TSH (0.4-≤4.5 mIU/L)``.
- MathML (``<mml:math>``) is layout-heavy (a newline between every token); its token texts are
  joined with no space: ``V̇O<sub>2max</sub>`` written in MathML -> ``V.O2max``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from extractor.errors import ParseError
from extractor.ids import is_pmid
from extractor.models import Article, Chemical, MeshHeading, Section
from extractor.parse.sniff import html_title
from extractor.parse.text import normalize_text, one_line

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# Indentation between MathML tokens; a thin space inside <mml:mtext> is content and is kept.
LAYOUT_WHITESPACE = " \t\r\n"
UNLABELLED_LABELS = frozenset({"UNLABELLED", "UNLABELED"})
RETRACTED_TYPE = "Retracted Publication"
NO_REGISTRY_NUMBER = "0"  # NLM's placeholder in <RegistryNumber>0</RegistryNumber>

# <u>&lt;</u> is a typewriter "less than or equal":
# "normal TSH (0.4-<u>&lt;</u>4.5 mIU/L)" (fixtures/pubmed_xml/pubmed5.xml)
UNDERLINED = {"<": "\u2264", ">": "\u2265"}
# A signed integer as printed inside <sup>: "-5", "−5" (mapped to "-" first), "+3", "18".
SIGNED_INTEGER = re.compile(r"[-+]?\s*[0-9]+")
# First 4-digit year of a free-text date: <MedlineDate>1998 Dec-1999 Jan</MedlineDate> -> 1998.
FIRST_YEAR = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|2[0-9]{3})(?![0-9])")


ENTITIES_REFUSED = "XML declares entities; refused (efetch XML never does, and expanding them is unsafe)"
_ENTITY_DECLARATION = b"<!ENTITY"


def _xml_parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and are not safe to share across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
    )


def _malformed(exc: etree.XMLSyntaxError) -> ParseError:
    return ParseError(one_line(f"malformed XML: {exc}"))


def parse_xml_root(xml: bytes | str) -> etree._Element:
    """Parse untrusted XML safely; ``ParseError`` (one line) if malformed or declaring entities."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    if not xml or not xml.strip():
        raise ParseError("empty XML document")
    if html_title(xml) is not None:
        raise ParseError("this is an HTML page, not PubMed XML (a saved PubMed page is read with --html)")
    try:
        root = etree.fromstring(xml, _xml_parser())
    except etree.XMLSyntaxError as exc:
        if _ENTITY_DECLARATION in xml:
            # libxml2 may stop on the declarations' size before we can look at them
            raise ParseError(ENTITIES_REFUSED) from None
        raise _malformed(exc) from None
    if root is None:
        raise ParseError("malformed XML: no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        declared = [entity.name or "" for entity in dtd.iterentities()]
        if declared:
            raise ParseError(f"{ENTITIES_REFUSED}: {', '.join(declared[:5])}")
    # An entity used but declared nowhere we read (e.g. only in an external DTD): &secret;
    reference = next(root.iter(etree.Entity), None)
    if reference is not None:
        raise ParseError(f"XML holds an unexpanded entity reference {reference.text}; refused")
    return root


# --------------------------------------------------------------------------- text


def is_signed_integer(text: str) -> bool:
    return SIGNED_INTEGER.fullmatch(text.strip()) is not None


def render_sup(preceding: str, sup_text: str) -> str:
    """``<sup>`` content as joined after ``preceding`` text (see the module docstring)."""
    mapped = normalize_text(sup_text)
    if preceding[-1:].isdigit() and is_signed_integer(mapped):
        return "^" + mapped.replace(" ", "")
    return sup_text


def render_underline(text: str) -> str:
    """An underlined ``<`` or ``>`` is how some publishers print ``≤``/``≥``; other text as is."""
    return UNDERLINED.get(text.strip(), text)


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _mathml_text(element: etree._Element) -> str:
    # <mml:mi>V</mml:mi>\n  <mml:mo>.</mml:mo>\n  <mml:msub>... -> "V.O2max"; whitespace at the
    # very start or end of the math stays one space:
    # "...<mml:mn>129</mml:mn>\n</mml:math>MRI" -> "Xe129 MRI"
    raw = "".join(element.itertext())
    compact = "".join(piece.strip(LAYOUT_WHITESPACE) for piece in element.itertext())
    if not compact:
        return raw
    before = " " if raw[:1].isspace() else ""
    after = " " if raw[-1:].isspace() else ""
    return before + compact + after


def _inline_pieces(element: etree._Element, done: list[str]) -> None:
    """Append the text of ``element``'s content (not its tail) to ``done``."""
    if element.text:
        done.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            if child.tag == f"{{{MATHML_NS}}}math":
                done.append(_mathml_text(child))
            elif _local_name(child) == "sup":
                done.append(render_sup("".join(done), "".join(child.itertext())))
            elif _local_name(child) == "u" and "".join(child.itertext()).strip() in UNDERLINED:
                done.append(render_underline("".join(child.itertext())))
            else:
                _inline_pieces(child, done)
        # comments and processing instructions contribute only their tail
        if child.tail:
            done.append(child.tail)


def inline_text(element: etree._Element | None) -> str:
    """Normalised text of an element with inline markup: ``of <i>n</i> = 412`` -> ``of n = 412``."""
    if element is None:
        return ""
    pieces: list[str] = []
    _inline_pieces(element, pieces)
    return normalize_text(pieces)


def _texts(elements: list[etree._Element]) -> list[str]:
    """Normalised, non-empty texts, in document order, duplicates kept."""
    return [text for text in (inline_text(element) for element in elements) if text]


# --------------------------------------------------------------------------- record parts


def _citation(record: etree._Element) -> etree._Element:
    """<MedlineCitation> of an article, <BookDocument> of a book, the element itself otherwise."""
    for path in ("MedlineCitation", "BookDocument"):
        found = record.find(path)
        if found is not None:
            return found
    return record


def _article(record: etree._Element) -> etree._Element:
    """<MedlineCitation><Article> of an article; <BookDocument> of a book."""
    article = record.find("MedlineCitation/Article")
    if article is not None:
        return article
    return _citation(record)


def _is_book(record: etree._Element) -> bool:
    return record.tag == "PubmedBookArticle"


def _article_ids(record: etree._Element) -> list[etree._Element]:
    # Only the record's own ids: ReferenceList/Reference/ArticleIdList holds the cited papers'.
    return [
        *record.findall("PubmedData/ArticleIdList/ArticleId"),
        *record.findall("BookDocument/ArticleIdList/ArticleId"),
        *record.findall("PubmedBookData/ArticleIdList/ArticleId"),
    ]


def _article_id(record: etree._Element, id_type: str) -> str | None:
    for element in _article_ids(record):
        if element.get("IdType") == id_type:
            value = normalize_text(element.itertext())
            if value:
                return value
    return None


def parse_pmid(record: etree._Element) -> str:
    """``<MedlineCitation><PMID Version="1">17638731</PMID>`` (or ``BookDocument/PMID``)."""
    element = _citation(record).find("PMID")
    pmid = normalize_text(element.itertext()) if element is not None else ""
    if not is_pmid(pmid):
        raise ParseError(f"<{_local_name(record)}> without a valid PMID (found {pmid!r})")
    return pmid


def parse_title(record: etree._Element) -> str:
    """``ArticleTitle``; a book: its chapter ``ArticleTitle`` or else ``Book/BookTitle``.

    An empty ``ArticleTitle`` falls back to ``VernacularTitle`` (some non-English records).
    """
    article = _article(record)
    title = inline_text(article.find("ArticleTitle"))
    if not title and _is_book(record):
        title = inline_text(article.find("Book/BookTitle"))
    if not title:
        title = inline_text(article.find("VernacularTitle"))
    return title


def _section(element: etree._Element) -> Section:
    # <AbstractText Label="RESULTS" NlmCategory="RESULTS">...</AbstractText>
    label = normalize_text(element.get("Label") or "") or None
    if label is not None and label.upper() in UNLABELLED_LABELS:
        label = None  # <AbstractText Label="UNLABELLED">: NLM's marker for "no label"
    category = normalize_text(element.get("NlmCategory") or "") or None
    return Section(label=label, category=category, text=inline_text(element))


def _sections_of(abstract: etree._Element) -> list[Section]:
    sections = [_section(element) for element in abstract.findall("AbstractText")]
    return [section for section in sections if section.text]


def _other_abstract(article: etree._Element, citation: etree._Element) -> etree._Element | None:
    """The OtherAbstract to use when there is no Abstract: English first, else the first one."""
    others = [*citation.findall("OtherAbstract"), *article.findall("OtherAbstract")]
    english = [other for other in others if (other.get("Language") or "eng") == "eng"]
    candidates = english or others
    return candidates[0] if candidates else None


def parse_sections(record: etree._Element) -> list[Section]:
    """Abstract sections in order; ``[]`` when there is no abstract.

    ``<OtherAbstract>`` (usually a non-English author abstract) is used only when the record
    has no ``<Abstract>`` text at all.
    """
    article = _article(record)
    abstract = article.find("Abstract")
    sections = _sections_of(abstract) if abstract is not None else []
    if sections:
        return sections
    other = _other_abstract(article, _citation(record))
    return _sections_of(other) if other is not None else []


def parse_journal(record: etree._Element) -> str | None:
    """``Article/Journal/Title``; for a book chapter the book's title."""
    article = _article(record)
    if _is_book(record):
        if article.find("ArticleTitle") is None:
            return None  # the book itself: its title is already the article title
        return inline_text(article.find("Book/BookTitle")) or None
    return inline_text(article.find("Journal/Title")) or None


def parse_first_author(record: etree._Element) -> str | None:
    """The first ``AuthorList/Author``'s ``LastName`` (or ``CollectiveName``: "PRISM Study
    Group"); for a book chapter, its own authors'."""
    for author in _article(record).iterfind("AuthorList/Author"):
        name = inline_text(author.find("LastName")) or inline_text(author.find("CollectiveName"))
        if name:
            return name
    return None


def _year_of(text: str | None) -> int | None:
    match = FIRST_YEAR.search(text or "")
    return int(match.group(1)) if match else None


def parse_year(record: etree._Element) -> int | None:
    """``PubDate/Year``, else the first year of ``PubDate/MedlineDate``, else ``ArticleDate``.

    Books: ``Book/PubDate``, then ``ContributionDate``.
    """
    article = _article(record)
    if _is_book(record):
        paths = ["Book/PubDate/Year", "Book/PubDate/MedlineDate", "ContributionDate/Year"]
    else:
        paths = ["Journal/JournalIssue/PubDate/Year", "Journal/JournalIssue/PubDate/MedlineDate",
                 "ArticleDate/Year"]
    for path in paths:
        year = _year_of(article.findtext(path))
        if year is not None:
            return year
    return None


def parse_doi(record: etree._Element) -> str | None:
    """``<ELocationID EIdType="doi" ValidYN="Y">``, else ``<ArticleId IdType="doi">``."""
    for element in _article(record).findall("ELocationID"):
        if element.get("EIdType") == "doi" and element.get("ValidYN", "Y") == "Y":
            value = normalize_text(element.itertext())
            if value:
                return value
    return _article_id(record, "doi")


def parse_pmcid(record: etree._Element) -> str | None:
    """``<ArticleId IdType="pmc">PMC11524154</ArticleId>`` of the record (not its references)."""
    return _article_id(record, "pmc")


def parse_language(record: etree._Element) -> str | None:
    """The first ``<Language>`` (``eng``); a translated article lists several: eng, nor."""
    languages = _texts(_article(record).findall("Language"))
    return languages[0] if languages else None


def parse_publication_types(record: etree._Element) -> list[str]:
    article = _article(record)
    if _is_book(record):
        return _texts(article.findall("PublicationType"))
    return _texts(article.findall("PublicationTypeList/PublicationType"))


def _mesh_heading(element: etree._Element) -> MeshHeading | None:
    # <MeshHeading><DescriptorName UI="D008180" MajorTopicYN="N">Lupus ...</DescriptorName>
    #              <QualifierName UI="Q000188" MajorTopicYN="Y">drug therapy</QualifierName>
    descriptor = element.find("DescriptorName")
    name = inline_text(descriptor)
    if descriptor is None or not name:
        return None
    qualifiers = element.findall("QualifierName")
    major = descriptor.get("MajorTopicYN") == "Y" or any(
        qualifier.get("MajorTopicYN") == "Y" for qualifier in qualifiers
    )
    return MeshHeading(
        ui=descriptor.get("UI") or None,
        name=name,
        major_topic=major,
        qualifiers=_texts(qualifiers),
    )


def parse_mesh_headings(record: etree._Element) -> list[MeshHeading]:
    headings = (_mesh_heading(element)
                for element in _citation(record).findall("MeshHeadingList/MeshHeading"))
    return [heading for heading in headings if heading is not None]


def _chemical(element: etree._Element) -> Chemical | None:
    # <Chemical><RegistryNumber>E1UOL152H7</RegistryNumber>
    #           <NameOfSubstance UI="D007501">Iron</NameOfSubstance></Chemical>
    substance = element.find("NameOfSubstance")
    name = inline_text(substance)
    if substance is None or not name:
        return None
    registry = normalize_text(element.findtext("RegistryNumber") or "")
    return Chemical(
        ui=substance.get("UI") or None,
        name=name,
        registry_number=None if registry in ("", NO_REGISTRY_NUMBER) else registry,
    )


def parse_chemicals(record: etree._Element) -> list[Chemical]:
    """``ChemicalList``; a ``RegistryNumber`` of ``0`` (NLM's "none") becomes ``None``."""
    chemicals = (_chemical(element)
                 for element in _citation(record).findall("ChemicalList/Chemical"))
    return [chemical for chemical in chemicals if chemical is not None]


def parse_keywords(record: etree._Element) -> list[str]:
    """Every ``KeywordList/Keyword``, in order (author and NLM lists alike)."""
    return _texts(_citation(record).findall("KeywordList/Keyword"))


def parse_retracted(record: etree._Element) -> bool:
    """Publication type "Retracted Publication", or a ``RetractionIn`` comment/correction."""
    if RETRACTED_TYPE in parse_publication_types(record):
        return True
    return any(
        element.get("RefType") == "RetractionIn"
        for element in _citation(record).findall("CommentsCorrectionsList/CommentsCorrections")
    )


def _deleted_pmids(element: etree._Element) -> list[str]:
    # <DeleteCitation><PMID Version="1">123</PMID><PMID Version="1">456</PMID></DeleteCitation>
    pmids = [normalize_text(pmid.itertext()) for pmid in element.findall("PMID")]
    bad = [pmid for pmid in pmids if not is_pmid(pmid)]
    if bad:
        raise ParseError(f"<DeleteCitation> with an invalid PMID {bad[0]!r}")
    return pmids


# --------------------------------------------------------------------------- records

RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


def parse_article(record: etree._Element) -> Article:
    """One ``<PubmedArticle>`` or ``<PubmedBookArticle>`` element -> ``Article``."""
    if record.tag not in RECORD_TAGS:
        raise ParseError(
            f"expected <PubmedArticle> or <PubmedBookArticle>, got <{_local_name(record)}>")
    return Article(
        pmid=parse_pmid(record),
        title=parse_title(record),
        sections=parse_sections(record),
        journal=parse_journal(record),
        year=parse_year(record),
        first_author=parse_first_author(record),
        doi=parse_doi(record),
        pmcid=parse_pmcid(record),
        language=parse_language(record),
        publication_types=parse_publication_types(record),
        mesh_headings=parse_mesh_headings(record),
        chemicals=parse_chemicals(record),
        keywords=parse_keywords(record),
        retracted=parse_retracted(record),
        kind="book" if _is_book(record) else "article",
    )


def _record_elements(root: etree._Element) -> Iterator[etree._Element]:
    """Record elements of an efetch answer (or a lone record), in document order."""
    if root.tag in (*RECORD_TAGS, "DeleteCitation"):
        yield root
        return
    if root.tag not in ("PubmedArticleSet", "PubmedBookArticleSet"):
        error = normalize_text(root.findtext(".//ERROR") or "")
        detail = f": {error}" if error else ""
        raise ParseError(
            f"not a PubMed efetch answer: root element <{_local_name(root)}>{detail}")
    for child in root:
        if isinstance(child.tag, str) and child.tag in (*RECORD_TAGS, "DeleteCitation"):
            yield child
        elif isinstance(child.tag, str) and child.tag in ("PubmedArticleSet",
                                                          "PubmedBookArticleSet"):
            yield from _record_elements(child)


def _deleted_article(pmid: str) -> Article:
    return Article(pmid=pmid, kind="deleted")


def parse_efetch_xml(xml: bytes | str) -> list[Article]:
    """efetch XML -> one ``Article`` per record, in order; ``DeleteCitation`` PMIDs come back as
    ``Article(kind="deleted")``. An empty set gives ``[]``."""
    articles: list[Article] = []
    for element in _record_elements(parse_xml_root(xml)):
        if element.tag == "DeleteCitation":
            articles.extend(_deleted_article(pmid) for pmid in _deleted_pmids(element))
        else:
            articles.append(parse_article(element))
    return articles


def _record_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, encoding="UTF-8", xml_declaration=True, with_tail=False)


def _record_items(element: etree._Element) -> list[tuple[str, bytes]]:
    """``(pmid, record XML)`` of one record element; a ``DeleteCitation`` gives one
    ``<DeleteCitation><PMID>…</PMID></DeleteCitation>`` per PMID."""
    if element.tag != "DeleteCitation":
        return [(parse_pmid(element), _record_bytes(element))]
    items = []
    for pmid in _deleted_pmids(element):
        deleted = etree.Element("DeleteCitation")
        etree.SubElement(deleted, "PMID", Version="1").text = pmid
        items.append((pmid, _record_bytes(deleted)))
    return items


def parse_efetch_records(xml: bytes | str) -> list[tuple[str, bytes]]:
    """efetch XML -> ``(pmid, record XML)`` per record, for storing each record on its own.

    Each record's bytes are a standalone UTF-8 document whose root is the record element
    (re-serialised by lxml: character references become characters, the text is unchanged),
    so ``parse_article_xml(record)`` gives the same ``Article`` as parsing the whole answer.
    A ``DeleteCitation`` becomes one ``<DeleteCitation><PMID>…</PMID></DeleteCitation>`` per PMID.
    """
    return [item for element in _record_elements(parse_xml_root(xml)) for item in _record_items(element)]


def iter_efetch_records(stream: BinaryIO, chunk_size: int = 1 << 20) -> Iterator[tuple[str, bytes]]:
    """``parse_efetch_records`` of a file of any size, read in chunks: memory stays flat.

    For PubMed baseline and update files (``pubmed25n0001.xml.gz``, opened with
    ``pipeline.open_records_file``) and large efetch files. Each record element is dropped
    once its bytes are yielded. The same safety rules as ``parse_xml_root``: an HTML page,
    entity declarations or entity references are refused with a ``ParseError``, as is
    malformed XML (after the records before the fault were yielded).
    """
    head = stream.read(chunk_size)
    if not head.strip():
        raise ParseError("empty XML document")
    if html_title(head) is not None:
        raise ParseError("this is an HTML page, not PubMed XML (a saved PubMed page is read with --html)")
    if _ENTITY_DECLARATION in head:
        raise ParseError(ENTITIES_REFUSED)
    parser = etree.XMLPullParser(events=("end",), tag=(*RECORD_TAGS, "DeleteCitation"),
                                 resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
    chunk = head
    while chunk:
        try:
            parser.feed(chunk)
            yield from _pulled_records(parser)
        except etree.XMLSyntaxError as exc:
            raise _malformed(exc) from None
        chunk = stream.read(chunk_size)
    try:
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise _malformed(exc) from None


def _pulled_records(parser: etree.XMLPullParser) -> Iterator[tuple[str, bytes]]:
    """The records the pull parser has completed, each dropped from the tree once read."""
    for _, element in parser.read_events():
        reference = next(element.iter(etree.Entity), None)
        if reference is not None:
            raise ParseError(f"XML holds an unexpanded entity reference {reference.text}; refused")
        items = _record_items(element)
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
        yield from items


def parse_article_xml(record: bytes | str) -> Article:
    """One record's XML (as ``parse_efetch_records`` gives, or a one-record efetch set)."""
    articles = parse_efetch_xml(record)
    if len(articles) != 1:
        raise ParseError(f"expected exactly one PubMed record, found {len(articles)}")
    return articles[0]
