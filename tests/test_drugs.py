"""Drug extraction: dictionary mentions, abbreviations, studied vs mentioned, chemical list."""

from __future__ import annotations

import pytest

from extractor.extract.drugs import chemical_shape_spans, drop_non_drug_spans, extract_drugs
from extractor.models import Article, Chemical, Drug, Section
from extractor.nlp.analysis import Tagger, analyse
from extractor.nlp.tokens import Tokens

# The worked example, PMID 17638731 (shared/seed/seed.jsonl), sections as printed.
SEED_TITLE = "Efalizumab in the treatment of discoid lupus erythematosus"
SEED_SECTIONS = [
    ("Background",
     "Discoid lupus erythematosus is a chronic inflammatory condition in which the pathogenesis "
     "and the role of cell-mediated immunity remains unclear. Currently, the most effective "
     "treatments for severe disease are thalidomide, methotrexate, and cyclosporin, although the "
     "evidence for this is limited. Efalizumab is a monoclonal antibody directed against CD11a, "
     "the alpha-subunit of the leukocyte-functioning antigen 1, with a current license for use "
     "in psoriasis. Because discoid lupus erythematosus is known to be predominantly T-cell "
     "mediated, our aim was to use efalizumab as a T-cell modulator in patients with "
     "recalcitrant disease."),
    ("Observations",
     "Thirteen patients received efalizumab, with treatment responses varying from good to "
     "excellent in 12 of 13 patients. There was a significant reduction in the cutaneous lupus "
     "activity and severity score (CLASS) score after therapy with efalizumab (P = .002)."),
    ("Conclusions",
     "We have presented efalizumab as a novel alternative treatment for patients with difficult "
     "discoid lupus erythematosus. The response to treatment in 12 patients was very "
     "encouraging, with the mean time to response being 5.5 weeks. However, patient numbers "
     "were small, and many remain in the early stages of therapy. A prospective randomized "
     "study with a long-term follow-up is required, especially in light of recent findings to "
     "evaluate both the effectiveness and safety profile of this monoclonal antibody."),
]


def seed_article() -> Article:
    return Article(
        pmid="17638731",
        title=SEED_TITLE,
        sections=[Section(label=label, text=text) for label, text in SEED_SECTIONS],
    )


def drugs_of(article: Article, tagger: Tagger | None = None) -> list[Drug]:
    """The drugs of ``article``, with dictionary matches only unless a tagger is given."""
    return extract_drugs(analyse(article, tagger)).findings


def test_worked_example_studied_and_mentioned() -> None:
    drugs = {d.name: d for d in drugs_of(seed_article())}
    assert {name: (d.identifier, d.studied) for name, d in drugs.items()
            if name in {"Efalizumab", "Thalidomide", "Methotrexate", "Cyclosporine"}} == {
        "Efalizumab": ("DB00095", True),
        "Thalidomide": ("DB01041", False),
        "Methotrexate": ("DB00563", False),
        "Cyclosporine": ("DB00091", False),
    }


def test_worked_example_mentions_point_into_sections() -> None:
    article = seed_article()
    efalizumab = next(d for d in drugs_of(article) if d.name == "Efalizumab")
    texts = article.texts()
    assert [(m.section_index, m.section, m.start, m.text) for m in efalizumab.mentions] == [
        (0, "title", 0, "Efalizumab"),
        (1, "Background", 297, "Efalizumab"),
        (1, "Background", 561, "efalizumab"),
        (2, "Observations", 27, "efalizumab"),
        (2, "Observations", 235, "efalizumab"),
        (3, "Conclusions", 18, "efalizumab"),
    ]
    assert [texts[m.section_index][1][m.start:m.end] for m in efalizumab.mentions] == [
        m.text for m in efalizumab.mentions
    ]
    cyclosporin = next(d for d in drugs_of(article) if d.name == "Cyclosporine")
    assert [m.text for m in cyclosporin.mentions] == ["cyclosporin"]  # text as printed


