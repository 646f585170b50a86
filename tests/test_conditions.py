"""Condition extraction: MeSH disease names, longest match, blocking, headings."""

from __future__ import annotations

import pytest
from test_drugs import seed_article

from extractor.extract.conditions import (
    condition_display,
    condition_mentions,
    disease_heading_key,
    disease_shaped,
    disease_short_forms,
    extract_conditions,
    is_whole_word,
    merge_short_forms,
    names_another_thing,
)
from extractor.extract.mentions import SectionMatch, drop_undefined_short_forms
from extractor.models import Article, Condition, MeshHeading, Section
from extractor.nlp.analysis import Tagger, analyse
from extractor.nlp.tokens import Tokens


def conditions_of(article: Article, tagger: Tagger | None = None) -> list[Condition]:
    """The conditions of ``article``, with dictionary matches only unless a tagger is given."""
    return extract_conditions(analyse(article, tagger)).findings


def test_worked_example_discoid_lupus() -> None:
    conditions = conditions_of(seed_article())
    dle = next(c for c in conditions if c.name == "Lupus Erythematosus, Discoid")
    assert (dle.identifier, dle.source) == ("D008179", "text")
    assert [(m.section_index, m.start, m.text) for m in dle.mentions] == [
        (0, 31, "discoid lupus erythematosus"),
        (1, 0, "Discoid lupus erythematosus"),   # the exact text, capital D kept
        (1, 468, "discoid lupus erythematosus"),
        (3, 90, "discoid lupus erythematosus"),
    ]
    # "lupus" inside "cutaneous lupus activity and severity score" is no other lupus condition
    assert sorted(c.name for c in conditions) == ["Lupus Erythematosus, Discoid", "Psoriasis"]
    # the study's condition vs "with a current license for use in psoriasis" (background)
    assert {c.name: c.studied for c in conditions} == {
        "Lupus Erythematosus, Discoid": True, "Psoriasis": False}


@pytest.mark.parametrize(
    ("label", "sentence"),
    [
        # PICO train-style sentences: the participants' condition
        ("BACKGROUND", "A total of 120 women with breast cancer were randomized to two arms."),
        ("BACKGROUND", "We enrolled patients with type 2 diabetes inadequately controlled on metformin."),
        (None, "Sixty patients suffering from glaucoma received latanoprost."),
        ("METHODS", "Patients were followed for recurrence of breast cancer."),
    ],
)
def test_the_one_condition_of_a_trial_is_its_population(label: str | None, sentence: str) -> None:
    # every trial has its participants' condition: the likeliest one when none is sure
    article = Article(pmid="1", title="A trial", sections=[Section(label=label, text=sentence)])
    conditions = conditions_of(article)
    assert [c.role for c in conditions if c.source == "text"] == ["population"]


def title_mentions(title: str) -> list[tuple[str, str]]:
    conditions = conditions_of(Article(pmid="1", title=title))
    return sorted((m.text, c.name) for c in conditions for m in c.mentions)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # BC5CDR train PMID 1378968: the longest name, not "renal failure"
        ("Effects of uninephrectomy and high protein feeding on lithium-induced chronic renal "
         "failure in rats.",
         [("chronic renal failure", "Kidney Failure, Chronic")]),
        # BC5CDR train PMID 2355241: British spelling
        ("Cause of death among patients with Parkinson's disease: a rare mortality due to "
         "cerebral haemorrhage.",
         [("Parkinson's disease", "Parkinson Disease"), ("cerebral haemorrhage", "Cerebral Hemorrhage"),
          ("death", "death")]),
        # NCBI disease train PMID 1684569: an abbreviation defined in the text
        ("We report on a thrombocytopenic female belonging to a pedigree with the "
         "Wiskott-Aldrich syndrome (WAS). WAS carriers were studied.",
         [("WAS", "Wiskott-Aldrich Syndrome"), ("WAS", "Wiskott-Aldrich Syndrome"),
          ("Wiskott-Aldrich syndrome", "Wiskott-Aldrich Syndrome")]),
        # pubmed_xml 35358095: "tumor necrosis factor" is a chemical, no "tumor" in it
        ("Increased citrullination of histone H3 in multiple sclerosis brain and animal models of "
         "demyelination: a role for tumor necrosis factor-induced peptidylarginine deiminase 4 "
         "translocation.",
         [("demyelination", "Demyelinating Diseases"), ("multiple sclerosis", "Multiple Sclerosis")]),
        # learned stop list: "combined" (a MeSH synonym of nothing useful) is not a disease
        ("The combined analysis included 12 trials.", []),
        ("", []),
    ],
)
def test_condition_mentions(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert title_mentions(sentence) == sorted(expected)


def test_mesh_headings_in_the_disease_tree_become_conditions() -> None:
    article = seed_article().model_copy(update={"mesh_headings": [
        MeshHeading(ui="D000911", name="Antibodies, Monoclonal"),          # D tree: not a disease
        MeshHeading(ui="D006801", name="Humans"),                           # B tree
        MeshHeading(ui="D008179", name="Lupus Erythematosus, Discoid", major_topic=True),
        MeshHeading(ui="D012871", name="Skin Diseases"),                    # C17, not in text
    ]})
    conditions = [(c.name, c.identifier, c.source, len(c.mentions)) for c in conditions_of(article)]
    assert conditions == [
        ("Lupus Erythematosus, Discoid", "D008179", "text", 4),
        ("Psoriasis", "D011565", "text", 1),
        ("Skin Diseases", "D012871", "mesh_heading", 0),
    ]


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        (MeshHeading(ui="D011565", name="Psoriasis"), "psoriasis"),
        # the package's UI for this descriptor is wrong; the name still finds it
        (MeshHeading(ui="D008179", name="Lupus Erythematosus, Discoid"), "lupus erythematosus, discoid"),
        (MeshHeading(ui="D006801", name="Humans"), None),
        (MeshHeading(ui=None, name="Efalizumab"), None),
    ],
)
def test_disease_heading_key(heading: MeshHeading, key: str | None) -> None:
    assert disease_heading_key(heading) == key


