"""parse_html: saved PubMed abstract pages (fixtures/pages) against their efetch records
(fixtures/pubmed_xml), plus small page snippets for the selectors' edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import ParseError
from extractor.models import Article, Chemical, MeshHeading, Section
from extractor.parse.pubmed_page import parse_page_html
from extractor.parse.pubmed_xml import parse_article_xml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = FIXTURES / "pages"
PAGE_PMIDS = ["17638731", "31588070", "38513076", "32160763"]


def page(pmid: str) -> Article:
    return parse_page_html((PAGES / f"{pmid}.html").read_bytes())


def xml(pmid: str) -> Article:
    return parse_article_xml((FIXTURES / "pubmed_xml" / f"{pmid}.xml").read_bytes())


def test_worked_example_page() -> None:
    assert page("17638731") == Article(
        pmid="17638731",
        title="Efalizumab in the treatment of discoid lupus erythematosus",
        sections=[
            Section(label="Background", text=(
                "Discoid lupus erythematosus is a chronic inflammatory condition in which the "
                "pathogenesis and the role of cell-mediated immunity remains unclear. Currently, the most "
                "effective treatments for severe disease are thalidomide, methotrexate, and cyclosporin, "
                "although the evidence for this is limited. Efalizumab is a monoclonal antibody directed "
                "against CD11a, the alpha-subunit of the leukocyte-functioning antigen 1, with a current "
                "license for use in psoriasis. Because discoid lupus erythematosus is known to be "
                "predominantly T-cell mediated, our aim was to use efalizumab as a T-cell modulator in "
                "patients with recalcitrant disease.")),
            Section(label="Observations", text=(
                "Thirteen patients received efalizumab, with treatment responses varying from good to "
                "excellent in 12 of 13 patients. There was a significant reduction in the cutaneous lupus "
                "activity and severity score (CLASS) score after therapy with efalizumab (P = .002).")),
            Section(label="Conclusions", text=(
                "We have presented efalizumab as a novel alternative treatment for patients with difficult "
                "discoid lupus erythematosus. The response to treatment in 12 patients was very "
                "encouraging, with the mean time to response being 5.5 weeks. However, patient numbers "
                "were small, and many remain in the early stages of therapy. A prospective randomized "
                "study with a long-term follow-up is required, especially in light of recent findings to "
                "evaluate both the effectiveness and safety profile of this monoclonal antibody.")),
        ],
        journal="Arch Dermatol",
        year=2007,
        first_author="Usmani",
        doi="10.1001/archderm.143.7.873",
        publication_types=["Case Reports"],
    )


@pytest.mark.parametrize("pmid", PAGE_PMIDS)
def test_page_matches_efetch_record(pmid: str) -> None:
    """What a page shows equals what efetch gives; labels may differ in case only."""
    html, record = page(pmid), xml(pmid)
    assert html.pmid == record.pmid
    assert html.title == record.title
    assert [s.text for s in html.sections] == [s.text for s in record.sections]
    assert [(s.label or "").casefold() for s in html.sections] == [
        (s.label or "").casefold() for s in record.sections]
    assert (html.journal, html.year, html.doi) == (record.journal, record.year, record.doi)
    assert html.publication_types == record.publication_types
    assert html.keywords == record.keywords
    assert [(m.name, m.major_topic, m.qualifiers) for m in html.mesh_headings] == [
        (m.name, m.major_topic, m.qualifiers) for m in record.mesh_headings]
    assert [c.name for c in html.chemicals] == [c.name for c in record.chemicals]
    assert html.retracted == record.retracted


def test_labels_are_kept_as_the_page_prints_them() -> None:
    # efetch: PURPOSE/METHODS/RESULTS/CONCLUSIONS; the page: sentence case, colon stripped
    assert [s.label for s in page("31588070").sections] == ["Purpose", "Methods", "Results", "Conclusions"]
    assert [s.label for s in xml("31588070").sections] == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert {s.category for s in page("31588070").sections} == {None}


def test_keywords_paragraph_is_not_a_section() -> None:
    got = page("31588070")
    # <p><strong class="sub-title">Keywords:</strong> catheter thrombolysis; ...; surgical pulmonary embolectomy.</p>
    assert got.keywords == ["catheter thrombolysis", "fibrinolysis", "pulmonary embolism",
                            "surgical pulmonary embolectomy"]
    assert "Keywords" not in [s.label for s in got.sections]


def test_mesh_terms_grouped_per_descriptor() -> None:
    # buttons: "Anticoagulants / administration & dosage*", "Anticoagulants / adverse effects", ...
    assert page("31588070").mesh_headings == [
        MeshHeading(name="Acute Disease"),
        MeshHeading(name="Anticoagulants", major_topic=True,
                    qualifiers=["administration & dosage", "adverse effects"]),
        MeshHeading(name="Embolectomy", major_topic=True, qualifiers=["adverse effects", "mortality"]),
        MeshHeading(name="Hemodynamics"),
        MeshHeading(name="Humans"),
        MeshHeading(name="Pulmonary Embolism", major_topic=True,
                    qualifiers=["diagnostic imaging", "mortality", "physiopathology", "therapy"]),
        MeshHeading(name="Recurrence"),
        MeshHeading(name="Risk Factors"),
        MeshHeading(name="Thrombolytic Therapy", major_topic=True, qualifiers=["adverse effects", "mortality"]),
        MeshHeading(name="Treatment Outcome"),
    ]


def test_substances_read_from_buttons_not_list_items() -> None:
    # each <li> also holds an "Actions / Search in PubMed / Search in MeSH" dropdown
    assert page("38513076").chemicals == [
        Chemical(name="benzotriazole"), Chemical(name="Ribavirin"),
        Chemical(name="Antiviral Agents"), Chemical(name="Triazoles"),
    ]


def test_empty_abstract_page() -> None:
    got = page("32160763")
    assert (got.sections, got.has_abstract) == ([], False)
    assert got.title == xml("32160763").title != ""


def test_inline_markup_in_page_text() -> None:
    # <b>7d</b> and <sub>...</sub> keep their spacing as in the XML
    text = page("38513076").abstract
    assert "the optimized compound 7d possessed" in text
    assert "compound7d" not in text


# ---------------------------------------------------------------- snippets

HEAD = '<html><head><meta name="citation_pmid" content="123"></head><body>'


def snippet_page(body: str, head: str = HEAD) -> bytes:
    return (head + '<main id="article-details"><header><div id="full-view-heading">'
            '<h1 class="heading-title"> A title </h1></div></header>'
            '<div class="abstract" id="abstract"><div class="abstract-content selected" id="eng-abstract">'
            + body + "</div></div></main></body></html>").encode()


SECTIONS = [
    # one unlabelled paragraph
    ("<p>\n  Plain text with <i>n</i> = 412 patients.\n</p>", [(None, "Plain text with n = 412 patients.")]),
    # label with colon and layout whitespace; sentence case kept
    ('<p><strong class="sub-title">\n  Materials and methods:\n </strong>\n Text.</p>',
     [("Materials and methods", "Text.")]),
    # exponent after a digit, as in parse_xml
    ('<p><strong class="sub-title">Results:</strong> P = 2 \u00d7 10<sup>\u22125</sup>; mc<sup>2</sup>155</p>',
     [("Results", "P = 2 \u00d7 10^-5; mc2155")]),
    # underlined "<" is "≤"; a plain <u> is just text
    ("<p>TSH (0.4-<u>&lt;</u>4.5 mIU/L), <u>underlined</u></p>", [(None, "TSH (0.4-\u22644.5 mIU/L), underlined")]),
    # NLM's "UNLABELLED" label means no label
    ('<p><strong class="sub-title">Unlabelled:</strong> First.</p><p><strong class="sub-title">Importance:</strong>'
     " Second.</p>", [(None, "First."), ("Importance", "Second.")]),
    # an empty paragraph is dropped
    ("<p>  </p><p>Kept.</p>", [(None, "Kept.")]),
]


@pytest.mark.parametrize("body, sections", SECTIONS)
def test_section_snippets(body: str, sections: list[tuple[str | None, str]]) -> None:
    got = parse_page_html(snippet_page(body))
    assert [(s.label, s.text) for s in got.sections] == sections


def test_year_from_citation_meta_or_cit_span() -> None:
    head = HEAD.replace("</head>", '<meta name="citation_date" content="2019 May 3"></head>')
    assert parse_page_html(snippet_page("<p>x</p>", head)).year == 2019
    with_cit = snippet_page("<p>x</p>").replace(
        b'<h1 class="heading-title">',
        b'<span class="cit">1998 Dec-1999 Jan;12(3):4-5.</span><h1 class="heading-title">')
    assert parse_page_html(with_cit).year == 1998
    assert parse_page_html(snippet_page("<p>x</p>")).year is None


def test_expected_pmid_is_checked() -> None:
    assert parse_page_html(snippet_page("<p>x</p>"), pmid="123").pmid == "123"
    with pytest.raises(ParseError, match="page is for PMID 123, expected 456"):
        parse_page_html(snippet_page("<p>x</p>"), pmid="456")


def test_expected_pmid_used_when_page_shows_none() -> None:
    assert parse_page_html(snippet_page("<p>x</p>", head="<html><body>"), pmid="77").pmid == "77"
    with pytest.raises(ParseError, match="no valid PMID"):
        parse_page_html(snippet_page("<p>x</p>", head="<html><body>"))


NOT_PAGES = [
    ((FIXTURES / "constructed" / "not_found_page.html").read_bytes(), "shows no PMID and no article title"),
    (b"", "empty HTML page"),
    (b"<html><body><p>hello</p></body></html>", "shows no PMID and no article title"),
]


@pytest.mark.parametrize("html, message", NOT_PAGES)
def test_not_an_abstract_page(html: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_page_html(html)


def test_retracted_from_publication_type() -> None:
    body_end = ('</div></div><div class="publication-types keywords-section" id="publication-types">'
                '<ul class="keywords-list"><li><div class="keyword-actions"><button class="keyword-actions-trigger">'
                " Retracted Publication </button><div>Actions Search in PubMed</div></div></li></ul></div>")
    html = snippet_page("<p>x</p>").replace(b"</div></div></main>", body_end.encode() + b"</main>")
    got = parse_page_html(html)
    assert (got.publication_types, got.retracted) == (["Retracted Publication"], True)
    assert parse_page_html(snippet_page("<p>x</p>")).retracted is False
