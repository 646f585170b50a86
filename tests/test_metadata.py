"""The Datasette metadata: a description for every table, view and column, and every table,
view and stored query answering as JSON and CSV through Datasette itself, on a database built
from the fixtures by the real pipeline (plus one hand-built record with one of each problem the
"possible_errors" query looks for)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from datasette.app import Datasette
from sqlite_utils import Database

from extractor import serve, store
from extractor.extract import build_record
from extractor.models import (
    Article,
    ArticleRecord,
    Doubt,
    PValue,
    ResponseCount,
    Section,
)
from extractor.run import pipeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = [
    *sorted((ROOT / "fixtures" / "pubmed_xml").glob("*.xml")),
    ROOT / "fixtures" / "constructed" / "records.xml",  # retracted records, a book, deleted PMIDs
]
DB_NAME = serve.DEFAULT_DATABASE
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
Row = dict[str, Any]


def shaped_db() -> Database:
    db = Database(memory=True)
    store.ensure_db_shape(db)
    return db


def shaped_names() -> list[str]:
    """Every table and view ``ensure_db_shape`` creates (FTS shadow tables included)."""
    db = shaped_db()
    return sorted(name for name in [*db.table_names(), *db.view_names()]
                  if not name.startswith("sqlite_"))


def columns_of(db: Database, name: str) -> list[str]:
    """Columns as Datasette shows them: hidden ones included (FTS5's ``articles_fts``, ``rank``)."""
    return [row[1] for row in db.execute(f'PRAGMA table_xinfo("{name}")')]


METADATA = serve.load_metadata()
TABLES_META: dict[str, Any] = METADATA["databases"][DB_NAME]["tables"]
QUERIES: dict[str, Any] = METADATA["databases"][DB_NAME]["queries"]


# --- the file ---------------------------------------------------------------------------------


def test_site_metadata_names_source_and_licence() -> None:
    assert METADATA["title"] == "PubMed trial extractions"
    assert METADATA["source"] == "PubMed / NLM"
    assert METADATA["source_url"] == "https://pubmed.ncbi.nlm.nih.gov/"
    assert METADATA["license_url"] == (
        "https://www.nlm.nih.gov/databases/download/terms_and_conditions.html"
    )
    assert "publishers" in METADATA["license"]
    assert METADATA["description"].strip()
    assert list(METADATA["databases"]) == [DB_NAME]


@pytest.mark.parametrize("name", shaped_names())
def test_every_table_and_view_has_a_description(name: str) -> None:
    assert name in TABLES_META, f"metadata.yml has no entry for table or view {name!r}"
    assert TABLES_META[name].get("description", "").strip(), f"{name} has no description"


@pytest.mark.parametrize("name", shaped_names())
def test_every_column_has_a_description(name: str) -> None:
    described = TABLES_META.get(name, {}).get("columns", {})
    actual = columns_of(shaped_db(), name)
    missing = [column for column in actual if not str(described.get(column) or "").strip()]
    assert missing == [], f"columns of {name} without a description in metadata.yml: {missing}"
    stale = sorted(set(described) - set(actual))
    assert stale == [], f"metadata.yml describes columns {name} does not have: {stale}"


def test_metadata_describes_no_table_the_store_lacks() -> None:
    assert sorted(set(TABLES_META) - set(shaped_names())) == []


def test_a_new_undescribed_column_is_caught() -> None:
    db = shaped_db()
    db.table("p_values").add_column("confidence", float)
    described = TABLES_META["p_values"]["columns"]
    assert [c for c in columns_of(db, "p_values") if c not in described] == ["confidence"]


def test_the_stored_queries() -> None:
    assert sorted(QUERIES) == [
        "numbers_that_disagree",
        "p_values_for_drug",
        "possible_errors",
        "response_rates_by_drug",
        "retracted_articles",
        "trials_of_condition",
    ]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_has_a_title_description_and_sql(name: str) -> None:
    query = QUERIES[name]
    assert query["title"].strip() and query["description"].strip() and query["sql"].strip()


# --- metadata for another database name ---------------------------------------------------------


def test_metadata_for_renames_the_database_entry_and_its_links() -> None:
    renamed = serve.metadata_for("my trials")
    assert list(renamed["databases"]) == ["my trials"]
    entry = renamed["databases"]["my trials"]
    assert entry["tables"] == TABLES_META and entry["queries"] == QUERIES
    assert 'href="my+trials/article_overview"' in entry["description_html"]
    assert 'href="my+trials/p_values_for_drug"' in renamed["description_html"]
    assert 'href="extractions/' not in json.dumps(renamed)
    assert serve.metadata_for(DB_NAME) == METADATA


def test_home_page_links_to_the_overview_and_every_query() -> None:
    links = re.findall(r'href="extractions/(\w+)"', METADATA["description_html"])
    assert links == ["article_overview", *QUERIES]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_page_shows_the_source_and_licence(name: str) -> None:
    keys = ("source", "source_url", "license", "license_url")
    assert {key: QUERIES[name].get(key) for key in keys} == {key: METADATA[key] for key in keys}


def test_datasette_args_use_the_package_file_for_extractions_db() -> None:
    args = serve.datasette_args("extractions.db", port=8123)
    assert args[1:6] == ["-m", "datasette", "serve", "extractions.db", "--host"]
    assert args[args.index("--metadata") + 1] == str(serve.metadata_path())
    assert args[args.index("--port") + 1] == "8123"
    assert "--open" not in args
    assert serve.datasette_args("extractions.db", open_browser=True)[-1] == "--open"


def test_write_metadata_keys_a_copy_by_the_database_name(tmp_path: Path) -> None:
    path = serve.write_metadata("data/trials.db", directory=tmp_path)
    assert path.parent == tmp_path
    assert json.loads(path.read_text(encoding="utf-8")) == serve.metadata_for("trials")
    assert serve.write_metadata("elsewhere/trials.db", directory=tmp_path) == path
    assert serve.write_metadata("extractions.db", directory=tmp_path) == serve.metadata_path()


# --- a record built by hand with one of each problem "possible_errors" looks for ------------------

DOUBTFUL_TEXT = (
    "Response in 12 of 20 (80%) patients (P > 0.01); relapse P < 0.5; death P = 0.000; "
    "weight P = 0.04; the rest NS."
)


def _span(text: str, part: str) -> dict[str, Any]:
    start = text.index(part)
    return {"text": part, "start": start, "end": start + len(part), "section": "Results",
            "section_index": 1}


def doubtful_record() -> ArticleRecord:
    t = DOUBTFUL_TEXT
    article = Article(pmid="999000100", title="A constructed randomized trial", year=2020,
                      sections=[Section(label="Results", category="RESULTS", text=t)],
                      publication_types=["Randomized Controlled Trial"])
    return ArticleRecord(
        pmid=article.pmid, title=article.title, article=article, extractor_version="test",
        response_counts=[ResponseCount(responders=12, total=20, percent=80, sentence=t,
                                       **_span(t, "12 of 20 (80%)"))],
        p_values=[
            PValue(operator=">", value=0.01, sentence=t, **_span(t, "P > 0.01")),
            PValue(operator="<", value=0.5, sentence=t, **_span(t, "P < 0.5")),
            PValue(operator="=", value=0.0, sentence=t, **_span(t, "P = 0.000")),
            PValue(operator="=", value=0.04, sentence=t, **_span(t, "P = 0.04")),  # fine
        ],
        doubts=[Doubt(field="p_values", code="p_not_significant",
                      reason="P value given as not significant, no number", **_span(t, "NS"))],
    )


# A constructed abstract whose P value its interval contradicts (for numbers_that_disagree).
CONTRADICTED = ("Mortality was lower with drug A than with placebo (hazard ratio 0.95; 95% CI, "
                "0.80 to 1.13; P = .001).")


def contradicted_record() -> ArticleRecord:
    article = Article(pmid="999000101", title="A constructed trial whose P value is wrong",
                      year=2021, sections=[Section(label="Results", category="RESULTS",
                                                   text=CONTRADICTED)])
    return build_record(article)


# --- through Datasette, on a database built from the fixtures ----------------------------------


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("metadata") / f"{DB_NAME}.db"
    db = store.open_db(path)
    result = pipeline.run_files(db, FIXTURE_FILES, [])
    assert result.failed == []
    assert {"17638731", "999000002", "999000004"} <= set(result.stored)
    store.save_record(db, doubtful_record(), raw=None, source="xml-file")
    store.save_record(db, contradicted_record(), raw=None, source="xml-file")
    db.close()
    yield path


def fetch(db_path: Path, paths: list[str]) -> list[httpx.Response]:
    """GET each path from a Datasette on ``db_path`` with the shipped metadata."""

    async def run() -> list[httpx.Response]:
        ds = Datasette([str(db_path)], metadata=serve.metadata_for(db_path.stem))
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(run())


def fetch_one(db_path: Path, path: str) -> httpx.Response:
    [response] = fetch(db_path, [path])
    assert response.status_code == 200, (path, response.text[:500])
    return response


def query_rows(db_path: Path, name: str, **params: str) -> list[Row]:
    query = urlencode({"_shape": "array", **params})
    rows: list[Row] = fetch_one(db_path, f"/{db_path.stem}/{name}.json?{query}").json()
    return rows


def records(db_path: Path) -> list[dict[str, Any]]:
    db = Database(db_path)
    try:
        return [store.load_record(db, pmid) or {} for pmid in sorted(store.stored_pmids(db))]
    finally:
        db.close()


@pytest.mark.parametrize("name", shaped_names())
def test_every_table_and_view_exports_json_and_csv(fixture_db: Path, name: str) -> None:
    db = Database(fixture_db)
    count = db.execute(f'select count(*) from "{name}"').fetchone()[0]
    columns = columns_of(db, name)
    db.close()
    base = f"/{DB_NAME}/{name}"
    as_json = fetch_one(fixture_db, f"{base}.json?_shape=objects&_size=max").json()
    assert as_json["filtered_table_rows_count"] == count
    assert len(as_json["rows"]) == min(count, 1000)
    assert [c for c in as_json["columns"] if c != "rowid"] == [c for c in columns if c != "rowid"]
    # "CSV (advanced)": the whole table, streamed
    as_csv = list(csv.reader(io.StringIO(fetch_one(fixture_db, f"{base}.csv?_stream=on").text)))
    assert [c for c in as_csv[0] if c != "rowid"] == [c for c in columns if c != "rowid"]
    assert len(as_csv) - 1 == count


def test_the_tables_that_matter_have_rows(fixture_db: Path) -> None:
    db = Database(fixture_db)
    counts = {name: db.table(name).count for name in
              ("articles", "p_values", "sample_sizes", "response_counts", "article_drugs")}
    db.close()
    assert all(count > 0 for count in counts.values()), counts


QUERY_PARAMS: dict[str, dict[str, str]] = {
    "p_values_for_drug": {"drug": "efalizumab"},
    "response_rates_by_drug": {"drug": "efalizumab"},
    "trials_of_condition": {"condition": "lupus erythematosus, discoid"},
    "possible_errors": {},
    "retracted_articles": {},
    "numbers_that_disagree": {},
}


def test_numbers_that_disagree_shows_the_decision_error_with_its_sentence(fixture_db: Path) -> None:
    rows = query_rows(fixture_db, "numbers_that_disagree")
    assert [(r["pmid"], r["kind"], r["verdict"], r["evidence"], r["sentence"]) for r in rows] == [
        ("999000101", "p_vs_interval", "decision_error", "hazard ratio 0.95; 95% CI, 0.80 to 1.13",
         CONTRADICTED)]


def test_every_query_is_exercised() -> None:
    assert sorted(QUERY_PARAMS) == sorted(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
def test_every_query_exports_json_and_csv_with_pubmed_links(fixture_db: Path, name: str) -> None:
    params = urlencode(QUERY_PARAMS[name])
    as_json = fetch_one(fixture_db, f"/{DB_NAME}/{name}.json?_shape=objects&{params}").json()
    as_csv = list(csv.reader(io.StringIO(
        fetch_one(fixture_db, f"/{DB_NAME}/{name}.csv?{params}").text)))
    assert as_csv[0] == as_json["columns"]
    assert len(as_csv) - 1 == len(as_json["rows"])
    assert len(as_json["rows"]) > 0
    columns = as_json["columns"]
    assert columns.index("pubmed_url") == columns.index("pmid") + 1
    assert [row["pubmed_url"] for row in as_json["rows"]] == [
        f"{PUBMED}{row['pmid']}/" for row in as_json["rows"]]


def test_p_values_for_a_drug_show_operator_value_evidence_and_sentence(fixture_db: Path) -> None:
    [row] = query_rows(fixture_db, "p_values_for_drug", drug="efalizumab")
    assert {k: row[k] for k in ("pmid", "pubmed_url", "drug", "operator", "value", "evidence",
                                "significant", "section")} == {
        "pmid": "17638731",
        "pubmed_url": "https://pubmed.ncbi.nlm.nih.gov/17638731/",
        "drug": "Efalizumab",
        "operator": "=",
        "value": 0.002,
        "evidence": "P = .002",
        "significant": 1,
        "section": "Observations",
    }
    assert "after therapy with efalizumab (P = .002)." in row["sentence"]


@pytest.mark.parametrize("drug, pmids", [
    ("EfaLIZUmab", ["17638731"]),  # case does not matter
    (" efalizumab ", ["17638731"]),  # nor surrounding spaces
    ("efaliz%", ["17638731"]),  # % is a wildcard
    ("efaliz", []),  # otherwise the whole name
    ("", []),  # an empty form shows nothing rather than everything
])
def test_p_values_for_a_drug_match_names(fixture_db: Path, drug: str, pmids: list[str]) -> None:
    rows = query_rows(fixture_db, "p_values_for_drug", drug=drug)
    assert sorted({row["pmid"] for row in rows}) == pmids


def test_p_values_for_a_drug_are_those_of_every_article_naming_it(fixture_db: Path) -> None:
    """Against the stored records: every P value of every article naming the drug, once."""
    stored = records(fixture_db)
    names = sorted({d["name"] for r in stored for d in r["drugs"]})
    name = max(names, key=lambda n: sum(
        len(r["p_values"]) for r in stored if n in {d["name"] for d in r["drugs"]}))
    expected = sorted((r["pmid"], p["operator"], p["value"], p["text"], p["sentence"])
                      for r in stored if name in {d["name"] for d in r["drugs"]}
                      for p in r["p_values"])
    rows = query_rows(fixture_db, "p_values_for_drug", drug=name)
    assert len(expected) > 0
    assert sorted((row["pmid"], row["operator"], row["value"], row["evidence"], row["sentence"])
                  for row in rows) == expected


def test_response_rates_by_drug(fixture_db: Path) -> None:
    rows = query_rows(fixture_db, "response_rates_by_drug", drug="efalizumab")
    first = rows[0]
    assert {k: first[k] for k in ("drug", "pmid", "pubmed_url", "responders", "total", "percent",
                                  "percent_printed", "evidence")} == {
        "drug": "Efalizumab",
        "pmid": "17638731",
        "pubmed_url": "https://pubmed.ncbi.nlm.nih.gov/17638731/",
        "responders": 12,
        "total": 13,
        "percent": 92.3,  # not printed: 12 / 13 x 100, rounded to 0.1
        "percent_printed": 0,
        "evidence": "12 of 13",
    }
    assert first["sentence"].endswith("excellent in 12 of 13 patients.")
    assert {row["pmid"] for row in rows} == {"17638731"}


def test_response_rates_of_every_drug_cover_every_response_count(fixture_db: Path) -> None:
    rows = query_rows(fixture_db, "response_rates_by_drug", drug="")
    stored = records(fixture_db)
    counted = {(r["pmid"], c["text"], c["start"]) for r in stored for c in r["response_counts"]}
    assert len(counted) > 0
    assert {(row["pmid"], row["evidence"]) for row in rows} == {(p, t) for p, t, _ in counted}
    # no percent only when neither a percent nor the group size was printed
    assert all(0 <= row["percent"] <= 100 for row in rows if row["total"] is not None)
    assert all(row["percent"] is None for row in rows if row["total"] is None and not row["percent_printed"])


def test_trials_of_a_condition_with_their_sample_size(fixture_db: Path) -> None:
    [row] = query_rows(fixture_db, "trials_of_condition", condition="LUPUS ERYTHEMATOSUS, DISCOID")
    assert {k: row[k] for k in ("pmid", "pubmed_url", "condition", "year", "sample_size",
                                "sample_size_role", "sample_size_evidence", "studied_drugs",
                                "trial")} == {
        "pmid": "17638731",
        "pubmed_url": "https://pubmed.ncbi.nlm.nih.gov/17638731/",
        "condition": "Lupus Erythematosus, Discoid",
        "year": 2007,
        "sample_size": 13,
        "sample_size_role": "total",
        "sample_size_evidence": "Thirteen",
        "studied_drugs": "Efalizumab",
        "trial": 0,  # a case series: listed, after the trials
    }
    assert row["sample_size_sentence"].startswith("Thirteen patients received efalizumab")


def test_trials_of_a_condition_list_trials_first(fixture_db: Path) -> None:
    rows = query_rows(fixture_db, "trials_of_condition", condition="%")
    assert len(rows) > 1
    flags = [row["trial"] for row in rows]
    assert flags == sorted(flags, reverse=True)
    assert 1 in flags and 0 in flags


def test_retracted_articles(fixture_db: Path) -> None:
    rows = query_rows(fixture_db, "retracted_articles")
    expected = sorted(r["pmid"] for r in records(fixture_db) if r["article"]["retracted"])
    assert sorted(row["pmid"] for row in rows) == expected == ["999000002", "999000004"]
    by_pmid = {row["pmid"]: row for row in rows}
    assert by_pmid["999000002"]["title"] == "A constructed retracted trial."
    assert by_pmid["999000002"]["p_values"] == 1


def test_possible_errors_on_the_fixtures_agree_with_the_records(fixture_db: Path) -> None:
    rows = query_rows(fixture_db, "possible_errors")
    stored = records(fixture_db)
    doubts = sorted((r["pmid"], d["reason"]) for r in stored for d in r["doubts"])
    rcts = sorted(r["pmid"] for r in stored if r["sample_size"] is None
                  and "Randomized Controlled Trial" in r["article"]["publication_types"])
    assert sorted((row["pmid"], row["reason"]) for row in rows if row["problem"] == "doubt") == doubts
    assert sorted(row["pmid"] for row in rows
                  if row["problem"] == "RCT without sample size") == rcts


def test_possible_errors_lists_each_rule(tmp_path: Path) -> None:
    path = tmp_path / "trials.db"  # served as "trials", with metadata_for("trials")
    db = store.open_db(path)
    store.save_record(db, doubtful_record(), raw=None, source="xml-file")
    db.close()
    rows = query_rows(path, "possible_errors")
    assert [(row["problem"], row["field"], row["reason"], row["evidence"]) for row in rows] == [
        ("RCT without sample size", "sample_size",
         "publication type Randomized Controlled Trial, but no sample size was found", None),
        ("doubt", "p_values", "P value given as not significant, no number", "NS"),
        ("odd P value", "p_values", "an upper bound above 0.1 (a misread 0.05?)", "P < 0.5"),
        ("odd P value", "p_values", "a P value of 0 is impossible (often a rounded P < 0.001)",
         "P = 0.000"),
        ("odd P value", "p_values",
         "a lower bound below 0.05 says nothing about significance (a misread operator?)",
         "P > 0.01"),
        ("percent disagrees", "response_counts", "printed 80.0% but 12/20 is 60.0%",
         "12 of 20 (80%)"),
    ]
    assert {row["pubmed_url"] for row in rows} == {"https://pubmed.ncbi.nlm.nih.gov/999000100/"}


# --- what the pages offer: search, facets, labels, sort -----------------------------------------


def test_articles_search_title_and_abstract(fixture_db: Path) -> None:
    by_title = fetch_one(fixture_db, f"/{DB_NAME}/articles.json?_search=efalizumab&_shape=objects")
    assert [row["pmid"] for row in by_title.json()["rows"]] == ["17638731"]
    # "CD11a" is only in the abstract
    by_abstract = fetch_one(fixture_db, f"/{DB_NAME}/article_overview.json?_search=CD11a&_shape=objects")
    assert [row["pmid"] for row in by_abstract.json()["rows"]] == ["17638731"]


def test_overview_facets_lead_with_studied_drugs_and_population_conditions(fixture_db: Path) -> None:
    data = fetch_one(fixture_db, f"/{DB_NAME}/article_overview.json?_search=lupus").json()
    facets = data["facet_results"]
    assert TABLES_META["article_overview"]["facets"][:2] == [
        {"array": "studied_drugs"}, {"array": "population_conditions"}]
    assert {"studied_drugs", "population_conditions", "publication_types", "year", "significant",
            "retracted"} <= set(facets)
    # the worked example studies efalizumab; thalidomide, methotrexate, cyclosporin are background
    assert {r["value"]: r["count"] for r in facets["studied_drugs"]["results"]} == {"Efalizumab": 1}
    assert facets["studied_drugs"]["type"] == "array"
    assert {r["value"] for r in facets["population_conditions"]["results"]} == {
        "Lupus Erythematosus, Discoid"}
    assert {r["value"] for r in facets["publication_types"]["results"]} == {"Case Reports"}


def test_articles_newest_first_with_facets(fixture_db: Path) -> None:
    data = fetch_one(fixture_db, f"/{DB_NAME}/articles.json?_shape=objects&_size=max").json()
    years = [row["year"] for row in data["rows"] if row["year"] is not None]
    assert len(years) > 1 and years == sorted(years, reverse=True)
    assert {"publication_types", "year", "retracted"} <= set(data["facet_results"])
    overview = fetch_one(fixture_db, f"/{DB_NAME}/article_overview.json?_shape=objects&_size=max")
    overview_years = [row["year"] for row in overview.json()["rows"] if row["year"] is not None]
    assert overview_years == sorted(overview_years, reverse=True)


def test_foreign_keys_show_drug_and_condition_names(fixture_db: Path) -> None:
    drugs = fetch_one(fixture_db, f"/{DB_NAME}/article_drugs.json?pmid=17638731&_labels=on"
                                  "&_shape=objects").json()["rows"]
    assert {row["drug_id"]["label"] for row in drugs} >= {"Efalizumab", "Thalidomide"}
    conditions = fetch_one(fixture_db, f"/{DB_NAME}/article_conditions.json?pmid=17638731"
                                       "&_labels=on&_shape=objects").json()["rows"]
    assert "Lupus Erythematosus, Discoid" in {row["condition_id"]["label"] for row in conditions}
    assert {row["pmid"]["label"] for row in conditions} == {
        "Efalizumab in the treatment of discoid lupus erythematosus"}


def test_significant_facet_on_p_values(fixture_db: Path) -> None:
    data = fetch_one(fixture_db, f"/{DB_NAME}/p_values.json?significant=1&_shape=objects&_size=max")
    rows = data.json()["rows"]
    assert len(rows) > 0 and all(row["value"] < 0.05 or (row["operator"], row["value"]) == ("<", 0.05)
                                 for row in rows)
    assert "significant" in data.json()["facet_results"]
