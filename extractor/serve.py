"""How ``extract serve`` starts Datasette on a database with this tool's metadata.

The metadata (``extractor/data/metadata.yml``: descriptions of every table, view and column,
facets, sort orders, stored queries) is keyed by database name, and Datasette names a
database after its file: ``extractions.db`` is ``extractions``, the name the shipped file uses.
For any other file name ``datasette_args`` writes a copy keyed by that name (JSON, in the
temporary directory) and passes that instead.

Datasette puts that name in URLs, page titles, CSS classes and template names, so a file
called ``x"><img src=x onerror=alert(1)>.db`` is served under a safe name
(``x_img_src_x_onerror_alert_1``, see ``safe_database_name``): Datasette is given a link of
that name to the file, in a private folder of the temporary directory (see ``served_path``).

Datasette opens the file read-only (``mode=ro``; immutable where the file cannot be written),
and ``extract serve`` changes nothing in it before (not even the journal mode): browsing while an
``extract`` run writes neither blocks the run nor shows half of a record (each query reads one
committed state; reload for newer records), and a database on read-only media is browsed as it
is.

The shipped file is the one source of the database's table and column descriptions; the
column names and types themselves are declared in ``store.TABLES`` and
``tests/test_metadata.py`` keeps the two in step.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
import tempfile
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_DATABASE = "extractions"
# Long cells (abstracts, raw XML, record JSON) are cut to this many characters in table and
# query pages; a row's own page shows them whole.
TRUNCATE_CELLS = 400
# What a database name may hold: ASCII letters, digits, "_" and "-".
SAFE_NAME_PART = re.compile(r"[A-Za-z0-9_-]+")

Json = dict[str, Any]


def metadata_path() -> Path:
    """The metadata file shipped in the package (table and column descriptions, queries)."""
    return Path(str(resources.files("extractor") / "data" / "metadata.yml"))


def load_metadata() -> Json:
    """The shipped metadata, parsed (keyed by ``DEFAULT_DATABASE``)."""
    from datasette.utils import parse_metadata

    parsed: Json = parse_metadata(metadata_path().read_text(encoding="utf-8"))
    return parsed


def safe_database_name(stem: str) -> str:
    """A database name of ASCII letters, digits, ``_`` and ``-`` only, from a file's stem.

    Datasette names a database after its file's stem and puts the name in URLs, titles, CSS
    classes and template names. Accents are dropped (``études`` -> ``etudes``), each run of
    other characters between safe ones becomes one ``_`` (``my trials`` -> ``my_trials``),
    those at either end are dropped, and a stem with no letter or digit left (``试验``; ``-``,
    which would be Datasette's own ``/-/`` pages) is ``extractions``.
    """
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = "_".join(SAFE_NAME_PART.findall(plain))
    return name if any(char.isalnum() for char in name) else DEFAULT_DATABASE


def database_name(db_path: str | Path) -> str:
    """The name the database at ``db_path`` is served under: the safe name of its file stem."""
    return safe_database_name(Path(db_path).stem)


def served_path(db_path: str | Path) -> str:
    """The file to give Datasette for ``db_path``, which names the database after its stem:
    ``db_path`` itself when its stem is a safe name, else a link called
    ``<database_name>.db`` to it, in a new folder of the temporary directory that only this
    user can enter.

    A link rather than a copy: the database may be large, and written by a run while it is
    browsed. SQLite resolves the link (unix, SQLite 3.10 and later), so it uses the -wal and
    -shm files beside the real file, where a run writes. The folder outlives this process
    (``extract serve`` hands it over to Datasette); it holds nothing but the link.
    """
    path = Path(db_path)
    name = database_name(path)
    if name == path.stem:
        return str(db_path)
    link = Path(tempfile.mkdtemp(prefix="extractor-serve-")) / f"{name}.db"
    link.symlink_to(path.resolve())
    return str(link)


def _relink(html: str, name: str) -> str:
    """``href="extractions/..."`` links pointed at the database called ``name`` instead."""
    from datasette.utils import tilde_encode

    return html.replace(f'href="{DEFAULT_DATABASE}/', f'href="{tilde_encode(name)}/')


def metadata_for(name: str, metadata: Json | None = None) -> Json:
    """``metadata`` (default: the shipped one) with its database entry keyed by ``name``, and
    the links of the home and database descriptions pointing there."""
    data = copy.deepcopy(load_metadata() if metadata is None else metadata)
    databases: Json = data.get("databases", {})
    if name == DEFAULT_DATABASE or DEFAULT_DATABASE not in databases:
        return data
    data["databases"] = {name if key == DEFAULT_DATABASE else key: value
                         for key, value in databases.items()}
    for holder in (data, data["databases"][name]):
        if "description_html" in holder:
            holder["description_html"] = _relink(holder["description_html"], name)
    return data


def write_metadata(db_path: str | Path, directory: Path | None = None) -> Path:
    """The metadata file to give Datasette for ``db_path``: the shipped file when the database
    is called ``extractions``, else a copy keyed by its name, written (atomically, same name
    for the same database name and content) into ``directory`` (default: a folder in the
    temporary directory)."""
    name = database_name(db_path)
    if name == DEFAULT_DATABASE:
        return metadata_path()
    text = json.dumps(metadata_for(name), indent=2, ensure_ascii=False) + "\n"
    folder = directory or Path(tempfile.gettempdir()) / "extractor-datasette"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(f"{name}\0{text}".encode()).hexdigest()[:16]
    target = folder / f"metadata-{digest}.json"
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    return target


def datasette_args(db_path: str, host: str = "127.0.0.1", port: int = 8001,
                   open_browser: bool = False, immutable: bool = False) -> list[str]:
    """The command line that runs Datasette from this interpreter's environment.

    Datasette reads the file read-only (``mode=ro``); with ``immutable`` (the file cannot be
    written: read-only media, a read-only copy) it opens it as immutable (``-i``), which SQLite
    can read without writing a -shm file. Writes the metadata copy first when the database is
    not called ``extractions`` (see ``write_metadata``), and links a file whose stem is not a
    safe name (see ``served_path``); either can raise ``OSError``.
    """
    served = served_path(db_path)
    args = [sys.executable, "-m", "datasette", "serve", *(["-i", served] if immutable else [served]),
            "--host", host, "--port", str(port)]
    if metadata_path().exists():
        args += ["--metadata", str(write_metadata(db_path))]
    args += ["--setting", "truncate_cells_html", str(TRUNCATE_CELLS)]
    if open_browser:
        args.append("--open")
    return args