def drug_mentions(title: str) -> list[tuple[str, str]]:
    """(text, drug name) of every mention in a one-sentence title."""
    drugs = drugs_of(Article(pmid="1", title=title))
    return sorted((m.text, d.name) for d in drugs for m in d.mentions)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # BC5CDR train PMID 354896: a name glued to "-induced"
        ("Lidocaine-induced cardiac asystole.", [("Lidocaine", "Lidocaine")]),
        # BC5CDR train PMID 2515254: placebo is never a drug
        ("Twenty common migraine patients received a one sided frontotemporal application of "
         "nitroglycerin (10 patients) or placebo ointment (10 patients) in a double blind study.",
         [("nitroglycerin", "Nitroglycerin")]),
        # BC5CDR train PMID 17437408: P-glycoprotein is a protein, not a drug
        ("Upregulation of brain expression of P-glycoprotein in MRP2-deficient TR(-) rats "
         "resembles seizure-induced up-regulation of this drug efflux transporter in normal rats.",
         []),
        # BC5CDR train PMID 9766615: a class word and "lead" the verb are not drugs
        ("Adverse effects of antipsychotics often lead to noncompliance.", []),
        # an abbreviation defined in the text counts as its long form
        ("Patients received methotrexate (MTX) weekly; MTX was well tolerated.",
         [("MTX", "Methotrexate"), ("MTX", "Methotrexate"), ("methotrexate", "Methotrexate")]),
        # a research compound code the vocabulary lacks (shape rule)
        ("Effects of the NMDA antagonist LY274614 on morphine tolerance.",
         [("LY274614", "LY274614"), ("NMDA", "N-Methylaspartate"), ("morphine", "Morphine")]),
        # trial registration numbers are not compound codes
        ("The trial was registered as ISRCTN12345678.", []),
    ],
)
def test_drug_mentions(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert drug_mentions(sentence) == expected


@pytest.mark.parametrize(
    ("text", "studied"),
    [
        # a background sentence that gives it: the trial's drug
        ("Aspirin is widely used. Patients received aspirin daily.", True),
        # only named in the background, no aim, no allocation: mentioned (roles.only_background)
        ("Aspirin is widely used in the elderly.", False),
    ],
)
def test_a_drug_only_in_the_background_is_not_studied(text: str, studied: bool) -> None:
    article = Article(pmid="1", sections=[Section(label="Background", text=text)])
    assert [(d.name, d.studied) for d in drugs_of(article)] == [("Aspirin", studied)]


def test_chemical_list_adds_drugs_not_in_text() -> None:
    article = seed_article().model_copy(update={"chemicals": [
        Chemical(ui="D000911", name="Antibodies, Monoclonal", registry_number="0"),
        Chemical(ui="D007166", name="Immunosuppressive Agents", registry_number="0"),
        Chemical(ui="C121345", name="efalizumab", registry_number="0"),
        Chemical(ui="D010919", name="Placebos", registry_number="0"),
        Chemical(ui="D013792", name="Thalidomide", registry_number="50-35-1"),
        Chemical(ui="D003609", name="Dapsone", registry_number="80-08-0"),
        # shapes seen in shared/pubmed_xml records: classes without registry number, a
        # nucleic acid with one, and a substance with a CAS number but no DrugBank ID
        Chemical(ui="D000998", name="Antiviral Agents", registry_number=None),
        Chemical(ui="D005227", name="Fatty Acids", registry_number=None),
        Chemical(ui="D004247", name="DNA", registry_number="9007-49-2"),
        Chemical(ui="D000105", name="Acetyl Coenzyme A", registry_number="72-89-9"),
    ]})
    from_list = [(d.name, d.identifier, d.studied, d.mentions)
                 for d in drugs_of(article) if d.source == "chemical_list"]
    assert from_list == [("Dapsone", "DB00250", False, []),
                         ("Acetyl Coenzyme A", None, False, [])]


def test_no_text_no_drugs() -> None:
    assert drugs_of(Article(pmid="1")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SSR103800 and flestolol", ["SSR103800", "flestolol"]),
        ("serum Na and K", ["Na", "K"]),
        ("NCT00000620 and mmHg and Hg", []),
    ],
)
def test_chemical_shape_spans(text: str, expected: list[str]) -> None:
    assert sorted(text[s:e] for s, e, _ in chemical_shape_spans(text)) == sorted(expected)