def test_finder_span_around_a_dictionary_match_wins_and_keeps_its_key() -> None:
    def finder(text: str, tokens: Tokens) -> list[tuple[int, int, str]]:
        start = text.find("non-papillary renal cell carcinomas")
        return [] if start < 0 else [(start, start + 35, "disease")]

    article = Article(pmid="1", title="Loss of 3p in non-papillary renal cell carcinomas.")
    assert [(m.text, c.name) for c in conditions_of(article, finder)
            for m in c.mentions] == [("non-papillary renal cell carcinomas", "Carcinoma, Renal Cell")]


def test_finder_disease_spans_are_merged() -> None:
    def finder(text: str, tokens: Tokens) -> list[tuple[int, int, str]]:
        start = text.find("exencephalic")
        if start < 0:
            return []
        return [(start, start + 12, "disease"), (0, 4, "chemical")]

    article = Article(pmid="1", sections=[Section(text="Rates of exencephalic embryos rose.")])
    assert [(m.text, c.name, c.identifier) for c in conditions_of(article, finder)
            for m in c.mentions] == [("exencephalic", "exencephalic", None)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # NCBI disease train: composite mentions of two coordinated heads
        ("women with family histories of breast or ovarian cancer", ["breast or ovarian cancer"]),
        ("a high risk of breast and ovarian cancer in some families", ["breast and ovarian cancer"]),
        # learned left modifiers
        ("mutations in Wiskott-Aldrich syndrome and X-linked thrombocytopenia",
         ["Wiskott-Aldrich syndrome", "X-linked thrombocytopenia"]),
        ("patients with hereditary hemochromatosis", ["hereditary hemochromatosis"]),
        # eponyms and "X deficiency" that the vocabulary lacks (shape rules)
        ("individuals with Pendred syndrome differ functionally", ["Pendred syndrome"]),
        ("the first report of heterozygous C2 deficiency in association", ["C2 deficiency"]),
        # failure cases: a sentence-initial determiner is no eponym; "breast" alone is no disease
        ("The disease was mild.", []),
        ("breast and ovarian tissue", []),
    ],
)
def test_composites_modifiers_and_shapes(sentence: str, expected: list[str]) -> None:
    conditions = conditions_of(Article(pmid="1", title=sentence))
    assert sorted(m.text for c in conditions for m in c.mentions) == sorted(expected)


