"""parse_xml: real efetch records (fixtures/pubmed_xml), constructed edge cases
(fixtures/constructed) and hostile XML. Expected values were read off the XML by hand."""

from __future__ import annotations

import gzip
import io
import time
from pathlib import Path

import pytest
from lxml import etree

from extractor.errors import ParseError
from extractor.models import Article, Chemical, MeshHeading, Section
from extractor.parse.pubmed_xml import (
    inline_text,
    iter_efetch_records,
    parse_article,
    parse_article_xml,
    parse_efetch_records,
    parse_efetch_xml,
    parse_xml_root,
    render_sup,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PUBMED_XML = FIXTURES / "pubmed_xml"
CONSTRUCTED = FIXTURES / "constructed"

# The files this module reads (other helpers may add more to fixtures/pubmed_xml).
XML_FILES = [
    "11618220.xml", "17638731.xml", "23657305.xml", "29226023.xml", "31588070.xml",
    "32160763.xml", "32292800.xml", "33889184.xml", "35573891.xml", "36598232.xml",
    "36987902.xml", "37424520.xml", "37729413.xml", "38048813.xml", "38329942.xml",
    "38513076.xml", "38914053.xml", "35649368.xml", "38833988.xml", "metapub_pmid_28731372.xml",
    "pubmed-29768149.xml", "pubmed1.xml", "pubmed2.xml", "pubmed4.xml", "pubmed5.xml",
    "pubmed6.xml", "pubmed7.xml",
]


def read(name: str) -> bytes:
    return (PUBMED_XML / name).read_bytes()


def article(name: str, pmid: str) -> Article:
    """The record ``pmid`` of fixture file ``name`` (files may hold several)."""
    matches = [a for a in parse_efetch_xml(read(name)) if a.pmid == pmid]
    assert len(matches) == 1, f"{pmid} not exactly once in {name}"
    return matches[0]


def constructed() -> dict[str, Article]:
    return {a.pmid: a for a in parse_efetch_xml((CONSTRUCTED / "records.xml").read_bytes())}


# ---------------------------------------------------------------- metadata, whole values

METADATA = [
    # file, pmid, title, journal, year, doi, pmcid, language, publication types
    ("17638731.xml", "17638731", "Efalizumab in the treatment of discoid lupus erythematosus",
     "Arch Dermatol", 2007, "10.1001/archderm.143.7.873", None, "eng", ["Case Reports"]),
    ("23657305.xml", "23657305", "Hfe mutations and iron overload in patients with alcoholic liver disease.",
     "Arquivos de gastroenterologia", 2013, "10.1590/s0004-28032013000100008", None, "eng",
     ["Journal Article", "Research Support, Non-U.S. Gov't"]),
    ("metapub_pmid_28731372.xml", "28731372",
     "Exploring the effect of vitamin D3 supplementation on the anti-EBV antibody response in "
     "relapsing-remitting multiple sclerosis.",
     "Multiple sclerosis (Houndmills, Basingstoke, England)", 2018, "10.1177/1352458517722646",
     "PMC6108041", "eng", ["Journal Article", "Randomized Controlled Trial", "Research Support, Non-U.S. Gov't"]),
    ("pubmed-29768149.xml", "29768149", "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.",
     "The New England journal of medicine", 2018, "10.1056/NEJMoa1715274", None, "eng",
     ["Clinical Trial, Phase III", "Comparative Study", "Journal Article", "Multicenter Study",
      "Randomized Controlled Trial", "Research Support, Non-U.S. Gov't"]),
    # no abstract, DOI only in PubmedData/ArticleIdList
    ("11618220.xml", "11618220",
     "Eroticism in late Ming, early Qing fiction: the beauteous realm and the sexual battlefield.",
     "T'ung pao. T'oung pao", 1987, "10.1163/156853287x00032", None, "eng",
     ["Historical Article", "Journal Article"]),
    # second record of a two-record file; the DOI holds parentheses
    ("pubmed1.xml", "9997",
     "Magnetic studies of Chromatium flavocytochrome C552. A mechanism for heme-flavin interaction.",
     "Biochimica et biophysica acta", 1976, "10.1016/0005-2795(76)90109-4", None, "eng", ["Journal Article"]),
    # first record of pubmed1.xml: no DOI at all
    ("pubmed1.xml", "12091962", "The treatment of AIDS behind the walls of correctional facilities.",
     "Social justice (San Francisco, Calif.)", 1990, None, None, "eng", ["Journal Article", "Review"]),
    # translated article: two <Language> (eng, nor), the first is kept
    ("36987902.xml", "36987902",
     "Patients over 75 years admitted to the National Burn Centre, Haukeland University Hospital, 2000-19.",
     "Tidsskrift for den Norske laegeforening : tidsskrift for praktisk medicin, ny raekke", 2023,
     "10.4045/tidsskr.22.0358", None, "eng", ["Journal Article"]),
    # German editorial, no abstract; title in brackets (translated), en dash mapped to "-"
    ("38048813.xml", "38048813", "[A Broader Scope - Bio-Psycho-Social Medicine In Global Focus].",
     "Psychotherapie, Psychosomatik, medizinische Psychologie", 2023, "10.1055/a-2189-0166", None, "ger",
     ["Editorial"]),
    ("35573891.xml", "35573891",
     "SOSPCNN: Structurally Optimized Stochastic Pooling Convolutional Neural Network for Tetralogy of "
     "Fallot recognition.",
     "Wireless communications & mobile computing", 2021, "10.1155/2021/5792975", "PMC7612722", "eng",
     ["Journal Article"]),
]


@pytest.mark.parametrize(
    "name, pmid, title, journal, year, doi, pmcid, language, publication_types", METADATA)
def test_metadata(name: str, pmid: str, title: str, journal: str, year: int, doi: str | None,
                  pmcid: str | None, language: str, publication_types: list[str]) -> None:
    got = article(name, pmid)
    assert (got.pmid, got.title, got.journal, got.year, got.doi, got.pmcid, got.language,
            got.publication_types, got.retracted, got.kind) == (
        pmid, title, journal, year, doi, pmcid, language, publication_types, False, "article")


# ---------------------------------------------------------------- abstract structure

STRUCTURE = [
    ("17638731.xml", "17638731",
     [("Background", "BACKGROUND"), ("Observations", "RESULTS"), ("Conclusions", "CONCLUSIONS")]),
    ("23657305.xml", "23657305",
     [("CONTEXT", "BACKGROUND"), ("OBJECTIVES", "OBJECTIVE"), ("METHODS", "METHODS"),
      ("RESULTS", "RESULTS"), ("CONCLUSION", "CONCLUSIONS")]),
    # labels without NlmCategory
    ("pubmed-29768149.xml", "29768149",
     [("BACKGROUND", None), ("METHODS", None), ("RESULTS", None), ("CONCLUSIONS", None)]),
    ("36987902.xml", "36987902",
     [("BACKGROUND", None), ("MATERIAL AND METHOD", None), ("RESULTS", None), ("INTERPRETATION", None)]),
    ("35573891.xml", "35573891",
     [("AIM", "UNASSIGNED"), ("METHODS", "UNASSIGNED"), ("RESULTS", "UNASSIGNED"),
      ("CONCLUSION", "UNASSIGNED")]),
    # <AbstractText Label="UNLABELLED"> is NLM's marker for "no label": label None
    ("38329942.xml", "38329942", [(None, None), ("IMPORTANCE", "OBJECTIVE")]),
    # one unlabelled AbstractText
    ("pubmed1.xml", "9997", [(None, None)]),
    # no abstract
    ("11618220.xml", "11618220", []),
    ("32160763.xml", "32160763", []),
    ("38048813.xml", "38048813", []),
    ("pubmed1.xml", "12091962", []),
]


@pytest.mark.parametrize("name, pmid, labels", STRUCTURE)
def test_section_labels_and_categories(name: str, pmid: str,
                                       labels: list[tuple[str | None, str | None]]) -> None:
    got = article(name, pmid)
    assert [(s.label, s.category) for s in got.sections] == labels
    assert got.has_abstract == bool(labels)


SECTION_TEXTS = [
    ("17638731.xml", "17638731", 1,
     "Thirteen patients received efalizumab, with treatment responses varying from good to excellent "
     "in 12 of 13 patients. There was a significant reduction in the cutaneous lupus activity and "
     "severity score (CLASS) score after therapy with efalizumab (P = .002)."),
    ("23657305.xml", "23657305", 1,
     "To compare the prevalence of mutations in the hemochromatosis (HFE) gene between patients with "
     "ALD and healthy controls; to assess the relation of HFE mutations with liver iron stores and "
     "liver disease severity."),
    # <sub>3</sub> joined with no space: "vitamin D3"
    ("metapub_pmid_28731372.xml", "28731372", 1,
     "To investigate the effect of high-dose vitamin D3 supplements on antibody levels against the EBV "
     "nuclear antigen-1 (EBNA-1) in patients with relapsing-remitting multiple sclerosis (RRMS) and to "
     "explore any underlying mechanism affecting anti-EBNA-1 antibody levels."),
    # the source's own " ." spacing is kept as printed
    ("pubmed-29768149.xml", "29768149", 3,
     "In patients with mild asthma, as-needed budesonide-formoterol provided superior asthma-symptom "
     "control to as-needed terbutaline, assessed according to electronically recorded weeks with "
     "well-controlled asthma, but was inferior to budesonide maintenance therapy. Exacerbation rates "
     "with the two budesonide-containing regimens were similar and were lower than the rate with "
     "terbutaline. Budesonide-formoterol used as needed resulted in substantially lower glucocorticoid "
     "exposure than budesonide maintenance therapy. (Funded by AstraZeneca; SYGMA 1 "
     "ClinicalTrials.gov number, NCT02149199 .)."),
]


@pytest.mark.parametrize("name, pmid, index, text", SECTION_TEXTS)
def test_section_text(name: str, pmid: str, index: int, text: str) -> None:
    assert article(name, pmid).sections[index].text == text


def test_worked_example_whole_article() -> None:
    got = parse_article_xml(read("17638731.xml"))
    assert got.texts()[0] == ("title", "Efalizumab in the treatment of discoid lupus erythematosus")
    assert [label for label, _ in got.texts()] == ["title", "Background", "Observations", "Conclusions"]
    assert got.sections[0].text.startswith("Discoid lupus erythematosus is a chronic inflammatory")
    assert got.sections[2].text.endswith("safety profile of this monoclonal antibody.")
    assert (got.mesh_headings, got.chemicals, got.keywords) == ([], [], [])


# ---------------------------------------------------------------- inline markup

INLINE = [
    # file, pmid, expected snippet, the wrong rendering pubmed_parser-style joining gives
    ("32292800.xml", "32292800", "participants (n = 31), a 97%", "(n= 31)"),
    ("37729413.xml", "37729413", "2.405; P < 0.001) an", ";P<"),
    # thin spaces (&#x2009;) around "=" become plain spaces
    ("37424520.xml", "37424520", "rash (n = 71, 69%)", "(n=71"),
    # <sup>3</sup> after a letter: joined as is
    ("37424520.xml", "37424520", "(CD4 < 200 cells/mm3 or VL >200 copies/mL)", "mm^3"),
    # <sup>18</sup> after "10": exponent marked; the source has no space before "cm"
    ("38914053.xml", "38914053", "2.5 × 10^18cm-3for the as-deposited", "1018cm"),
    # <sup>2</sup> after a letter inside a strain name
    ("36598232.xml", "36598232", "designated mc2155, that", "mc^2"),
    # <sup>th</sup> after digits is not an integer exponent
    ("33889184.xml", "33889184", "John Hunter (18th century)", "18^th"),
    # <b>7d</b>, <i>...</i>, <sub>...</sub>
    ("38513076.xml", "38513076", "the optimized compound 7d possessed", "compound7d"),
    # MathML: layout whitespace between tokens dropped, thin space in <mml:mtext> kept
    ("pubmed6.xml", "30108519", "maximal oxygen uptake ( V.O2max ) 67.6", "V . O 2 m a x"),
    ("pubmed7.xml", "29963580", "(1) inhaled He3/Xe129 MRI ventilation", "Xe129MRI"),
    ("pubmed7.xml", "29963580", "(3) ultrashort echo-time H1 MRI proton", "H 1 MRI"),
    # <u>&lt;</u> is an underlined "<", i.e. "≤"; <sub>trend</sub> joined
    ("pubmed5.xml", "28775130", "compared with normal TSH (0.4-\u22644.5 mIU/L)", "0.4-<4.5"),
    ("pubmed5.xml", "28775130", "(ptrend=0.01)", "p trend"),
]


@pytest.mark.parametrize("name, pmid, snippet, wrong", INLINE)
def test_inline_markup_spacing(name: str, pmid: str, snippet: str, wrong: str) -> None:
    got = article(name, pmid)
    text = " ".join(t for _, t in got.texts())
    assert snippet in text
    assert wrong not in text


SUP = [
    # preceding text, <sup> content, rendered
    ("P = 3 × 10", "-5", "^-5"),        # scientific notation: "10<sup>-5</sup>"
    ("P = 3 × 10", "\u22125", "^-5"),   # minus sign U+2212 mapped first
    ("n = 45", "1", "^1"),              # footnote after a number: "45^1", not "451"
    ("10", "+3", "^+3"),
    ("designated mc", "2", "2"),        # "mc<sup>2</sup>155"
    ("(18", "th", "th"),                # "18<sup>th</sup> century"
    ("cells/mm", "3", "3"),
    ("Crest", "\u00ae", "\u00ae"),
    ("10 ", "-5", "-5"),                # not right after the digit
    ("10", "-5a", "-5a"),
    ("10", "", ""),
]


@pytest.mark.parametrize("preceding, sup, rendered", SUP)
def test_render_sup(preceding: str, sup: str, rendered: str) -> None:
    assert render_sup(preceding, sup) == rendered


INLINE_SNIPPETS = [
    (b"<AbstractText>A total of <i>n</i> = 412 patients with <b>aspirin</b>.</AbstractText>",
     "A total of n = 412 patients with aspirin."),
    (b"<AbstractText>P = 2.1 \xc3\x97 10<sup>\xe2\x88\x925</sup>; H<sub>2</sub>O</AbstractText>",
     "P = 2.1 \u00d7 10^-5; H2O"),
    (b"<AbstractText>\n   Leading and   trailing\n  layout  </AbstractText>", "Leading and trailing layout"),
    (b"<AbstractText>P<!-- a comment -->&lt;0.05</AbstractText>", "P<0.05"),
    (b"<AbstractText>0\xc2\xb705 and 5\xe2\x80\x937</AbstractText>", "0.05 and 5-7"),
    (b"<AbstractText/>", ""),
]


@pytest.mark.parametrize("xml, text", INLINE_SNIPPETS)
def test_inline_text(xml: bytes, text: str) -> None:
    assert inline_text(etree.fromstring(xml)) == text


# ---------------------------------------------------------------- MeSH, chemicals, keywords


def test_mesh_headings_whole_list() -> None:
    # pubmed1.xml, PMID 9997: descriptor major (Cytochrome c Group) and qualifier major (Chromatium)
    got = article("pubmed1.xml", "9997").mesh_headings
    assert got == [
        MeshHeading(ui="D001665", name="Binding Sites"),
        MeshHeading(ui="D002844", name="Chromatium", major_topic=True, qualifiers=["enzymology"]),
        MeshHeading(ui="D003574", name="Cytochrome c Group", major_topic=True),
        MeshHeading(ui="D004578", name="Electron Spin Resonance Spectroscopy"),
        MeshHeading(ui="D005415", name="Flavins"),
        MeshHeading(ui="D006418", name="Heme"),
        MeshHeading(ui="D006863", name="Hydrogen-Ion Concentration"),
        MeshHeading(ui="D007501", name="Iron", qualifiers=["analysis"]),
        MeshHeading(ui="D008280", name="Magnetics"),
        MeshHeading(ui="D010084", name="Oxidation-Reduction"),
        MeshHeading(ui="D011485", name="Protein Binding"),
        MeshHeading(ui="D011487", name="Protein Conformation"),
        MeshHeading(ui="D013696", name="Temperature"),
    ]


def test_mesh_headings_with_several_qualifiers() -> None:
    got = article("23657305.xml", "23657305").mesh_headings
    assert [(m.name, m.major_topic, m.qualifiers) for m in got] == [
        ("Case-Control Studies", False, []),
        ("Female", False, []),
        ("Genotype", False, []),
        ("Hemochromatosis Protein", False, []),
        ("Histocompatibility Antigens Class I", True, ["genetics"]),
        ("Humans", False, []),
        ("Iron Overload", True, ["genetics", "pathology"]),
        ("Liver Diseases, Alcoholic", True, ["genetics", "pathology"]),
        ("Male", False, []),
        ("Membrane Proteins", True, ["genetics"]),
        ("Middle Aged", False, []),
        ("Severity of Illness Index", False, []),
    ]


CHEMICALS = [
    # RegistryNumber "0" is NLM's "none" -> None
    ("pubmed1.xml", "9997", [
        Chemical(ui="D003574", name="Cytochrome c Group"),
        Chemical(ui="D005415", name="Flavins"),
        Chemical(ui="D006418", name="Heme", registry_number="42VZT0U6YR"),
        Chemical(ui="D007501", name="Iron", registry_number="E1UOL152H7"),
    ]),
    ("pubmed-29768149.xml", "29768149", [
        Chemical(ui="D001993", name="Bronchodilator Agents"),
        Chemical(ui="D004338", name="Drug Combinations"),
        Chemical(ui="D005938", name="Glucocorticoids"),
        Chemical(ui="D019819", name="Budesonide", registry_number="51333-22-3"),
        Chemical(ui="D013726", name="Terbutaline", registry_number="N8ONU3L3PG"),
        Chemical(ui="D000068759", name="Formoterol Fumarate", registry_number="W34SHF8J2K"),
    ]),
    ("32160763.xml", "32160763", [
        Chemical(ui="C584933", name="CCR5 protein, human"),
        Chemical(ui="D019713", name="Receptors, CCR5"),
    ]),
    ("17638731.xml", "17638731", []),
]


@pytest.mark.parametrize("name, pmid, chemicals", CHEMICALS)
def test_chemicals(name: str, pmid: str, chemicals: list[Chemical]) -> None:
    assert article(name, pmid).chemicals == chemicals


KEYWORDS = [
    ("metapub_pmid_28731372.xml", "28731372",
     ["Antibodies", "EBNA-1", "Epstein-Barr virus", "multiple sclerosis", "supplementation", "vitamin D"]),
    # KIE keyword list of an old record
    ("pubmed1.xml", "12091962", ["Health Care and Public Health", "Legal Approach"]),
    ("pubmed-29768149.xml", "29768149", []),
]


@pytest.mark.parametrize("name, pmid, keywords", KEYWORDS)
def test_keywords(name: str, pmid: str, keywords: list[str]) -> None:
    assert article(name, pmid).keywords == keywords


# ---------------------------------------------------------------- constructed edge cases


def test_book_record() -> None:
    assert constructed()["999000001"] == Article(
        pmid="999000001",
        title="Constructed chapter on test disorders",
        sections=[
            Section(label="CLINICAL CHARACTERISTICS", category="UNASSIGNED", text="A made-up chapter abstract."),
            Section(label="MANAGEMENT", category="UNASSIGNED", text="Nothing here is real."),
        ],
        journal="Constructed Reviews\u00ae",
        year=1993,
        doi="10.9999/constructed.book.1",
        language="eng",
        publication_types=["Review"],
        kind="book",
    )


def test_deleted_citations_come_back_as_deleted_articles() -> None:
    got = parse_efetch_xml((CONSTRUCTED / "records.xml").read_bytes())
    assert [(a.pmid, a.kind) for a in got] == [
        ("999000001", "book"), ("999000002", "article"), ("999000003", "article"),
        ("999000004", "article"), ("999000005", "article"),
        ("999000006", "deleted"), ("999000007", "deleted"),
    ]
    assert got[-1] == Article(pmid="999000007", kind="deleted")


RETRACTED = [
    ("999000002", True),    # CommentsCorrections RefType="RetractionIn"
    ("999000004", True),    # PublicationType "Retracted Publication"
    ("999000003", False),   # the retraction notice itself (RetractionOf) is not retracted
    ("999000005", False),
]


@pytest.mark.parametrize("pmid, retracted", RETRACTED)
def test_retracted(pmid: str, retracted: bool) -> None:
    assert constructed()[pmid].retracted is retracted


CORRECTED_NOT_RETRACTED = [
    ("pubmed4.xml", "27797938", ["Journal Article", "Observational Study",
                                 "Research Support, N.I.H., Extramural",
                                 "Research Support, U.S. Gov't, Non-P.H.S.",
                                 "Research Support, Non-U.S. Gov't"]),            # CommentIn
    ("35649368.xml", "35649368", ["Journal Article", "Research Support, N.I.H., Extramural"]),  # ErratumIn
    ("38833988.xml", "38833988", ["Published Erratum"]),                          # ErratumFor
]


@pytest.mark.parametrize("name, pmid, publication_types", CORRECTED_NOT_RETRACTED)
def test_real_comments_and_errata_are_not_retractions(name: str, pmid: str,
                                                      publication_types: list[str]) -> None:
    got = article(name, pmid)
    assert (got.publication_types, got.retracted) == (publication_types, False)


ABSTRACT_CHOICE = [
    # English Abstract wins over a German OtherAbstract; <sup>−5</sup> after "10" -> "^-5"
    ("999000002", [Section(text="Made-up English abstract: P = 3 \u00d7 10^-5 in n = 412 patients.")]),
    # no Abstract: the English OtherAbstract, although a French one comes first
    ("999000004", [Section(label="OBJECTIVE", category="OBJECTIVE", text="Made-up English other abstract.")]),
    # no Abstract and only a Spanish OtherAbstract: better than nothing
    ("999000005", [Section(text="Resumen inventado.")]),
    ("999000003", []),
]


@pytest.mark.parametrize("pmid, sections", ABSTRACT_CHOICE)
def test_other_abstract_only_without_abstract(pmid: str, sections: list[Section]) -> None:
    assert constructed()[pmid].sections == sections


YEARS = [
    ("999000002", 1998),   # <MedlineDate>1998 Dec-1999 Jan</MedlineDate>
    ("999000004", 2021),   # PubDate with a season only: ArticleDate
    ("999000001", 1993),   # book: Book/PubDate
]


@pytest.mark.parametrize("pmid, year", YEARS)
def test_year_fallbacks(pmid: str, year: int) -> None:
    assert constructed()[pmid].year == year


# ---------------------------------------------------------------- records and round trips


@pytest.mark.parametrize("name", XML_FILES)
def test_each_record_reparses_to_the_same_article(name: str) -> None:
    whole = parse_efetch_xml(read(name))
    records = parse_efetch_records(read(name))
    assert [pmid for pmid, _ in records] == [a.pmid for a in whole]
    assert [parse_article_xml(record) for _, record in records] == whole
    assert len(whole) >= 1


MULTI = [
    ("pubmed1.xml", ["12091962", "9997"]),
    ("pubmed2.xml", ["11748933", "11700088"]),
    ("37909814.xml", []),   # NCBI's empty answer: <PubmedArticleSet></PubmedArticleSet>
]


@pytest.mark.parametrize("name, pmids", MULTI)
def test_efetch_records_in_order(name: str, pmids: list[str]) -> None:
    assert [pmid for pmid, _ in parse_efetch_records(read(name))] == pmids
    assert [a.pmid for a in parse_efetch_xml(read(name))] == pmids


def test_record_bytes_are_one_standalone_record() -> None:
    records = dict(parse_efetch_records(read("pubmed1.xml")))
    root = etree.fromstring(records["9997"])
    assert root.tag == "PubmedArticle"
    assert root.findtext("MedlineCitation/PMID") == "9997"
    assert b"12091962" not in records["9997"]


def test_deleted_citation_records() -> None:
    records = dict(parse_efetch_records((CONSTRUCTED / "records.xml").read_bytes()))
    assert parse_article_xml(records["999000006"]) == Article(pmid="999000006", kind="deleted")


def test_article_xml_wants_exactly_one_record() -> None:
    with pytest.raises(ParseError, match="exactly one PubMed record, found 2"):
        parse_article_xml(read("pubmed1.xml"))
    with pytest.raises(ParseError, match="found 0"):
        parse_article_xml(read("37909814.xml"))


def test_inputs_are_not_mutated() -> None:
    root = parse_xml_root(read("pubmed4.xml"))
    before = etree.tostring(root)
    parse_article(root[0])
    assert etree.tostring(root) == before


# ---------------------------------------------------------------- malformed and hostile XML

MALFORMED = [
    (read("23657305.xml")[:3000], "malformed XML"),                       # truncated download
    (b"", "empty XML document"),
    (b"   \n", "empty XML document"),
    ((FIXTURES / "pages" / "17638731.html").read_bytes(), "this is an HTML page, not PubMed XML"),
    (b"\xef\xbb\xbf <!-- saved --> <HTML><body>Service unavailable</body></HTML>",
     "this is an HTML page, not PubMed XML"),                              # well-formed, even
    (b"<html-ish/>", "not a PubMed efetch answer"),                         # no HTML page
    (b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
     "not a PubMed efetch answer: root element <eFetchResult>: Empty id list - nothing todo"),
    (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>0</PMID></MedlineCitation>"
     b"</PubmedArticle></PubmedArticleSet>", "without a valid PMID"),
    (b"<PubmedArticleSet><PubmedArticle><MedlineCitation/></PubmedArticle></PubmedArticleSet>",
     "without a valid PMID"),
]


@pytest.mark.parametrize("xml, message", MALFORMED)
def test_malformed_xml_raises_one_line_parse_error(xml: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_efetch_xml(xml)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_valid_record_is_fine() -> None:
    # the counterpart of the malformed cases: the untruncated file parses
    assert [a.pmid for a in parse_efetch_xml(read("23657305.xml"))] == ["23657305"]


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse_efetch_xml((CONSTRUCTED / "billion_laughs.xml").read_bytes())
    assert time.perf_counter() - started < 2.0
    assert "lollol" not in str(info.value)
    assert len(str(info.value)) < 300
    # the documented refusal, not libxml2's amplification message with a wrong position
    assert str(info.value).startswith("XML declares entities; refused")
    with pytest.raises(ParseError, match="declares entities; refused"):
        parse_efetch_records((CONSTRUCTED / "billion_laughs.xml").read_bytes())


SECRET = "TOP-SECRET-MARKER-1234"


def _secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    return secret


def test_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = _secret_file(tmp_path)
    xml = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>'
        '<Article><ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation>'
        '</PubmedArticle></PubmedArticleSet>'
    ).encode()
    with pytest.raises(ParseError) as info:
        parse_efetch_xml(xml)
    assert SECRET not in str(info.value)
    assert "declares entities" in str(info.value)


def test_parameter_entity_is_not_read(tmp_path: Path) -> None:
    secret = _secret_file(tmp_path)
    xml = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE PubmedArticleSet [<!ENTITY % ext SYSTEM "{secret.as_uri()}"> %ext;]>\n'
        '<PubmedArticleSet/>'
    ).encode()
    with pytest.raises(ParseError) as info:
        parse_efetch_xml(xml)
    assert SECRET not in str(info.value)
    assert str(info.value).startswith("XML declares entities; refused")
    assert str(info.value).endswith(": ext")


