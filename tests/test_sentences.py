"""split_sentences / sentence_at on real abstract text (PubMed abstracts of the gold corpora)."""

from __future__ import annotations

import pytest

from extractor.nlp.sentences import sentence_at, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The worked example: a closing bracket before the full stop.
        (
            "There was a significant reduction in the cutaneous lupus activity and severity "
            "score (CLASS) score after therapy with efalizumab (P = .002). No serious adverse "
            "events occurred.",
            [
                "There was a significant reduction in the cutaneous lupus activity and severity "
                "score (CLASS) score after therapy with efalizumab (P = .002).",
                "No serious adverse events occurred.",
            ],
        ),
        # "(n = 13)." ends the sentence; the label "RESULTS:" is a sentence of its own.
        (
            "adolescents (age 15.0 +/- 1.3 yr) randomized to MET (n = 15, dose 1500 mg daily) or "
            "placebo (n = 13). RESULTS: The treatment with MET was well tolerated.",
            [
                "adolescents (age 15.0 +/- 1.3 yr) randomized to MET (n = 15, dose 1500 mg daily) "
                "or placebo (n = 13).",
                "RESULTS:",
                "The treatment with MET was well tolerated.",
            ],
        ),
        # "vs." before a number and decimals inside the sentence.
        (
            "However, nocturnal hypoglycemia in the insulin glargine group was reduced by 25% "
            "during the treatment period after the dose-titration phase(26.5 vs. 35.5%, "
            "P = 0.0136). Subjects in the insulin glargine group experienced less weight gain.",
            [
                "However, nocturnal hypoglycemia in the insulin glargine group was reduced by 25% "
                "during the treatment period after the dose-titration phase(26.5 vs. 35.5%, "
                "P = 0.0136).",
                "Subjects in the insulin glargine group experienced less weight gain.",
            ],
        ),
        # "et al." followed by a year in brackets.
        (
            "conversely increase threshold to PTZ-induced seizures 24 h after exposure to "
            "gamma-HCH (Vohland et al. 1981). In this study, the severity of response to other "
            "seizure-inducing agents was tested in mice.",
            [
                "conversely increase threshold to PTZ-induced seizures 24 h after exposure to "
                "gamma-HCH (Vohland et al. 1981).",
                "In this study, the severity of response to other seizure-inducing agents was "
                "tested in mice.",
            ],
        ),
        # "i.v." inside a sentence, "0.25 mg s-1" decimals.
        (
            "Suxamethonium chloride (Sch) was administered i.v. to 36 adult males at six rates: "
            "0.25 mg s-1 to 20 mg s-1. The infusion was discontinued either when the dose was "
            "reached.",
            [
                "Suxamethonium chloride (Sch) was administered i.v. to 36 adult males at six "
                "rates: 0.25 mg s-1 to 20 mg s-1.",
                "The infusion was discontinued either when the dose was reached.",
            ],
        ),
        # "e.g." and "i.e." do not end sentences.
        (
            "CONCLUSION: In patients with risk factors, e.g. regular consumption of alcohol, "
            "liver failure is possible. Two doses, i.e. 2 and 10 mg/kg/i.p., were tested.",
            [
                "CONCLUSION:",
                "In patients with risk factors, e.g. regular consumption of alcohol, liver "
                "failure is possible.",
                "Two doses, i.e. 2 and 10 mg/kg/i.p., were tested.",
            ],
        ),
        # "P < .05": a dot before digits is no end; "Fig." and "approx." are abbreviations.
        (
            "Pain fell in the treated group (P < .05; Fig. 2). The dose was approx. 3 mg/kg. "
            "Scores were lower, i.e. better.",
            [
                "Pain fell in the treated group (P < .05; Fig. 2).",
                "The dose was approx. 3 mg/kg.",
                "Scores were lower, i.e. better.",
            ],
        ),
        # "no. 3" and page numbers "p. 12" / "pp. 1-5".
        (
            "Patients in cohort no. 3 were excluded (see p. 12 and pp. 1-5). Others stayed.",
            ["Patients in cohort no. 3 were excluded (see p. 12 and pp. 1-5).", "Others stayed."],
        ),
        # Initials: "M. D. Anderson" is one name.
        (
            "Paclitaxel improves the prognosis in estrogen receptor negative inflammatory breast "
            "cancer: the M. D. Anderson Cancer Center experience. The treatment includes surgery.",
            [
                "Paclitaxel improves the prognosis in estrogen receptor negative inflammatory "
                "breast cancer: the M. D. Anderson Cancer Center experience.",
                "The treatment includes surgery.",
            ],
        ),
        # A single capital after a lower-case word ends the sentence: "vitamin A."
        (
            "Patients received vitamin A. The controls received none.",
            ["Patients received vitamin A.", "The controls received none."],
        ),
        # A decimal split by a stray space in the source ("P=0. 048") is no end.
        (
            "A significant improvement was found for the high-dose group (beta=0.49, P=0. 048). "
            "Patients with a DBP reduction improved.",
            [
                "A significant improvement was found for the high-dose group (beta=0.49, "
                "P=0. 048).",
                "Patients with a DBP reduction improved.",
            ],
        ),
        # "a.m." / "p.m." before a bracket.
        (
            "brimonidine provided greater IOP lowering than brinzolamide at 10 a.m. (p < 0.001) "
            "and 4 p.m. (p = 0.050). Both were safe.",
            [
                "brimonidine provided greater IOP lowering than brinzolamide at 10 a.m. "
                "(p < 0.001) and 4 p.m. (p = 0.050).",
                "Both were safe.",
            ],
        ),
        # Numbered paragraphs "1. Torsades ..." (British Journal of Pharmacology style).
        (
            "1. Torsades de pointes (TDP) is a potentially fatal ventricular arrhythmia. "
            "2. The potential of compounds to cause TDP was evaluated.",
            [
                "1. Torsades de pointes (TDP) is a potentially fatal ventricular arrhythmia.",
                "2. The potential of compounds to cause TDP was evaluated.",
            ],
        ),
        # A section label with no full stop before it still starts a sentence.
        (
            "To compare two eye drops in glaucoma METHODS: Sixty patients were randomised.",
            ["To compare two eye drops in glaucoma", "METHODS:", "Sixty patients were randomised."],
        ),
        # Not a label: an abbreviation with a colon inside a sentence.
        (
            "Patients were stratified by HbA1c: below or above 8%.",
            ["Patients were stratified by HbA1c: below or above 8%."],
        ),
        # Labels in ordinary case at a sentence's start, as abstracts flattened into one
        # paragraph print them (Evidence Inference train abstracts): each is a sentence.
        (
            "files and XP-endo Finisher file (XPF) in association with 17% EDTA and sodium "
            "hypochlorite solution. Material And Methods: A total of 68 extracted single-rooted "
            "teeth were randomly divided into 4 experimental groups.",
            [
                "files and XP-endo Finisher file (XPF) in association with 17% EDTA and sodium "
                "hypochlorite solution.",
                "Material And Methods:",
                "A total of 68 extracted single-rooted teeth were randomly divided into 4 "
                "experimental groups.",
            ],
        ),
        (
            "Oral L-citrulline supplementation reduced the time take to complete a cycle "
            "ergometer exercise trial. Trial Registration: Current Controlled Trials "
            "UMIN000014278.",
            [
                "Oral L-citrulline supplementation reduced the time take to complete a cycle "
                "ergometer exercise trial.",
                "Trial Registration:",
                "Current Controlled Trials UMIN000014278.",
            ],
        ),
        # ... but not a word of no section label, nor one inside a sentence.
        (
            "Note: doses were halved. HIV: 12 patients. Outcomes were mixed, Results: none.",
            ["Note: doses were halved.", "HIV: 12 patients.", "Outcomes were mixed, Results: none."],
        ),
        # Question and exclamation marks; closing quote after the stop.
        (
            'Does it work? The trial was called "SAVE." It did!',
            ["Does it work?", 'The trial was called "SAVE."', "It did!"],
        ),
        # A closing bracket after the stop belongs to the sentence.
        (
            "Effects were small (see text.) Patients recovered.",
            ["Effects were small (see text.)", "Patients recovered."],
        ),
        # A sentence with no final stop, and surrounding spaces.
        ("  Trial registration NCT00000000  ", ["Trial registration NCT00000000"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_spans_have_no_outer_spaces_and_cover_all_text() -> None:
    text = (
        "OBJECTIVE: To determine the safety of insulin glargine. RESULTS: HbA1c fell "
        "(P < 0.001).  CONCLUSIONS: It is safe."
    )
    spans = split_sentences(text)
    assert spans == [(0, 10), (11, 55), (56, 64), (65, 88), (90, 102), (103, 114)]
    covered = "".join(text[start:end] for start, end in spans)
    assert covered.replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, (0, 21)),  # first character
        (15, (0, 21)),  # inside "(P = .002)"
        (20, (0, 21)),  # the full stop
        (21, (22, 36)),  # the space between belongs to the next sentence
        (35, (22, 36)),
        (36, (22, 36)),  # the end of the text
    ],
)
def test_sentence_at(offset: int, expected: tuple[int, int]) -> None:
    assert sentence_at("Pain fell (P = .002). Sleep did not.", offset) == expected


def test_sentence_at_rejects_offsets_outside_the_text() -> None:
    with pytest.raises(ValueError, match="offset 40 outside the text"):
        sentence_at("Pain fell.", 40)