def test_abbreviation_named_by_the_tail_of_its_long_form() -> None:
    # BC5CDR-style: "levodopa-induced dyskinesia (LID)" then "LID" alone
    article = Article(pmid="1", sections=[Section(
        text="Amantadine reduces levodopa-induced dyskinesia (LID). LID was rated weekly.")])
    conditions = conditions_of(article)
    assert sorted((m.text, c.name) for c in conditions for m in c.mentions) == [
        ("LID", "Dyskinesias"), ("LID", "Dyskinesias"), ("dyskinesia", "Dyskinesias"),
    ]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 2, "disease")], []),                        # "CP" never defined: dropped
        ([(27, 30, "disease")], [(27, 30, "disease")]),   # "OAB" defined in the text: kept
        ([(3, 21, "disease")], [(3, 21, "disease")]),     # a name, not an abbreviation: kept
    ],
)
def test_drop_undefined_short_forms(spans: list[tuple[int, int, str]],
                                    expected: list[tuple[int, int, str]]) -> None:
    text = "CP overactive bladder was (OAB) treated"
    assert drop_undefined_short_forms(text, spans, frozenset({"OAB"})) == expected


def _finder_of(*names: str) -> Tagger:
    """A stand-in tagger marking every occurrence of ``names`` as a disease."""

    def finder(text: str, tokens: Tokens) -> list[tuple[int, int, str]]:
        spans = []
        for name in names:
            start = text.find(name)
            while start >= 0:
                spans.append((start, start + len(name), "disease"))
                start = text.find(name, start + 1)
        return sorted(spans)

    return finder


def finder_mentions(article: Article, *names: str) -> list[str]:
    conditions = conditions_of(article, _finder_of(*names))
    return sorted(m.text for c in conditions for m in c.mentions)


@pytest.mark.parametrize(
    ("sentence", "tagged", "expected"),
    [
        # a learned non-modifier before the dictionary name: the tagger's span is cut back
        ("Two patients developed acute hepatitis after treatment.", "acute hepatitis",
         ["hepatitis"]),
        ("Rats with cocaine-induced seizures were studied.", "cocaine-induced seizures",
         ["seizures"]),
        # failure cases: a modifier that belongs to the name, a word the list does not hold
        ("patients with hereditary hemochromatosis", "hereditary hemochromatosis",
         ["hereditary hemochromatosis"]),
        ("three cases of non-papillary renal cell carcinomas",
         "non-papillary renal cell carcinomas", ["non-papillary renal cell carcinomas"]),
    ],
)
def test_tagger_span_trimmed_to_the_name_after_a_non_modifier(
        sentence: str, tagged: str, expected: list[str]) -> None:
    assert finder_mentions(Article(pmid="1", title=sentence), tagged) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # BC5CDR-style: a short form defined by a disease name is kept wherever the tagger marks it
        ("Tolterodine in patients with overactive bladder (OAB). OAB improved.",
         ["OAB", "OAB", "overactive bladder"]),
        # failure cases: short forms of a therapy and a measurement are no diseases
        ("Hormone therapy (HT) is widely used. HT increased the risk of stroke.", ["stroke"]),
        ("The bone mineral density (BMD) of children. BMD rose with age.", []),
    ],
)
def test_tagger_short_forms_need_a_disease_long_form(text: str, expected: list[str]) -> None:
    article = Article(pmid="1", sections=[Section(text=text)])
    assert finder_mentions(article, "overactive bladder", "OAB", "HT", "BMD", "stroke") == expected


def test_disease_short_forms() -> None:
    article = Article(pmid="1", sections=[Section(
        text="Hormone therapy (HT) in overactive bladder (OAB) and Wilms tumour (WT).")])
    assert disease_short_forms(analyse(article, tagger=None)) == frozenset({"OAB", "WT"})


@pytest.mark.parametrize(
    ("title", "abstract", "tagged", "expected"),
    [
        # the title names the disease, the abstract only abbreviates it
        ("Tolterodine for overactive bladder", "OAB improved in 60% of patients.",
         ("overactive bladder", "OAB"), ["OAB", "overactive bladder"]),
        # failure case: no disease name of the article fits the letters of "CP"
        ("Tolterodine for overactive bladder", "CP improved in 60% of patients.",
         ("overactive bladder", "CP"), ["overactive bladder"]),
    ],
)
def test_undefined_short_form_kept_when_it_abbreviates_a_name_of_the_article(
        title: str, abstract: str, tagged: tuple[str, ...], expected: list[str]) -> None:
    article = Article(pmid="1", title=title, sections=[Section(text=abstract)])
    assert finder_mentions(article, *tagged) == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("intragenic WT1 mutations", 11, 13, False),   # "WT" of the gene WT1
        ("predisposition to WT in", 18, 20, True),
        ("(WT)", 1, 3, True),
    ],
)
def test_is_whole_word(text: str, start: int, end: int, expected: bool) -> None:
    assert is_whole_word(text, start, end) is expected


