"""Write the JSON Schema of the records into ``schemas/``.

Regenerate after changing ``models.py``::

    python -m extractor.schema_export            # writes ./schemas/
    python -m extractor.schema_export OUT_DIR

``tests/test_schemas.py`` fails while the files on disk differ from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from extractor.models import Article, ArticleRecord

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
REGENERATE = "python -m extractor.schema_export"

# file name -> model. The schemas describe the JSON as printed (serialization mode).
MODELS: dict[str, type[BaseModel]] = {
    "article_record.schema.json": ArticleRecord,
    "article.schema.json": Article,
}


def schema_of(model: type[BaseModel]) -> dict[str, object]:
    """The JSON Schema of ``model`` as it is dumped, with the dialect named."""
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema(mode="serialization")}


def schema_texts() -> dict[str, str]:
    """File name -> the exact text ``export_schemas`` writes (stable key order, final newline)."""
    return {
        name: json.dumps(schema_of(model), indent=2, ensure_ascii=False) + "\n"
        for name, model in MODELS.items()
    }


def export_schemas(out_dir: Path = SCHEMAS_DIR) -> list[Path]:
    """Write one ``*.schema.json`` per model into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else SCHEMAS_DIR
    for path in export_schemas(out_dir):
        sys.stderr.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
