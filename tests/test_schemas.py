"""The JSON Schemas in schemas/ are those of the models (regenerate them when models change)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.models import Article, ArticleRecord
from extractor.schema_export import (
    MODELS,
    REGENERATE,
    SCHEMAS_DIR,
    export_schemas,
    main,
    schema_texts,
)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_schema_file_is_in_step_with_the_models(name: str) -> None:
    path = SCHEMAS_DIR / name
    on_disk = path.read_text(encoding="utf-8") if path.exists() else None
    assert on_disk == schema_texts()[name], (
        f"{path} is out of date with extractor/models.py; regenerate it with: {REGENERATE}"
    )


def test_schema_files_are_exactly_the_exported_ones() -> None:
    assert sorted(p.name for p in SCHEMAS_DIR.glob("*.schema.json")) == sorted(MODELS)


def test_export_writes_every_schema(tmp_path: Path) -> None:
    written = export_schemas(tmp_path / "out")
    assert [p.name for p in written] == ["article_record.schema.json", "article.schema.json"]
    assert {p.name: p.read_text(encoding="utf-8") for p in written} == schema_texts()


def test_main_writes_into_the_given_directory(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(MODELS)


def test_record_schema_describes_the_stored_columns() -> None:
    schema = json.loads(schema_texts()["article_record.schema.json"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "ArticleRecord"
    assert set(schema["properties"]) == set(ArticleRecord.model_fields)
    assert schema["required"] == ["pmid", "title", "article", "extractor_version"]
    p_value = schema["$defs"]["PValue"]["properties"]
    assert p_value["operator"]["enum"] == ["=", "<", ">", "<=", ">="]
    assert (p_value["value"]["minimum"], p_value["value"]["maximum"]) == (0, 1)


def test_article_schema_title_and_fields() -> None:
    schema = json.loads(schema_texts()["article.schema.json"])
    assert schema["title"] == "Article"
    assert set(schema["properties"]) == set(Article.model_fields)
    assert schema["properties"]["pmid"]["pattern"] == "^[1-9][0-9]{0,8}$"