def test_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY secret "{SECRET}">')
    xml = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE PubmedArticleSet SYSTEM "{dtd.as_uri()}">\n'
        '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>'
        '<Article><ArticleTitle>x &secret; y</ArticleTitle></Article></MedlineCitation>'
        '</PubmedArticle></PubmedArticleSet>'
    ).encode()
    with pytest.raises(ParseError) as info:
        parse_efetch_xml(xml)
    assert SECRET not in str(info.value)
    assert "unexpanded entity reference &secret;" in str(info.value)


def test_ncbi_doctype_without_entities_is_fine() -> None:
    # Every real efetch answer names the NLM DTD by URL; it must not be fetched or refused.
    assert read("17638731.xml").count(b"pubmed_250101.dtd") == 1
    assert parse_article_xml(read("17638731.xml")).pmid == "17638731"


def test_text_input_is_accepted_like_bytes() -> None:
    # lxml refuses a str with an encoding declaration; the parser encodes it first
    text = read("17638731.xml").decode("utf-8")
    assert parse_efetch_xml(text) == parse_efetch_xml(read("17638731.xml"))


# --- streaming (baseline and update files) -------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PUBMED_XML.glob("*.xml")), ids=lambda p: p.name)
def test_streaming_gives_exactly_the_records_of_the_whole_file(path: Path) -> None:
    data = path.read_bytes()
    assert list(iter_efetch_records(io.BytesIO(data), chunk_size=997)) == parse_efetch_records(data)


