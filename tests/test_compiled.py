"""The disk cache of compiled vocabularies (extractor/nlp/compiled.py)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from extractor.nlp import compiled as compiled_module
from extractor.nlp.compiled import cache_dir, cache_key, compiled


class Builds:
    """A build function that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXTRACT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_value_is_built_once_then_read(folder: Path) -> None:
    build = Builds({"aspirin": ("acetylsalicylic", "acid")})
    assert compiled("lexicon", build) == build.value
    assert compiled("lexicon", build) == build.value
    assert build.calls == 1
    assert [p.name for p in folder.iterdir()] == [f"lexicon-{cache_key()}.pickle"]


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(1)[:-1]])
def test_a_corrupt_file_is_rebuilt_and_replaced(folder: Path, content: bytes) -> None:
    folder.mkdir()
    (folder / f"lexicon-{cache_key()}.pickle").write_bytes(content)
    build = Builds([1, 2, 3])
    assert compiled("lexicon", build) == [1, 2, 3]
    assert build.calls == 1
    assert compiled("lexicon", Builds(None)) == [1, 2, 3]   # read back from the new file


def test_the_files_of_older_keys_are_removed(folder: Path) -> None:
    folder.mkdir()
    (folder / "lexicon-0123456789abcdef0123.pickle").write_bytes(pickle.dumps("old"))
    (folder / "records-0123456789abcdef0123.pickle").write_bytes(pickle.dumps("other name"))
    assert compiled("lexicon", Builds("new")) == "new"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"lexicon-{cache_key()}.pickle", "records-0123456789abcdef0123.pickle"]


def test_an_unwritable_folder_only_means_building_each_time(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("EXTRACT_CACHE_DIR", str(blocker / "cache"))
    build = Builds("value")
    assert compiled("lexicon", build) == "value"
    assert compiled("lexicon", build) == "value"
    assert build.calls == 2


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACT_CACHE_DIR", "")
    assert cache_dir() is None
    build = Builds("value")
    compiled("lexicon", build)
    compiled("lexicon", build)
    assert build.calls == 2


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACT_CACHE_DIR", raising=False)
    folder = cache_dir()
    assert folder is not None and "pubmed-trial-extractor" in folder.parts


def test_the_key_changes_with_a_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "package"
    (root / "data").mkdir(parents=True)
    (root / "module.py").write_text("x = 1\n")
    (root / "data" / "stop.txt").write_text("lead\n")
    monkeypatch.setattr(compiled_module, "PACKAGE_ROOT", root)
    keys = []
    for stop in ["lead\n", "lead\n", "lead\nwater\n"]:
        (root / "data" / "stop.txt").write_text(stop)
        cache_key.cache_clear()
        keys.append(cache_key())
    cache_key.cache_clear()
    assert keys[0] == keys[1] != keys[2]


def test_the_real_vocabularies_read_back_equal_to_the_built_ones(folder: Path) -> None:
    from extractor.nlp import vocabulary

    built = vocabulary._build_disease_lexicon()
    assert compiled("disease_lexicon", lambda: built) is built   # written
    read = compiled("disease_lexicon", Builds(None))              # read
    assert read is not built
    assert (read.entries, read.prefixes) == (built.entries, built.prefixes)
    assert os.path.getsize(folder / f"disease_lexicon-{cache_key()}.pickle") > 1_000_000


def test_the_taggers_lexicon_is_read_back_instead_of_built(folder: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.nlp import ner

    built = {kind: ner.names_of(keys) for kind, keys in ner.lexicon_token_sets().items()}
    ner.lexicon_names.cache_clear()
    assert ner.lexicon_names() == built                             # built and written
    ner.lexicon_names.cache_clear()                                 # as in a new process
    snapshot_reads = Builds(None)
    monkeypatch.setattr(ner, "lexicon_token_sets", snapshot_reads)
    assert ner.lexicon_names() == built                             # read back
    assert snapshot_reads.calls == 0
    assert [p.name for p in folder.iterdir()] == [f"ner_lexicon-{cache_key()}.pickle"]