def test_finder_spans_are_merged_unless_they_cross_a_dictionary_match() -> None:
    def finder(text: str, tokens: Tokens) -> list[tuple[int, int, str]]:
        # a stand-in for extractor.nlp.ner.find_entities
        if "coniine" not in text:
            return []
        nicotine = text.index("nicotine")
        return [(text.index("coniine"), text.index("coniine") + 7, "chemical"),
                (nicotine - 4, nicotine + 4, "chemical"),  # "and nico" crosses a match: dropped
                (0, 7, "disease")]                          # another label: ignored

    article = Article(pmid="1", title="Effects of coniine and nicotine in the developing chick.")
    assert sorted((m.text, d.name) for d in drugs_of(article, finder)
                  for m in d.mentions) == [("coniine", "coniine"), ("nicotine", "Nicotine")]


@pytest.mark.parametrize(
    ("text", "spans", "kept"),
    [
        # SYGMA 1 (fixtures/pubmed_xml/pubmed-29768149.xml): sponsor and registry number
        ("(Funded by AstraZeneca; SYGMA 1 ClinicalTrials.gov number, NCT02149199.)",
         [(11, 22, "chemical"), (59, 70, "chemical")], []),
        ("The trial number is NCT02149199.", [(20, 31, "chemical")], []),
        # a drug in an ordinary sentence stays
        ("Patients received budesonide-formoterol as needed.", [(18, 28, "chemical")],
         [(18, 28, "chemical")]),
    ],
)
def test_registry_numbers_and_sponsors_are_not_drugs(
    text: str, spans: list[tuple[int, int, str]], kept: list[tuple[int, int, str]]
) -> None:
    section = analyse(Article(pmid="1", title=text), tagger=None).sections[0]
    assert drop_non_drug_spans(section, spans) == kept


def regimen_mentions(text: str) -> list[tuple[str, str]]:
    """(short form text, drug name) of the mentions of a regimen's short form."""
    article = Article(pmid="1", sections=[Section(label="Methods", text=text)])
    drugs = drugs_of(article)
    return sorted((m.text, d.name) for d in drugs for m in d.mentions if m.text.isupper())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Evidence Inference train PMC4183415: a fixed-dose combination's short form is a
        # mention of each of its drugs
        ("Shops were randomized to receive reminders about dispensing artemether-lumefantrine "
         "(AL). AL was dispensed to 80% of patients.",
         [("AL", "Artemether"), ("AL", "Artemether"), ("AL", "Lumefantrine"),
          ("AL", "Lumefantrine")]),
        # Evidence Inference train PMC5506697: "combination" belongs to the regimen's name
        ("We examined the efficacy of olanzapine/fluoxetine combination (OFC). OFC improved "
         "quality of life.",
         [("OFC", "Fluoxetine"), ("OFC", "Fluoxetine"), ("OFC", "Olanzapine"),
          ("OFC", "Olanzapine")]),
        # Evidence Inference train PMC4568196: an analyte, not a regimen
        ("The following variables were assessed: total cholesterol (TC). TC fell.", []),
        # Evidence Inference train PMC3259296: a test that uses a drug, not a regimen
        ("We examined the response following the oral glucose tolerance test (OGTT). The OGTT "
         "was repeated.", []),
    ],
)
def test_short_form_of_a_regimen_names_its_drugs(text: str,
                                                 expected: list[tuple[str, str]]) -> None:
    assert regimen_mentions(text) == expected