@pytest.mark.parametrize(
    ("sentence", "tagged", "expected"),
    [
        # coordinated relational adjectives share the head noun
        ("signs of glomerular and tubular injury were seen", "tubular injury",
         ["glomerular and tubular injury"]),
        ("haematological, renal, hepatic and gastrointestinal toxicities were mild",
         "gastrointestinal toxicities",
         ["haematological, renal, hepatic and gastrointestinal toxicities"]),
        # failure cases: an adjectival mention has no head noun to share; a noun before "and"
        ("patients with schizophrenic or organic psychotic symptoms", "organic psychotic",
         ["organic psychotic", "schizophrenic"]),
        ("rats and tubular injury", "tubular injury", ["tubular injury"]),
    ],
)
def test_composite_of_coordinated_adjectives(sentence: str, tagged: str,
                                             expected: list[str]) -> None:
    assert finder_mentions(Article(pmid="1", title=sentence), tagged) == expected


def _matches(*named: tuple[str, str]) -> dict[str, list[SectionMatch]]:
    """Groups of one mention each, (key, text) in text order."""
    return {key: [SectionMatch(1, "Methods", 10 * i, 10 * i + len(text), text, key)]
            for i, (key, text) in enumerate(named)}


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        # "patients paced for sick sinus syndrome (SSS)": the abbreviation finder reads "sinus
        # syndrome" as the long form, so "SSS" alone would be a condition of its own
        ((("sick sinus syndrome", "sick sinus syndrome"), ("sss", "SSS")),
         {"sick sinus syndrome": ["sick sinus syndrome", "SSS"]}),
        # failure case: a one-word name is abbreviated by no short form of three letters
        ((("stroke", "stroke"), ("sss", "SSS")), {"stroke": ["stroke"], "sss": ["SSS"]}),
        # failure case: the name must come first
        ((("sss", "SSS"), ("sick sinus syndrome", "sick sinus syndrome")),
         {"sss": ["SSS"], "sick sinus syndrome": ["sick sinus syndrome"]}),
        # failure case: the letters do not fit ("CP" of "sick sinus syndrome")
        ((("sick sinus syndrome", "sick sinus syndrome"), ("cp", "CP")),
         {"sick sinus syndrome": ["sick sinus syndrome"], "cp": ["CP"]}),
    ],
)
def test_a_short_form_the_vocabulary_lacks_joins_the_name_it_abbreviates(
        named: tuple[tuple[str, str], ...], expected: dict[str, list[str]]) -> None:
    merged = merge_short_forms(_matches(*named))
    assert {key: [m.text for m in group] for key, group in merged.items()} == expected


@pytest.mark.parametrize(
    ("name", "shaped"),
    [
        # names the tagger found in PICO train abstracts that are the participants' condition
        ("hip fracture", True),
        ("cardiac dysfunction", True),
        ("ovarian damage", True),
        ("insomnia", True),
        ("HIV disease", True),
        # and what the tagger also marks: what people think, do or are, and measures
        ("attitudes", False),
        ("incentives", False),
        ("obese", False),
        ("bone turnover", False),
        ("PWS", False),
    ],
)
def test_a_name_the_vocabulary_lacks_must_look_like_a_disease(name: str, shaped: bool) -> None:
    match = SectionMatch(1, "Methods", 0, len(name), name, name.lower())
    assert disease_shaped(name.lower(), [match]) is shaped


@pytest.mark.parametrize(
    ("text", "name", "other"),
    [
        # Evidence Inference train: names inside the name of a scale, programme or protein
        ("Depression was rated with the Montgomery-Asberg Depression Rating Scale.",
         "Depression", [False, True]),
        ("Nurses provide diabetes education to outpatients.", "Diabetes Mellitus", [True]),
        ("Levels of heat shock protein 27 rose.", "Shock", [True]),
        # negated: the participants do not have it
        ("Insulin sensitivity was measured in non-diabetic adults.", "Diabetes Mellitus", [True]),
        # failure cases: the condition itself
        ("Patients with diabetes were randomized.", "Diabetes Mellitus", [False]),
        ("Shock occurred in two patients.", "Shock", [False]),
    ],
)
def test_a_mention_inside_the_name_of_another_thing(text: str, name: str,
                                                    other: list[bool]) -> None:
    analysed = analyse(Article(pmid="1", sections=[Section(label="Methods", text=text)]),
                       tagger=None)
    groups = condition_mentions(analysed)
    key = next(key for key, group in groups.items()
               if condition_display(key, group[0].text)[0] == name)
    assert [names_another_thing(analysed.sections, m) for m in groups[key]] == other
