"""Roles of drugs and conditions, on real records and real trial sentences (Evidence Inference
and PICO train abstracts, the fixtures): each role next to the ones it must not be taken for."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.extract import build_record, extract_findings
from extractor.extract.roles import (
    _EVERY_ARM_BEFORE,
    _PARTICIPANTS_AFTER,
    _PARTICIPANTS_BEFORE,
    only_background,
)
from extractor.models import Article, ArticleRecord, Section
from extractor.parse.pubmed_xml import parse_article_xml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml"


def record_of(name: str) -> ArticleRecord:
    return build_record(parse_article_xml((FIXTURES / name).read_bytes()))


def roles(record: ArticleRecord) -> tuple[dict[str, str], dict[str, str]]:
    return ({d.name: d.role for d in record.drugs if d.source == "text"},
            {c.name: c.role for c in record.conditions})


def test_worked_example_roles() -> None:
    drugs, conditions = roles(record_of("17638731.xml"))
    # "Currently, the most effective treatments for severe disease are thalidomide,
    # methotrexate, and cyclosporin": earlier treatments, only in the background
    assert drugs == {"Efalizumab": "studied", "Thalidomide": "mentioned",
                     "Methotrexate": "mentioned", "Cyclosporine": "mentioned"}
    # "with a current license for use in psoriasis": not the participants' condition
    assert conditions == {"Lupus Erythematosus, Discoid": "population", "Psoriasis": "mentioned"}


def test_vitamin_d_trial_studies_cholecalciferol_and_measures_25_hydroxyvitamin_d() -> None:
    drugs, _ = roles(record_of("metapub_pmid_28731372.xml"))
    assert drugs["Cholecalciferol"] == "studied"
    studied = {name for name, role in drugs.items() if role == "studied"}
    assert studied == {"Cholecalciferol"}   # no antigen, no 25-hydroxyvitamin D
    assert drugs["25-hydroxyvitamin-D"] == "measured"


def test_active_comparator_is_studied() -> None:
    # SYGMA 1: budesonide-formoterol as needed against terbutaline as needed (the comparator)
    drugs, conditions = roles(record_of("pubmed-29768149.xml"))
    assert {name for name, role in drugs.items() if role == "studied"} == {
        "Budesonide", "Formoterol", "Terbutaline"}
    assert conditions == {"Asthma": "population"}


def article(*sections: tuple[str, str]) -> Article:
    """An article of these (label, text) sections; a first one labelled "title" is the title."""
    title = "A randomised controlled trial"
    if sections and sections[0][0] == "title":
        title, sections = sections[0][1], sections[1:]
    return Article(pmid="1", title=title,
                   sections=[Section(label=label, text=text) for label, text in sections])


REMIFENTANIL = (
    ("Methods", "Sixty patients with chronic sinusitis undergoing endoscopic sinus surgery were "
                "randomized to remifentanil or alfentanil."),
    ("Results", "During recovery, incidence of nausea and vomiting in Remifentanil group (30% of "
                "patients) was significantly more than Alfentanil group (5% of patients)."),
)


@pytest.mark.parametrize(
    ("sections", "drug", "role"),
    [
        # Evidence Inference train PMC3106384: the anaesthetics every arm was given
        ((("Methods", "Sixty patients were randomized to receive dexmedetomidine or saline. After "
                      "preoxygenation, anaesthesia was induced with propofol, fentanyl and "
                      "vecuronium."),),
         "Propofol", "background"),
        ((("Methods", "Sixty patients were randomized to receive dexmedetomidine or saline. After "
                      "preoxygenation, anaesthesia was induced with propofol, fentanyl and "
                      "vecuronium."),),
         "Dexmedetomidine", "studied"),
        # Evidence Inference train PMC4821313: a kidney marker measured, not given
        ((("Methods", "Patients were randomised to a short or a long regimen of intravenous "
                      "hydration."),
          ("Results", "There was a significant increase in serum creatinine and a decrease in "
                      "eGFR 48 hr post-intervention in group 1 (short regimen).")),
         "Creatinine", "measured"),
    ],
)
def test_drug_roles_in_real_sentences(sections: tuple[tuple[str, str], ...], drug: str,
                                      role: str) -> None:
    found = {d.name: d.role for d in extract_findings(article(*sections)).drugs}
    assert found[drug] == role


@pytest.mark.parametrize(
    ("sections", "condition", "role"),
    [
        # Evidence Inference train PMC3591547: nausea, an adverse event of the analgesics compared
        (REMIFENTANIL, "Sinusitis", "population"),
        (REMIFENTANIL, "Nausea", "outcome"),
        (REMIFENTANIL, "Vomiting", "outcome"),
        # PICO train 21182781: the first target of the title is the population's; the others of
        # the list are far less likely, and one condition per trial is the rule (PICO marks nausea)
        ((("title", "Preoperative dexamethasone reduces postoperative pain, nausea and vomiting "
                    "following mastectomy for breast cancer."),
          ("Methods", "Seventy women were randomized to dexamethasone or placebo.")),
         "Pain, Postoperative", "population"),
        ((("title", "Preoperative dexamethasone reduces postoperative pain, nausea and vomiting "
                    "following mastectomy for breast cancer."),
          ("Methods", "Seventy women were randomized to dexamethasone or placebo.")),
         "Nausea", "mentioned"),
        # a disease named only in the background is only mentioned
        ((("Background", "Hypertension is a major risk factor for stroke worldwide."),
          ("Methods", "We enrolled 300 patients with type 2 diabetes inadequately controlled on "
                      "metformin.")),
         "Hypertension", "mentioned"),
        ((("Background", "Hypertension is a major risk factor for stroke worldwide."),
          ("Methods", "We enrolled 300 patients with type 2 diabetes inadequately controlled on "
                      "metformin.")),
         "Diabetes Mellitus, Type 2", "population"),
    ],
)
def test_condition_roles_in_real_sentences(sections: tuple[tuple[str, str], ...], condition: str,
                                           role: str) -> None:
    found = {c.name: c.role for c in extract_findings(article(*sections)).conditions}
    assert found[condition] == role


def test_a_mesh_parent_folds_into_the_child_named_by_the_same_words() -> None:
    # "relapsing-remitting multiple sclerosis (RRMS) ... multiple sclerosis ... MS": one
    # condition, the most specific descriptor
    _, conditions = roles(record_of("metapub_pmid_28731372.xml"))
    assert "Multiple Sclerosis, Relapsing-Remitting" in conditions
    assert "Multiple Sclerosis" not in conditions


@pytest.mark.parametrize(
    ("before", "every_arm"),
    [
        ("After preoxygenation, anaesthesia was induced with ", True),
        ("anaesthesia was induced with propofol, fentanyl and ", True),
        ("under general anesthesia with ", True),
        ("All patients received ", True),
        # failure cases: the drug an arm was randomised to, a drug compared
        ("Patients were randomized to receive ", False),
        ("compared with ", False),
    ],
)
def test_every_arm_before(before: str, every_arm: bool) -> None:
    assert bool(_EVERY_ARM_BEFORE.search(before)) is every_arm


@pytest.mark.parametrize(
    ("before", "participants"),
    [
        # PICO / C-TrO train: the text just before the participants' condition
        ("A total of 120 women with ", True),
        ("We enrolled patients with ", True),
        ("in postmenopausal women at high risk of ", True),
        ("in patients with a history of myocardial infarction and ", True),
        ("Sixty patients suffering from ", True),
        ("in adults undergoing elective ", True),
        # failure cases: an event of the trial, or the name's own words ("patients with ... ")
        ("the incidence of ", False),
        ("Patients were followed for recurrence of ", False),
        ("patients with no sign of disease. Treatment of ", False),
    ],
)
def test_participants_before(before: str, participants: bool) -> None:
    assert bool(_PARTICIPANTS_BEFORE.search(before)) is participants


@pytest.mark.parametrize(
    ("after", "participants"),
    [
        (" patients were randomized", True),   # "type 2 diabetic patients"
        ("-infected adults", True),            # "HIV-infected adults"
        (" survivors (n = 40)", True),         # "breast cancer survivors"
        # failure cases: what happens to them, and words of another phrase
        (" occurred in 12 patients", False),
        (" and other patients", False),
    ],
)
def test_participants_after(after: str, participants: bool) -> None:
    assert bool(_PARTICIPANTS_AFTER.search(after)) is participants


@pytest.mark.parametrize(
    ("features", "background_only"),
    [
        ({"share:sentence:background": 1.0}, True),
        # the aim names it: "to compare the efficacy of X and Y"
        ({"share:sentence:background": 1.0, "cue:objective": 1.0}, False),
        ({"share:sentence:background": 0.5}, False),
        ({}, False),
    ],
)
def test_only_background(features: dict[str, float], background_only: bool) -> None:
    assert only_background(features) is background_only


def test_single_letters_are_no_drugs_unless_defined() -> None:
    # regimen letters (PICO train: "E-CMF", "FEC") are not drugs; "testosterone (T)" defines one
    text = ("Patients received E followed by CMF. Testosterone (T) was measured; T rose in "
            "the first group.")
    names = {m.text for d in extract_findings(article(("Results", text))).drugs
             for m in d.mentions}
    assert "E" not in names
    assert "T" in names
