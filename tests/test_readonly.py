"""`extract serve` and `extract checks` read a database and change nothing in it, not even its
journal mode, and read one that cannot be written (read-only media, a read-only copy)."""

from __future__ import annotations

import sqlite3
import urllib.request
from pathlib import Path

import pytest
from conftest import run_cli
from test_browser import serving

from extractor.store import schema

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml" / "17638731.xml"


def database_in_delete_mode(path: Path) -> Path:
    """A database of the worked example, in the rollback-journal mode (not WAL), checkpointed:
    a file whose every byte a reader must leave alone."""
    assert run_cli(["--xml", str(FIXTURE), "--db", str(path), "--quiet"]).exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode = delete")
    conn.close()
    return path


def test_checks_change_nothing_in_the_database(tmp_path: Path) -> None:
    path = database_in_delete_mode(tmp_path / "t.db")
    before = path.read_bytes()
    result = run_cli(["checks", "--db", str(path)])
    assert result.exit_code == 0
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db"]


def test_checks_read_a_database_that_cannot_be_written(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """As on read-only media: opened immutable, a WAL database is read with no -shm beside it."""
    path = tmp_path / "wal.db"
    assert run_cli(["--xml", str(FIXTURE), "--db", str(path), "--quiet"]).exit_code == 0
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists()   # closed: checkpointed
    monkeypatch.setattr(schema, "is_writable", lambda _: False)
    before = path.read_bytes()
    result = run_cli(["checks", "--db", str(path), "--json"])
    assert result.exit_code == 0
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.db"]


@pytest.mark.slow
def test_serve_changes_nothing_in_the_database(tmp_path: Path) -> None:
    path = database_in_delete_mode(tmp_path / "extractions.db")
    before = path.read_bytes()
    with serving(path) as base, urllib.request.urlopen(f"{base}/extractions/articles.json", timeout=30) as answer:
        assert answer.status == 200
    assert path.read_bytes() == before
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    assert conn.execute("pragma journal_mode").fetchone() == ("delete",)
    conn.close()
