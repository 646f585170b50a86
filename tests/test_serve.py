"""`extract serve` on a database whose file name is not a safe Datasette name: Datasette names
a database after its file stem and uses that name in links, titles, CSS classes and template
names, so the database is served under a safe name derived from the stem (the metadata keyed
by it), through a link to the real file: nothing is copied, and SQLite still finds the
database's -wal and -shm files beside the real file."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from test_browser import serving

from extractor import serve, store
from extractor.run import pipeline

ROOT = Path(__file__).resolve().parent.parent
WORKED_XML = ROOT / "fixtures" / "pubmed_xml" / "17638731.xml"
HOSTILE = 'x"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(("stem", "expected"), [
    ("extractions", "extractions"),
    ("trials", "trials"),
    ("my-trials_2024", "my-trials_2024"),
    ("_private", "_private"),
    ("my trials", "my_trials"),
    ("trials.v2", "trials_v2"),
    ("a  &  b", "a_b"),
    (HOSTILE, "x_img_src_x_onerror_alert_1"),
    ("<script>alert('x')</script>", "script_alert_x_script"),
    ("études cliniques", "etudes_cliniques"),
    ("../../etc/passwd", "etc_passwd"),
    ("试验", "extractions"),
    ("", "extractions"),
    ("-", "extractions"),   # would be Datasette's own /-/ pages
    ("<>", "extractions"),
])
def test_safe_database_name(stem: str, expected: str) -> None:
    assert serve.safe_database_name(stem) == expected


def test_database_name_of_a_path_is_the_safe_name_of_its_stem() -> None:
    assert serve.database_name(f"data/{HOSTILE}.db") == "x_img_src_x_onerror_alert_1"
    assert serve.database_name("data/trials.db") == "trials"


@pytest.fixture
def hostile_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database holding the worked example, in a file named ``HOSTILE + ".db"``; the
    temporary directory (metadata copies, links) is inside ``tmp_path``."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    path = tmp_path / f"{HOSTILE}.db"
    db = store.open_db(path)
    try:
        assert pipeline.run_files(db, [WORKED_XML], []).stored == ["17638731"]
    finally:
        db.close()
    return path


def test_datasette_is_given_a_link_with_the_safe_name_and_metadata_keyed_by_it(
        hostile_db: Path) -> None:
    args = serve.datasette_args(str(hostile_db))
    served = Path(args[args.index("serve") + 1])
    assert served.name == "x_img_src_x_onerror_alert_1.db"
    assert served.is_symlink() and served.resolve() == hostile_db.resolve()
    assert stat.S_IMODE(served.parent.stat().st_mode) == 0o700   # private to this user
    metadata = json.loads(Path(args[args.index("--metadata") + 1]).read_text(encoding="utf-8"))
    assert list(metadata["databases"]) == ["x_img_src_x_onerror_alert_1"]
    # a safe name is served from the file itself, as before
    assert serve.datasette_args("data/trials.db")[4] == "data/trials.db"


def get(url: str) -> tuple[int, str]:
    """The status and text of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_extract_serve_shows_a_hostile_file_name_under_its_safe_name(hostile_db: Path) -> None:
    """The real command; rows still in the -wal file (beside the real file) are served."""
    writer = sqlite3.connect(hostile_db, isolation_level=None)
    try:
        writer.execute("pragma wal_autocheckpoint = 0")
        writer.execute("create table wal_only (x integer)")
        writer.execute("insert into wal_only values (1), (2), (3)")
        assert Path(f"{hostile_db}-wal").stat().st_size > 0
        with serving(hostile_db) as base:
            databases = json.loads(get(f"{base}/-/databases.json")[1])
            index = get(f"{base}/")
            database = get(f"{base}/x_img_src_x_onerror_alert_1")
            wal_rows = json.loads(get(f"{base}/x_img_src_x_onerror_alert_1.json?"
                                      "sql=select+count(*)+as+n+from+wal_only&_shape=array")[1])
    finally:
        writer.close()
    assert [entry["name"] for entry in databases] == ["x_img_src_x_onerror_alert_1"]
    assert (index[0], database[0]) == (200, 200)
    for html in (index[1], database[1]):
        assert "<img" not in html
        # the descriptions of the metadata, keyed by the safe name, link to it
        assert 'href="x_img_src_x_onerror_alert_1/article_overview"' in html
    assert wal_rows == [{"n": 3}]
    assert not any(name.endswith(("-wal", "-shm")) for _, _, files in os.walk(hostile_db.parent / "tmp")
                   for name in files)
