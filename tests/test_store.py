"""The store: whole rows of the worked example (PMID 17638731), re-saves, FTS, raw records."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from extractor.extract import build_record
from extractor.models import (
    Article,
    ArticleRecord,
    Condition,
    Doubt,
    Drug,
    Mention,
    MeshHeading,
    PValue,
    ResponseCount,
    Result,
    SampleSize,
    Section,
    reported_significance,
)
from extractor.parse.pubmed_xml import parse_article_xml
from extractor.store import (
    ARTICLE_CHILD_TABLES,
    DEFAULT_LOCK_TIMEOUT,
    TABLES,
    StoreError,
    count_raw_records,
    ensure_db_shape,
    iter_raw_records,
    load_article_record,
    load_record,
    open_db,
    save_failure,
    save_raw,
    save_record,
    stored_pmids,
)

PMID = "17638731"
TITLE = "Efalizumab in the treatment of discoid lupus erythematosus"
BACKGROUND = (
    "Discoid lupus erythematosus is a chronic inflammatory condition in which the pathogenesis "
    "and the role of cell-mediated immunity remains unclear. Currently, the most effective "
    "treatments for severe disease are thalidomide, methotrexate, and cyclosporin, although the "
    "evidence for this is limited. Efalizumab is a monoclonal antibody directed against CD11a, "
    "the alpha-subunit of the leukocyte-functioning antigen 1, with a current license for use in "
    "psoriasis. Because discoid lupus erythematosus is known to be predominantly T-cell mediated, "
    "our aim was to use efalizumab as a T-cell modulator in patients with recalcitrant disease."
)
SENTENCE_1 = (
    "Thirteen patients received efalizumab, with treatment responses varying from good to "
    "excellent in 12 of 13 patients."
)
SENTENCE_2 = (
    "There was a significant reduction in the cutaneous lupus activity and severity score "
    "(CLASS) score after therapy with efalizumab (P = .002)."
)
OBSERVATIONS = f"{SENTENCE_1} {SENTENCE_2}"
CONCLUSIONS = (
    "We have presented efalizumab as a novel alternative treatment for patients with difficult "
    "discoid lupus erythematosus. The response to treatment in 12 patients was very encouraging, "
    "with the mean time to response being 5.5 weeks. However, patient numbers were small, and "
    "many remain in the early stages of therapy. A prospective randomized study with a long-term "
    "follow-up is required, especially in light of recent findings to evaluate both the "
    "effectiveness and safety profile of this monoclonal antibody."
)
FETCHED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
EXTRACTED = datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml"
# The worked example's efetch record (fixtures/README.md) and what the extractor makes of it.
RAW = (FIXTURES / f"{PMID}.xml").read_bytes()
REAL_RECORD = build_record(parse_article_xml(RAW))


def mention(name: str, text: str, section: str, section_index: int, start: int,
            identifier: str | None = None) -> Mention:
    return Mention(name=name, identifier=identifier, text=text, start=start,
                   end=start + len(text), section=section, section_index=section_index)


def worked_example(**changes: Any) -> ArticleRecord:
    """PMID 17638731 as the extractor reads it; ``changes`` replace record fields (a new
    ``title`` is the article's title too). The result is validated like any record."""
    fields = dict(REAL_RECORD)
    if "title" in changes:
        fields["article"] = REAL_RECORD.article.model_copy(update={"title": changes["title"]})
    fields.update(changes)
    return ArticleRecord(**fields)


def test_the_fixture_is_the_worked_example() -> None:
    assert [(s.label, s.text) for s in REAL_RECORD.article.sections] == [
        ("Background", BACKGROUND), ("Observations", OBSERVATIONS), ("Conclusions", CONCLUSIONS)]
    assert REAL_RECORD.title == TITLE


def saved_db(record: ArticleRecord | None = None) -> Database:
    db = Database(memory=True)
    ensure_db_shape(db)
    save_record(db, record or worked_example(), RAW, "efetch", fetched_at=FETCHED,
                extracted_at=EXTRACTED)
    return db


def rows(db: Database, name: str) -> list[dict[str, Any]]:
    """Rows of a table in insertion order, or of a view in its own order."""
    order = "" if name in db.view_names() else " order by rowid"
    return db.execute_returning_dicts(f'select * from "{name}"{order}')


def counts(db: Database) -> dict[str, int]:
    return {name: db.table(name).count for name in TABLES}


# --- shape -----------------------------------------------------------------------------------


def test_ensure_db_shape_creates_tables_views_and_fts() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    assert set(TABLES) <= set(db.table_names())
    assert set(db.view_names()) == {"article_findings", "article_overview", "evidence"}
    assert db.table("articles").detect_fts() == "articles_fts"
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_ensure_db_shape_is_idempotent_and_keeps_rows() -> None:
    db = saved_db()
    schema = db.schema
    ensure_db_shape(db)
    ensure_db_shape(db)
    assert db.schema == schema
    assert stored_pmids(db) == {PMID}


def test_ensure_db_shape_adds_columns_missing_from_an_older_database() -> None:
    db = Database(memory=True)
    db.table("doubts").create({"pmid": str, "position": int, "field": str}, pk=("pmid", "position"))
    ensure_db_shape(db)
    assert list(db.table("doubts").columns_dict) == [
        "pmid", "position", "field", "code", "reason", "value", "bound", "text", "start", "end",
        "section", "section_index",
    ]


def test_foreign_keys_are_declared() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    declared = {
        name: sorted((fk.column, fk.other_table, fk.other_column)
                     for fk in db.table(name).foreign_keys)
        for name in TABLES
    }
    assert declared == {
        "articles": [],
        "sections": [("pmid", "articles", "pmid")],
        "drugs": [],
        "article_drugs": [("drug_id", "drugs", "id"), ("pmid", "articles", "pmid")],
        "conditions": [],
        "article_conditions": [("condition_id", "conditions", "id"), ("pmid", "articles", "pmid")],
        "mesh_headings": [("pmid", "articles", "pmid")],
        "chemicals": [("pmid", "articles", "pmid")],
        "publication_types": [("pmid", "articles", "pmid")],
        "sample_sizes": [("pmid", "articles", "pmid")],
        "response_counts": [("pmid", "articles", "pmid")],
        "arms": [("pmid", "articles", "pmid")],
        "p_values": [("pmid", "articles", "pmid")],
        "effect_estimates": [("pmid", "articles", "pmid")],
        "results": [("pmid", "articles", "pmid")],
        "checks": [("pmid", "articles", "pmid")],
        "doubts": [("pmid", "articles", "pmid")],
        # the raw record is kept even when parsing fails, so no article may exist for it
        "raw_records": [],
        "failures": [],
        "files": [],
        "leases": [],
        "deleted_pmids": [],
        "searches": [],
        "search_pmids": [("search_id", "searches", "id")],
    }


def test_every_foreign_key_column_is_indexed() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    fk_columns = {(name, fk.column) for name in TABLES for fk in db.table(name).foreign_keys}
    indexed = {(name, tuple(index.columns)) for name in TABLES for index in db.table(name).indexes}
    assert len(fk_columns) == 17  # pmid of the 14 child tables, drug_id, condition_id, search_id
    assert {(name, (column,)) for name, column in fk_columns} <= indexed
    assert ("drugs", ("name", "identifier")) in indexed
    assert ("conditions", ("name", "identifier")) in indexed


# Each finding model's fields must be columns of its table (the store keeps up with models.py).
@pytest.mark.parametrize(
    ("table", "model", "not_stored"),
    [
        ("sample_sizes", SampleSize, set()),
        ("response_counts", ResponseCount, set()),
        ("p_values", PValue, set()),
        ("doubts", Doubt, set()),
        ("results", Result, set()),
        ("mesh_headings", MeshHeading, set()),
        ("sections", Section, set()),
        ("article_drugs", Drug, {"name", "identifier", "mentions"}),  # name, id: in drugs
        ("article_conditions", Condition, {"name", "identifier", "mentions"}),
        ("articles", Article, {"sections", "mesh_headings", "chemicals"}),  # own tables
    ],
)
def test_model_fields_have_columns(table: str, model: type, not_stored: set[str]) -> None:
    assert set(model.model_fields) - not_stored - set(TABLES[table]["columns"]) == set()


def test_article_child_tables_are_every_table_pointing_at_articles() -> None:
    assert ARTICLE_CHILD_TABLES == (
        "sections", "article_drugs", "article_conditions", "mesh_headings", "chemicals",
        "publication_types", "sample_sizes", "response_counts", "arms", "p_values",
        "effect_estimates", "results", "checks", "doubts",
    )


# --- saving: whole rows ----------------------------------------------------------------------


def test_article_row() -> None:
    db = saved_db()
    [row] = rows(db, "articles")
    record_json = row.pop("record_json")
    assert row == {
        "pmid": PMID,
        "title": TITLE,
        "abstract": f"{BACKGROUND} {OBSERVATIONS} {CONCLUSIONS}",
        "journal": "Arch Dermatol",
        "year": 2007,
        "first_author": "Usmani",
        "doi": "10.1001/archderm.143.7.873",
        "pmcid": None,
        "language": "eng",
        "publication_types": '["Case Reports"]',
        "keywords": "[]",
        "retracted": 0,
        "kind": "article",
        "has_abstract": 1,
        "sample_size": 13,
        "extractor_version": "0.1.0",
        "source": "efetch",
        "fetched_at": "2026-01-02T03:04:05Z",
        "extracted_at": "2026-01-02T03:04:06Z",
    }
    assert json.loads(record_json) == worked_example().model_dump(mode="json")


def test_section_rows_start_with_the_title() -> None:
    assert rows(saved_db(), "sections") == [
        {"pmid": PMID, "section_index": 0, "section": "title", "label": None, "category": None,
         "text": TITLE},
        {"pmid": PMID, "section_index": 1, "section": "Background", "label": "Background",
         "category": "BACKGROUND", "text": BACKGROUND},
        {"pmid": PMID, "section_index": 2, "section": "Observations", "label": "Observations",
         "category": "RESULTS", "text": OBSERVATIONS},
        {"pmid": PMID, "section_index": 3, "section": "Conclusions", "label": "Conclusions",
         "category": "CONCLUSIONS", "text": CONCLUSIONS},
    ]


def test_unlabelled_abstract_section_is_named_abstract() -> None:
    article = Article(pmid="1", title="T", sections=[Section(text="Plain abstract.")])
    record = ArticleRecord(pmid="1", title="T", article=article, extractor_version="0.1.0")
    assert rows(saved_db(record), "sections")[1] == {
        "pmid": "1", "section_index": 1, "section": "abstract", "label": None, "category": None,
        "text": "Plain abstract.",
    }


def test_every_finding_joins_to_the_text_it_points_into() -> None:
    db = saved_db()
    mismatches = db.execute(
        """select e.field, e.text from evidence e join sections s
           on s.pmid = e.pmid and s.section_index = e.section_index
           where substr(s.text, e.start + 1, e."end" - e.start) != e.text"""
    ).fetchall()
    joined = db.execute(
        "select count(*) from evidence e join sections s using (pmid, section_index)"
    ).fetchone()
    # 4 drugs and 2 conditions (first mentions), 2 sample sizes, 1 response count, 1 P value
    assert (mismatches, joined) == ([], (10,))


def test_drug_rows() -> None:
    db = saved_db()
    assert rows(db, "drugs") == [
        {"id": 1, "name": "Efalizumab", "identifier": "DB00095"},
        {"id": 2, "name": "Thalidomide", "identifier": "DB01041"},
        {"id": 3, "name": "Methotrexate", "identifier": "DB00563"},
        {"id": 4, "name": "Cyclosporine", "identifier": "DB00091"},
    ]
    # efalizumab: once in the title, twice in each of Background and Observations, once in
    # Conclusions; the others once each, in the Background sentence on current treatments
    assert rows(db, "article_drugs") == [
        {"pmid": PMID, "drug_id": 1, "source": "text", "role": "studied", "studied": 1,
         "text": "Efalizumab", "start": 0, "end": 10, "section": "title", "section_index": 0,
         "mention_count": 6},
        {"pmid": PMID, "drug_id": 2, "source": "text", "role": "mentioned", "studied": 0, "text": "thalidomide",
         "start": 210, "end": 221, "section": "Background", "section_index": 1,
         "mention_count": 1},
        {"pmid": PMID, "drug_id": 3, "source": "text", "role": "mentioned", "studied": 0, "text": "methotrexate",
         "start": 223, "end": 235, "section": "Background", "section_index": 1,
         "mention_count": 1},
        {"pmid": PMID, "drug_id": 4, "source": "text", "role": "mentioned", "studied": 0, "text": "cyclosporin",
         "start": 241, "end": 252, "section": "Background", "section_index": 1,
         "mention_count": 1},
    ]


def test_condition_rows() -> None:
    db = saved_db()
    assert rows(db, "conditions") == [
        {"id": 1, "name": "Lupus Erythematosus, Discoid", "identifier": "D008179"},
        {"id": 2, "name": "Psoriasis", "identifier": "D011565"},
    ]
    # title, first Background sentence, "Because discoid lupus erythematosus ...", Conclusions
    psoriasis = BACKGROUND.index("psoriasis")
    assert rows(db, "article_conditions") == [
        {"pmid": PMID, "condition_id": 1, "source": "text", "role": "population", "studied": 1,
         "text": "discoid lupus erythematosus",
         "start": 31, "end": 58, "section": "title", "section_index": 0, "mention_count": 4},
        # "with a current license for use in psoriasis": background, not the participants'
        {"pmid": PMID, "condition_id": 2, "source": "text", "role": "mentioned", "studied": 0,
         "text": "psoriasis",
         "start": psoriasis, "end": psoriasis + 9, "section": "Background", "section_index": 1,
         "mention_count": 1},
    ]


def test_conditions_from_mesh_headings_have_no_evidence() -> None:
    # PMID 31588070 is indexed with "Acute Disease" and "Recurrence", named nowhere in its text
    record = build_record(parse_article_xml((FIXTURES / "31588070.xml").read_bytes()))
    db = saved_db(record)
    from_headings = db.execute_returning_dicts(
        "select c.name, c.identifier, ac.* from article_conditions ac join conditions c "
        "on c.id = ac.condition_id where ac.source = 'mesh_heading' order by c.name")
    assert [(r["name"], r["identifier"], r["studied"], r["text"], r["start"], r["section_index"],
             r["mention_count"]) for r in from_headings] == [
        ("Acute Disease", "D000208", 1, None, None, None, 0),
        ("Recurrence", "D012008", 1, None, None, None, 0),
    ]


def test_first_mention_is_the_earliest_in_the_text_whatever_the_list_order() -> None:
    late, early = (mention("efalizumab", "efalizumab", "Observations", 2, 27),
                   mention("efalizumab", "Efalizumab", "title", 0, 0))
    record = worked_example(drugs=[Drug(name="efalizumab", source="text", mentions=[late, early])])
    [row] = rows(saved_db(record), "article_drugs")
    assert (row["text"], row["section_index"], row["start"]) == ("Efalizumab", 0, 0)


def test_same_drug_listed_twice_with_one_source_becomes_one_row() -> None:
    title, later = (mention("efalizumab", "Efalizumab", "title", 0, 0),
                    mention("efalizumab", "efalizumab", "Observations", 2, 27))
    record = worked_example(drugs=[
        Drug(name="efalizumab", source="text", mentions=[later]),
        Drug(name="efalizumab", source="text", role="studied", studied=True,
             mentions=[title]),
        Drug(name="efalizumab", source="chemical_list"),
    ])
    # the strongest role of the two, the mentions counted together, the earliest as evidence
    assert rows(saved_db(record), "article_drugs") == [
        {"pmid": PMID, "drug_id": 1, "source": "text", "role": "studied", "studied": 1,
         "text": "Efalizumab", "start": 0, "end": 10, "section": "title", "section_index": 0,
         "mention_count": 2},
        {"pmid": PMID, "drug_id": 1, "source": "chemical_list", "role": "mentioned",
         "studied": 0, "text": None, "start": None, "end": None, "section": None,
         "section_index": None, "mention_count": 0},
    ]


def test_finding_rows() -> None:
    db = saved_db()
    evidence = {"section": "Observations", "section_index": 2}
    sizes = rows(db, "sample_sizes")
    scores = [row.pop("score") for row in sizes]
    # "Thirteen patients received ..." and the "13" of "12 of 13 patients": the first is chosen
    of_13 = SENTENCE_1.index("12 of 13")
    assert sizes == [
        {"pmid": PMID, "position": 0, "value": 13, "role": "total", "chosen": 1,
         "text": "Thirteen", "start": 0, "end": 8, **evidence, "sentence": SENTENCE_1},
        {"pmid": PMID, "position": 1, "value": 13, "role": "total", "chosen": 0,
         "text": "13", "start": of_13 + 6, "end": of_13 + 8, **evidence, "sentence": SENTENCE_1},
    ]
    assert scores[0] > scores[1]
    assert rows(db, "response_counts") == [
        {"pmid": PMID, "position": 0, "responders": 12, "total": 13, "total_source": "printed",
         "percent": None, "arm": None, "text": "12 of 13", "start": of_13, "end": of_13 + 8,
         **evidence, "sentence": SENTENCE_1, "total_text": None, "total_start": None,
         "total_end": None, "total_section_index": None},
    ]
    assert rows(db, "arms") == []   # a case series: no arm
    p_value = OBSERVATIONS.index("P = .002")
    assert rows(db, "p_values") == [
        {"pmid": PMID, "position": 0, "operator": "=", "value": 0.002, "significant": 1,
         "threshold": 0, "text": "P = .002", "start": p_value, "end": p_value + 8, **evidence,
         "sentence": SENTENCE_2},
    ]
    assert rows(db, "doubts") == []


def test_doubt_rows() -> None:
    start = CONCLUSIONS.index("12 patients")
    doubt = Doubt(field="response_counts", code="responders_exceed_total",
                  reason="12 responders exceed the group of 10", value=12, bound=10,
                  text="12 patients", section="Conclusions", section_index=3, start=start,
                  end=start + 11)
    assert rows(saved_db(worked_example(doubts=[doubt])), "doubts") == [
        {"pmid": PMID, "position": 0, "field": "response_counts", "code": "responders_exceed_total",
         "reason": "12 responders exceed the group of 10", "value": 12.0, "bound": 10.0,
         "text": "12 patients",
         "start": start, "end": start + 11, "section": "Conclusions", "section_index": 3},
    ]


def test_metadata_rows() -> None:
    db = saved_db()
    assert rows(db, "publication_types") == [{"pmid": PMID, "name": "Case Reports"}]
    assert (rows(db, "mesh_headings"), rows(db, "chemicals")) == ([], [])
    # PMID 31588070: ten MeSH headings (fixtures/pubmed_xml/31588070.xml) and one chemical
    other = build_record(parse_article_xml((FIXTURES / "31588070.xml").read_bytes()))
    db = saved_db(other)
    headings = rows(db, "mesh_headings")
    assert len(headings) == 10
    assert headings[1] == {"pmid": "31588070", "position": 1, "ui": "D000925",
                           "name": "Anticoagulants", "major_topic": 1,
                           "qualifiers": '["administration & dosage", "adverse effects"]'}
    assert rows(db, "chemicals") == [{"pmid": "31588070", "position": 0, "ui": "D000925",
                                      "name": "Anticoagulants", "registry_number": None}]


@pytest.mark.parametrize(
    ("operator", "value", "significant"),
    [
        ("=", 0.002, True),   # "P = .002"
        ("<", 0.001, True),   # "P < .001"
        ("<=", 0.01, True),   # "P ≤ .01"
        ("<", 0.05, True),    # "P < .05": below the level
        ("=", 0.05, None),    # "P = .05": authors differ, so it cannot say
        (">", 0.001, None),   # "P > .001" says nothing about significance
        (">=", 0.01, None),   # "P ≥ .01" neither
        ("<", 0.1, None),     # "P < .1" neither
        (">", 0.05, False),   # "P > .05"
        ("=", 0.32, False),   # "P = .32"
    ],
)
def test_the_significant_column_is_the_one_rule_of_significance(
        operator: str, value: float, significant: bool | None) -> None:
    """``p_values.significant`` is ``models.reported_significance``: true, false or null."""
    assert reported_significance(operator, value) is significant  # type: ignore[arg-type]
    printed = REAL_RECORD.p_values[0].model_copy(update={"operator": operator, "value": value})
    db = saved_db(worked_example(p_values=[printed]))
    assert [row["significant"] for row in rows(db, "p_values")] == [
        None if significant is None else int(significant)]


def test_rows_satisfy_their_foreign_keys() -> None:
    assert saved_db().execute("PRAGMA foreign_key_check").fetchall() == []


# --- re-saving -------------------------------------------------------------------------------


def test_saving_twice_does_not_duplicate() -> None:
    db = saved_db()
    once = counts(db)
    save_record(db, worked_example(), RAW, "efetch")
    assert counts(db) == once
    assert once["article_drugs"] == 4 and once["sections"] == 4


def test_changed_findings_replace_the_old_ones() -> None:
    db = saved_db()
    fewer = worked_example(
        drugs=[Drug(name="Efalizumab", identifier="DB00095", source="text", role="studied",
                    studied=True)],
        p_values=[PValue(operator="<", value=0.05, text="(P = .002)", start=246, end=256,
                         section="Observations", section_index=2, sentence=SENTENCE_2)],
        response_counts=[],
        doubts=[],
        extractor_version="0.2.0",
    )
    save_record(db, fewer, None, "efetch", extracted_at=EXTRACTED)
    assert [(r["operator"], r["value"], r["significant"], r["text"])
            for r in rows(db, "p_values")] == [("<", 0.05, 1, "(P = .002)")]
    assert [(r["drug_id"], r["mention_count"]) for r in rows(db, "article_drugs")] == [(1, 0)]
    assert (db.table("response_counts").count, db.table("doubts").count) == (0, 0)
    # lookup rows stay for other articles; the article row is updated in place
    assert db.table("drugs").count == 4
    assert load_record(db, PMID) == fewer.model_dump(mode="json")
    assert stored_pmids(db, "0.1.0") == set()
    assert stored_pmids(db, "0.2.0") == {PMID}


def test_a_failed_save_leaves_the_previous_record_whole() -> None:
    db = saved_db()
    before = {name: rows(db, name) for name in TABLES}
    db.execute("create trigger refuse before insert on p_values "
               "begin select raise(abort, 'refused by test'); end")
    changed = worked_example(title=f"{TITLE}: a case series", drugs=[], extractor_version="0.2.0")
    with pytest.raises(StoreError, match=r"^cannot save PMID 17638731: refused by test$"):
        save_record(db, changed, b"<new raw/>", "efetch")
    assert {name: rows(db, name) for name in TABLES} == before


def test_lookup_rows_are_one_per_name_and_identifier() -> None:
    """One name with two identifiers (or none) in two records: each article keeps its own, and
    the rows do not depend on which record was stored first."""
    without = worked_example(drugs=[Drug(name="Efalizumab", source="chemical_list")])
    orders = []
    for first, second in ((without, worked_example()), (worked_example(), without)):
        db = saved_db(first)
        save_record(db, second, RAW, "efetch")
        orders.append(sorted((r["name"], r["identifier"] or "") for r in rows(db, "drugs")
                             if r["name"] == "Efalizumab"))
    assert orders == [[("Efalizumab", ""), ("Efalizumab", "DB00095")]] * 2


def test_an_old_database_loses_the_unique_name_index() -> None:
    db = Database(memory=True)
    db.execute("create table drugs (id integer primary key, name text, identifier text)")
    db.execute("create unique index idx_drugs_name on drugs (name)")
    ensure_db_shape(db)
    assert [index.name for index in db.table("drugs").indexes] == ["idx_drugs_name_identifier"]


def test_two_articles_share_drug_rows() -> None:
    db = saved_db()
    other = ArticleRecord(
        pmid="123", title="Methotrexate for psoriasis",
        article=Article(pmid="123", title="Methotrexate for psoriasis"),
        extractor_version="0.1.0",
        drugs=[Drug(name="Methotrexate", identifier="DB00563", source="text", role="studied",
                    studied=True, mentions=[
            mention("Methotrexate", "Methotrexate", "title", 0, 0)])],
    )
    save_record(db, other, None, "xml-file")
    assert db.table("drugs").count == 4
    assert db.execute(
        "select pmid from article_drugs where drug_id = 3 order by pmid").fetchall() == [
        ("123",), (PMID,)]
    assert stored_pmids(db) == {PMID, "123"}


# --- full-text search and views --------------------------------------------------------------


def test_full_text_search_finds_the_article() -> None:
    db = saved_db()
    assert [r["pmid"] for r in db.table("articles").search("efalizumab")] == [PMID]
    # porter stemming: "responses" finds "response"
    assert [r["pmid"] for r in db.table("articles").search("responses psoriasis")] == [PMID]
    assert list(db.table("articles").search("insulin")) == []


def test_full_text_search_follows_a_re_save() -> None:
    db = saved_db()
    changed = worked_example(title="Anti-CD11a treatment of discoid lupus erythematosus",
                             drugs=[], conditions=[])
    save_record(db, changed, None, "efetch")
    assert [r["pmid"] for r in db.table("articles").search("CD11a")] == [PMID]
    assert [r["pmid"] for r in db.table("articles").search("title:efalizumab")] == []
    assert db.table("articles_fts").count == 1


def test_article_findings_view() -> None:
    assert rows(saved_db(), "article_findings") == [{
        "pmid": PMID,
        "title": TITLE,
        "journal": "Arch Dermatol",
        "year": 2007,
        "kind": "article",
        "retracted": 0,
        "studied_drugs": "Efalizumab",
        "drugs": "Cyclosporine; Efalizumab; Methotrexate; Thalidomide",
        "population_conditions": "Lupus Erythematosus, Discoid",
        "conditions": "Lupus Erythematosus, Discoid; Psoriasis",
        "measured": None,
        "sample_size": 13,
        "arms": None,
        "response_counts": "12/13",
        "p_values": "P = .002",
        "min_p_value": 0.002,
        "significant_p_values": 1,
        "doubts": 0,
        "extractor_version": "0.1.0",
        "extracted_at": "2026-01-02T03:04:06Z",
    }]


def test_article_findings_view_of_an_article_with_no_findings() -> None:
    record = ArticleRecord(pmid="5", title="Letter", article=Article(pmid="5", title="Letter"),
                           extractor_version="0.1.0")
    [row] = rows(saved_db(record), "article_findings")
    assert {key: row[key] for key in ("drugs", "conditions", "sample_size", "response_counts",
                                      "p_values", "min_p_value", "significant_p_values",
                                      "doubts")} == {
        "drugs": None, "conditions": None, "sample_size": None, "response_counts": None,
        "p_values": None, "min_p_value": None, "significant_p_values": 0, "doubts": 0,
    }


def test_evidence_view() -> None:
    found = [(r["field"], r["value"], r["text"], r["section_index"], r["start"])
             for r in rows(saved_db(), "evidence")]
    assert sorted(found) == [
        ("conditions", "Lupus Erythematosus, Discoid", "discoid lupus erythematosus", 0, 31),
        ("conditions", "Psoriasis", "psoriasis", 1, BACKGROUND.index("psoriasis")),
        ("drugs", "Cyclosporine", "cyclosporin", 1, BACKGROUND.index("cyclosporin")),
        ("drugs", "Efalizumab", "Efalizumab", 0, 0),
        ("drugs", "Methotrexate", "methotrexate", 1, BACKGROUND.index("methotrexate")),
        ("drugs", "Thalidomide", "thalidomide", 1, BACKGROUND.index("thalidomide")),
        ("p_values", "= 0.002", "P = .002", 2, OBSERVATIONS.index("P = .002")),
        ("response_counts", "12/13", "12 of 13", 2, OBSERVATIONS.index("12 of 13")),
        ("sample_size", "13", "13", 2, OBSERVATIONS.index("12 of 13") + 6),
        ("sample_size", "13", "Thirteen", 2, 0),
    ]


def test_a_count_without_a_group_size_is_a_doubt_and_an_old_one_shows_a_question_mark() -> None:
    # PMID 37424520 prints counts without their group ("... one had uncontrolled infection"):
    # they are doubts (count_without_group), and every response count has its total
    record = build_record(parse_article_xml((FIXTURES / "37424520.xml").read_bytes()))
    assert record.response_counts and all(c.total is not None for c in record.response_counts)
    assert any(d.code == "count_without_group" for d in record.doubts)
    # a record stored by an earlier version, with a count whose total is null, shows "r/?"
    old = record.response_counts[0].model_copy(update={"total": None, "total_source": "unknown"})
    record = record.model_copy(update={"response_counts": [old]})
    db = saved_db(record)
    for view in ("article_overview", "article_findings"):
        assert [row["response_counts"] for row in rows(db, view)] == [f"{old.responders}/?"]
    assert [row["value"] for row in rows(db, "evidence") if row["field"] == "response_counts"] == [
        f"{old.responders}/?"]


# --- raw records, reading back, failures -----------------------------------------------------


def test_raw_record_round_trip() -> None:
    db = saved_db()
    not_utf8 = b"<html>caf\xe9</html>"
    save_raw(db, "99", not_utf8, "page", fetched_at=FETCHED)
    assert list(iter_raw_records(db)) == [("99", "page", not_utf8), (PMID, "efetch", RAW)]
    assert list(iter_raw_records(db, pmids=[PMID, "404"])) == [(PMID, "efetch", RAW)]
    # UTF-8 is stored as text so Datasette shows it
    assert db.execute("select typeof(content) from raw_records where pmid = ?",
                      [PMID]).fetchone() == ("text",)


def test_raw_record_is_kept_without_an_article() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    save_raw(db, "31", b"<not parseable", "efetch", fetched_at=FETCHED)
    assert rows(db, "raw_records") == [{"pmid": "31", "source": "efetch",
                                        "content": "<not parseable",
                                        "fetched_at": "2026-01-02T03:04:05Z"}]
    assert stored_pmids(db) == set()


@pytest.mark.parametrize("raw", [None, RAW], ids=["without raw", "same raw again"])
def test_reprocess_keeps_fetched_at_of_the_raw_record(raw: bytes | None) -> None:
    db = saved_db()
    save_record(db, worked_example(), raw, "efetch")
    [row] = rows(db, "articles")
    assert row["fetched_at"] == "2026-01-02T03:04:05Z"
    assert rows(db, "raw_records") == [{"pmid": PMID, "source": "efetch", "content": RAW.decode(),
                                        "fetched_at": "2026-01-02T03:04:05Z"}]


def test_save_raw_then_save_record_keeps_the_time_of_the_fetch() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    save_raw(db, PMID, RAW, "efetch", fetched_at=FETCHED)
    save_record(db, worked_example(), RAW, "efetch")
    assert [r["fetched_at"] for r in rows(db, "articles")] == ["2026-01-02T03:04:05Z"]


def test_a_different_raw_record_replaces_the_old_one_with_a_new_time() -> None:
    db = saved_db()
    save_record(db, worked_example(), b"<newer/>", "efetch")
    [raw] = rows(db, "raw_records")
    [article] = rows(db, "articles")
    assert raw["content"] == "<newer/>"
    assert raw["fetched_at"] > "2026-01-02T03:04:05Z"
    assert article["fetched_at"] == raw["fetched_at"]
    assert count_raw_records(db) == 1


def test_count_raw_records() -> None:
    db = Database(memory=True)
    assert count_raw_records(db) == 0
    ensure_db_shape(db)
    save_raw(db, "1", b"a", "efetch")
    save_raw(db, "2", b"b", "page")
    save_raw(db, "2", b"c", "page")
    assert count_raw_records(db) == 2


def test_iter_raw_records_allows_saving_while_iterating() -> None:
    db = saved_db()
    seen = []
    for pmid, source, _raw in iter_raw_records(db):
        save_record(db, worked_example(), None, source)
        seen.append(pmid)
    assert seen == [PMID]


def test_load_record() -> None:
    db = saved_db()
    assert load_record(db, PMID) == worked_example().model_dump(mode="json")
    assert load_article_record(db, PMID) == worked_example()
    assert load_record(db, "404") is None


def test_reading_an_empty_database() -> None:
    db = Database(memory=True)
    assert (stored_pmids(db), load_record(db, PMID), list(iter_raw_records(db))) == (
        set(), None, [])


def test_failure_is_recorded_and_cleared_by_a_save() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    save_failure(db, PMID, "parse", ValueError("no PubmedArticle element"))
    [row] = rows(db, "failures")
    assert {k: row[k] for k in ("pmid", "stage", "error", "message")} == {
        "pmid": PMID, "stage": "parse", "error": "ValueError",
        "message": "no PubmedArticle element"}
    save_record(db, worked_example(), RAW, "efetch")
    assert rows(db, "failures") == []


# --- errors ----------------------------------------------------------------------------------


def test_unknown_source_is_refused() -> None:
    db = Database(memory=True)
    ensure_db_shape(db)
    with pytest.raises(StoreError, match="^unknown source 'ftp': expected one of efetch, page, "
                                         "xml-file, html-file, baseline$"):
        save_record(db, worked_example(), RAW, "ftp")


def test_open_db_creates_a_file_that_opens_again(tmp_path: Path) -> None:
    path = tmp_path / "trials.db"
    db = open_db(path)
    save_record(db, worked_example(), RAW, "efetch")
    db.close()
    assert stored_pmids(open_db(path)) == {PMID}


def test_open_db_in_a_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "trials.db"
    with pytest.raises(StoreError, match=f"^cannot open database {re.escape(str(path))}: unable "
                                         "to open database file$"):
        open_db(path)


def test_open_db_on_a_directory(tmp_path: Path) -> None:
    expected = f"^cannot open database {re.escape(str(tmp_path))}: it is a directory$"
    with pytest.raises(StoreError, match=expected):
        open_db(tmp_path)


def test_open_db_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are notes, not SQLite" * 100)
    expected = f"^cannot open database {re.escape(str(path))}: file is not a database$"
    with pytest.raises(StoreError, match=expected):
        open_db(path)


# --- several connections (more in tests/test_concurrency.py) ---------------------------------


def test_open_db_puts_the_file_in_wal_mode_with_the_lock_timeout(tmp_path: Path) -> None:
    path = tmp_path / "trials.db"
    db = open_db(path)
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == DEFAULT_LOCK_TIMEOUT * 1000 == 30_000
    db.close()
    db = open_db(path, lock_timeout=2.5)
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
    db.close()


def test_opening_again_changes_nothing_in_the_schema(tmp_path: Path) -> None:
    """Every open shapes the database; once shaped, it writes nothing (no view is recreated),
    so other connections' prepared statements stay valid."""
    path = tmp_path / "trials.db"
    db = open_db(path)
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.close()
    db = open_db(path)
    ensure_db_shape(db)
    assert db.execute("PRAGMA schema_version").fetchone()[0] == version
    db.close()


def test_writes_take_the_write_lock_before_reading(tmp_path: Path) -> None:
    """Every save begins with BEGIN IMMEDIATE (not sqlite-utils' deferred BEGIN)."""
    db = open_db(tmp_path / "trials.db")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    save_raw(db, PMID, RAW, "efetch")
    save_record(db, worked_example(), RAW, "efetch")
    save_failure(db, "123", "fetch", StoreError("gone"))
    db.conn.set_trace_callback(None)
    begins = [s for s in statements if s.split()[0].upper() == "BEGIN"]
    assert begins == ["BEGIN IMMEDIATE"] * 3
    db.close()


def test_a_save_inside_an_open_transaction_is_part_of_it() -> None:
    db = saved_db()
    with pytest.raises(RuntimeError), db.atomic():
        save_failure(db, "123", "fetch", StoreError("gone"))
        assert [r["pmid"] for r in rows(db, "failures")] == ["123"]
        raise RuntimeError("roll back")
    assert rows(db, "failures") == []