def test_streaming_a_gzip_file_with_deletions() -> None:
    records = (b'<?xml version="1.0"?>\n<PubmedArticleSet>' + read("17638731.xml").split(b"<PubmedArticleSet>")[1]
               .split(b"</PubmedArticleSet>")[0]
               + b'<DeleteCitation><PMID Version="1">11</PMID><PMID Version="1">12</PMID></DeleteCitation>'
               + b"</PubmedArticleSet>")
    with gzip.open(io.BytesIO(gzip.compress(records))) as stream:
        items = list(iter_efetch_records(stream, chunk_size=512))
    assert [pmid for pmid, _ in items] == ["17638731", "11", "12"]
    assert parse_article_xml(items[0][1]).title.startswith("Efalizumab")
    assert [parse_article_xml(raw).kind for _, raw in items[1:]] == ["deleted", "deleted"]


@pytest.mark.parametrize(("data", "message"), [
    ((CONSTRUCTED / "billion_laughs.xml").read_bytes(), "XML declares entities; refused"),
    ((FIXTURES / "pages" / "17638731.html").read_bytes(), "this is an HTML page, not PubMed XML"),
    (b"", "empty XML document"),
    (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&x;"
     b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>",
     "malformed XML"),
])
def test_streaming_refuses_what_parsing_refuses(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(iter_efetch_records(io.BytesIO(data)))


def test_a_cut_off_file_yields_its_whole_records_then_fails() -> None:
    data = read("pubmed1.xml")
    cut = data[: data.index(b"</PubmedArticle>") + len(b"</PubmedArticle>") + 40]
    stream = iter_efetch_records(io.BytesIO(cut), chunk_size=256)
    assert next(stream)[0] == "12091962"
    with pytest.raises(ParseError, match="malformed XML"):
        list(stream)


@pytest.mark.parametrize(("authors", "expected"), [
    ("<Author><LastName>Usmani</LastName><ForeName>N</ForeName></Author>"
     "<Author><LastName>Goodfield</LastName></Author>", "Usmani"),
    ("<Author><CollectiveName>PRISM Study Group</CollectiveName></Author>", "PRISM Study Group"),
    ("<Author><ForeName>Anon</ForeName></Author><Author><LastName>Lee</LastName></Author>", "Lee"),
    ("", None),   # no author list
])
def test_first_author(authors: str, expected: str | None) -> None:
    xml = (f"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
           f"<ArticleTitle>T</ArticleTitle>{'<AuthorList>' + authors + '</AuthorList>' if authors else ''}"
           f"</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    assert parse_article_xml(xml.encode()).first_author == expected
