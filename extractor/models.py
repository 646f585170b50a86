"""pydantic records: the contract between the stages, and the shape of the stored rows.

Offsets convention: every finding points into one *section text*. ``section_index`` 0 is the
title; 1..n are the abstract sections in order (``Article.texts()`` lists them). ``start`` and
``end`` are 0-based, end-exclusive offsets into that text, so
``article.texts()[f.section_index][1][f.start:f.end] == f.text`` always holds
(``ArticleRecord`` checks it). ``section`` is the human label: ``"title"``, the abstract
section label (``"Results"``), or ``"abstract"`` for an unlabelled abstract.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractor.ids import PMID_PATTERN
from extractor.kinds import (
    ArticleKind,
    CheckKind,
    ConditionRole,
    ConditionSource,
    Direction,
    DoubtCode,
    DoubtField,
    DrugRole,
    DrugSource,
    EffectMeasure,
    InputKind,
    Operator,
    SampleSizeRole,
    TotalSource,
    Verdict,
)

TITLE = "title"
UNLABELLED = "abstract"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Section(Record):
    """One AbstractText: its label as printed, the NLM category, and the normalised text."""

    label: str | None = None
    category: str | None = None
    text: str


class MeshHeading(Record):
    ui: str | None = None
    name: str
    major_topic: bool = False
    qualifiers: list[str] = Field(default_factory=list)


class Chemical(Record):
    ui: str | None = None
    name: str
    registry_number: str | None = None


class Article(Record):
    """A parsed PubMed record (from efetch XML or the abstract page)."""

    pmid: str = Field(pattern=f"^{PMID_PATTERN}$")
    title: str = ""
    sections: list[Section] = Field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    first_author: str | None = None   # the first author's last name (or the group's name)
    doi: str | None = None
    pmcid: str | None = None
    language: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    mesh_headings: list[MeshHeading] = Field(default_factory=list)
    chemicals: list[Chemical] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    retracted: bool = False
    kind: ArticleKind = "article"

    def texts(self) -> list[tuple[str, str]]:
        """(section label, text) for the title (index 0) and each abstract section (1..n)."""
        out = [(TITLE, self.title)]
        for section in self.sections:
            out.append((section.label or UNLABELLED, section.text))
        return out

    @property
    def abstract(self) -> str:
        """The abstract as one string: sections joined by a space, labels left out."""
        return " ".join(section.text for section in self.sections)

    @property
    def has_abstract(self) -> bool:
        return any(section.text for section in self.sections)


class Evidence(Record):
    """Where a finding was read: the exact text and its place in one section."""

    text: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    section: str
    section_index: int = Field(ge=0)

    @model_validator(mode="after")
    def _offsets_match_text(self) -> Evidence:
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"offsets {self.start}-{self.end} do not span the {len(self.text)} characters of {self.text!r}"
            )
        return self


# The significance level a printed P value is read against.
ALPHA = 0.05


def reported_significance(operator: Operator, value: float) -> bool | None:
    """What a printed P value says about significance at ``ALPHA``, the one rule of it:
    True for ``P = .002``, ``P < .05``, ``P <= .01``; False for ``P = .32``, ``P > .05``,
    ``P >= .1``; None when it cannot say: ``P = .05`` exactly (authors differ), and a bound
    on the far side (``P < .1``, ``P > .001``)."""
    if operator == "=":
        return None if value == ALPHA else value < ALPHA
    if operator in ("<", "<="):
        return True if value <= ALPHA else None
    return False if value >= ALPHA else None


class PValue(Evidence):
    """``P = .002``: operator and value as written; ``sentence`` is the outcome sentence.

    ``threshold``: the significance level the methods state ("P < 0.05 was considered
    significant"), printed as a P value and listed as one (a reviewer lists it), but no result:
    it is no finding's P value, no check reads it, and it says nothing about significance.
    """

    operator: Operator
    value: float = Field(ge=0, le=1)
    sentence: str
    threshold: bool = False

    @property
    def significance(self) -> bool | None:
        """``reported_significance`` of this P value (None for a threshold)."""
        return None if self.threshold else reported_significance(self.operator, self.value)


class SampleSize(Evidence):
    """A participant count. ``role`` says whether it is the study total or one arm."""

    value: int = Field(ge=1)
    role: SampleSizeRole = "total"
    chosen: bool = False
    score: float = 0.0
    sentence: str


class ResponseCount(Evidence):
    """``12 of 13 patients``: responders out of a group, with the percent when printed.

    ``total_source`` says where ``total`` comes from: ``printed`` ("12 of 13"), ``percent``
    (read back from "17 (9.1%)": 187), ``arm`` (the stated size of the arm the count's sentence
    names: "9 patients in the exercise group" with "exercise group (n = 40)" earlier; then
    ``total_text``, ``total_start``, ``total_end`` and ``total_section_index`` say where that
    size was read), or ``unknown`` when the text gives no group size ("two patients developed
    ...": ``total`` is null rather than a guess). ``arm`` is the group as the sentence names it.
    """

    responders: int = Field(ge=0)
    total: int | None = Field(default=None, ge=1)
    total_source: TotalSource = "printed"
    percent: float | None = Field(default=None, ge=0, le=100)
    arm: str | None = None
    sentence: str
    total_text: str | None = None
    total_start: int | None = Field(default=None, ge=0)
    total_end: int | None = Field(default=None, ge=0)
    total_section_index: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _responders_within_total(self) -> ResponseCount:
        if (self.total is None) != (self.total_source == "unknown"):
            raise ValueError("total is null exactly when total_source is 'unknown'")
        if self.total is not None and self.responders > self.total:
            raise ValueError(f"responders {self.responders} exceed total {self.total}")
        located = (self.total_text, self.total_start, self.total_end, self.total_section_index)
        if (self.total_source == "arm") != all(x is not None for x in located):
            raise ValueError("where the total was read is given exactly when it is an arm's size")
        return self


class Arm(Evidence):
    """An arm of the trial, read from its stated size (the evidence): ``label`` as the text
    names the group (null when it names none), ``size``, and the studied ``drugs`` its label
    names."""

    label: str | None = None
    size: int = Field(ge=1)
    drugs: list[str] = Field(default_factory=list)


# The measures that are ratios: positive, null at 1, read on the log scale.
RATIO_MEASURES = frozenset({"OR", "RR", "HR", "IRR", "ratio"})


class EffectEstimate(Evidence):
    """``HR 0.72 (95% CI 0.61-0.85; P < .001)``: a named comparison measure, its value and
    its interval (the evidence runs from the measure's name to the upper bound).

    ``measure``: ``OR``, ``RR``, ``HR``, ``IRR`` (ratios), ``RD``, ``MD``, ``SMD``,
    ``difference``, ``ratio`` (another ratio between groups: a geometric mean ratio),
    ``coefficient`` (a regression coefficient) or ``other`` (a comparison whose scale is not
    said: a treatment effect, a number needed to treat); ``adjusted`` for "aOR", "adjusted HR";
    ``on_log_scale`` for a ratio, whose checks read it on the log scale. ``level``: the
    interval's confidence level in percent (95 when none is printed). ``decimals`` of each
    number as printed (what the consistency checks round by). ``p_value``: the position, in
    ``p_values``, of the P value printed with it, or null. ``comparison``: "A versus B" as the
    sentence names it, or null.
    """

    measure: EffectMeasure
    adjusted: bool = False
    value: float
    lower: float
    upper: float
    level: float = Field(default=95.0, gt=0, lt=100)
    value_decimals: int = Field(ge=0)
    lower_decimals: int = Field(ge=0)
    upper_decimals: int = Field(ge=0)
    p_value: int | None = Field(default=None, ge=0)
    comparison: str | None = None
    sentence: str

    @property
    def on_log_scale(self) -> bool:
        """A ratio (``RATIO_MEASURES``): positive, with its null at 1, its interval symmetric
        on the log scale."""
        return self.measure in RATIO_MEASURES


class CheckInput(Evidence):
    """One value a check compares: where it was read, and which finding it is (``finding``
    names the list, ``position`` its place there; ``text`` for a statistic or words that are
    no finding of their own)."""

    finding: InputKind
    position: int | None = Field(default=None, ge=0)


class Check(Record):
    """Do the numbers agree? One comparison of findings of the same article.

    ``verdict``: ``consistent``, ``discrepant``, ``decision_error`` (discrepant, and on the
    other side of P = 0.05 from what was printed) or ``not_checkable``. ``reported`` and
    ``recomputed`` say what was compared, ``tolerance`` the allowance used (see the README).
    """

    kind: CheckKind
    verdict: Verdict
    reported: str
    recomputed: str
    tolerance: str
    inputs: list[CheckInput] = Field(min_length=1)
    sentence: str


class Mention(Evidence):
    """One occurrence of a drug or condition name in the text."""

    name: str
    identifier: str | None = None


# The role that makes ``studied`` true.
STUDIED_ROLES = frozenset({"studied", "population"})


class NamedEntity(Record):
    """A drug or condition of the article: its canonical name, the identifier of that name in
    its vocabulary, where it was found, its role in the trial, and every mention.
    ``studied`` (kept for compatibility) is true exactly when the role is ``studied`` (drugs) or
    ``population`` (conditions)."""

    name: str
    identifier: str | None = None
    source: str
    role: str
    studied: bool = False
    mentions: list[Mention] = Field(default_factory=list)

    @model_validator(mode="after")
    def _studied_is_the_role(self) -> NamedEntity:
        if self.studied != (self.role in STUDIED_ROLES):
            raise ValueError(f"studied={self.studied} disagrees with role {self.role!r}")
        return self


class Drug(NamedEntity):
    """A drug of the article (``identifier``: its DrugBank ID), named in the text or listed in
    PubMed's chemical list (then without mentions).

    ``role``: ``studied`` (given in an experimental or active comparator arm, co-administered
    study drugs included), ``background`` (given to every arm: standard care, anaesthesia,
    rescue), ``measured`` (an analyte, biomarker or outcome measure: "serum creatinine",
    "25-hydroxyvitamin D levels") or ``mentioned`` (background text, history, other studies).
    """

    source: DrugSource
    role: DrugRole = "mentioned"


class Condition(NamedEntity):
    """A condition of the article (``identifier``: its MeSH descriptor UI), from the text or
    from its MeSH headings.

    ``role``: ``population`` (the condition of the participants, or the one the intervention
    targets), ``outcome`` (an adverse event or outcome measure: nausea, hypotension) or
    ``mentioned`` (only named in the background: "a current license for use in psoriasis").
    """

    source: ConditionSource
    role: ConditionRole = "mentioned"


class Result(Evidence):
    """What a trial found, one result statement: the intervention against the comparator on an
    outcome, and the direction the text reports. The evidence is the statement (its clause);
    ``sentence`` the whole sentence.

    ``intervention``/``comparator``: the groups as written; ``intervention_arm`` and
    ``comparator_arm`` their positions in ``arms`` where the text names a stated arm. With no
    comparator (a single-arm trial, a change within a group) ``comparator`` is null and
    ``against_baseline`` true: the direction is the change from baseline. ``outcome`` as written,
    ``time_point`` when printed ("at 12 weeks"). ``direction``: ``increased``, ``decreased`` or
    ``no_difference`` for the intervention on the outcome. The numbers that support it are
    linked, not copied: ``p_value`` and ``effect_estimate`` are positions in ``p_values`` and
    ``effect_estimates``, ``response_counts`` positions in ``response_counts``.
    """

    intervention: str | None = None
    comparator: str | None = None
    intervention_arm: int | None = Field(default=None, ge=0)
    comparator_arm: int | None = Field(default=None, ge=0)
    against_baseline: bool = False
    outcome: str = Field(min_length=1)
    time_point: str | None = None
    direction: Direction
    p_value: int | None = Field(default=None, ge=0)
    effect_estimate: int | None = Field(default=None, ge=0)
    response_counts: list[int] = Field(default_factory=list)
    sentence: str


class Doubt(Record):
    """A value the extractor saw but rejected or distrusts, kept so a reviewer can check it.

    ``code`` says what kind of doubt it is, for programs (the checks read it); ``reason`` says
    it for people. ``value`` and ``bound`` are its numbers, as ``kinds.DoubtCode`` lists them
    (``responders_exceed_total``: the responders and their group), or null.
    """

    field: DoubtField
    code: DoubtCode
    reason: str
    value: float | None = None
    bound: float | None = None
    text: str
    section: str | None = None
    section_index: int | None = None
    start: int | None = None
    end: int | None = None


class Findings(Record):
    """Everything extracted from one article."""

    drugs: list[Drug] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    sample_size: int | None = None
    sample_sizes: list[SampleSize] = Field(default_factory=list)
    arms: list[Arm] = Field(default_factory=list)
    response_counts: list[ResponseCount] = Field(default_factory=list)
    p_values: list[PValue] = Field(default_factory=list)
    effect_estimates: list[EffectEstimate] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    doubts: list[Doubt] = Field(default_factory=list)


class ArticleRecord(Findings):
    """What ``extract --json`` prints and the store keeps: the article plus its findings."""

    pmid: str = Field(pattern=f"^{PMID_PATTERN}$")
    title: str
    article: Article
    extractor_version: str

    @model_validator(mode="after")
    def _agrees_with_its_article(self) -> ArticleRecord:
        if (self.pmid, self.title) != (self.article.pmid, self.article.title):
            raise ValueError(
                f"record of PMID {self.pmid} holds the article of PMID {self.article.pmid}"
                if self.pmid != self.article.pmid else "title differs from the article's title")
        chosen = [s.value for s in self.sample_sizes if s.chosen]
        if len(chosen) > 1:
            raise ValueError(f"{len(chosen)} sample sizes are chosen; at most one may be")
        if self.sample_size != (chosen[0] if chosen else None):
            raise ValueError(f"sample_size {self.sample_size} is not the chosen sample size "
                             f"({chosen[0] if chosen else 'none chosen'})")
        return self

    @model_validator(mode="after")
    def _evidence_points_into_text(self) -> ArticleRecord:
        texts = self.article.texts()
        spans: list[Evidence] = [*self.sample_sizes, *self.arms, *self.response_counts,
                                 *self.p_values, *self.effect_estimates, *self.results,
                                 *(i for check in self.checks for i in check.inputs)]
        for entity in [*self.drugs, *self.conditions]:
            spans.extend(entity.mentions)
        for count in self.response_counts:
            if count.total_source == "arm":
                assert count.total_text is not None and count.total_start is not None
                assert count.total_end is not None and count.total_section_index is not None
                spans.append(Evidence(text=count.total_text, start=count.total_start,
                                      end=count.total_end, section="",
                                      section_index=count.total_section_index))
        for result in self.results:
            _points_within(result, "intervention_arm", result.intervention_arm, self.arms)
            _points_within(result, "comparator_arm", result.comparator_arm, self.arms)
            _points_within(result, "p_value", result.p_value, self.p_values)
            _points_within(result, "effect_estimate", result.effect_estimate, self.effect_estimates)
            for position in result.response_counts:
                _points_within(result, "response_counts", position, self.response_counts)
        for span in spans:
            if span.section_index >= len(texts):
                raise ValueError(f"section_index {span.section_index} out of range for {span.text!r}")
            label, text = texts[span.section_index]
            if text[span.start:span.end] != span.text:
                raise ValueError(
                    f"evidence {span.text!r} is not at {span.start}-{span.end} of section {label!r}"
                )
        return self


def _points_within(result: Result, name: str, position: int | None, items: list[Any]) -> None:
    """A result's link ``name`` is a position of ``items`` (or null)."""
    if position is not None and position >= len(items):
        raise ValueError(f"result {result.text!r}: {name} {position} is not a position of its "
                         f"{len(items)} items")
