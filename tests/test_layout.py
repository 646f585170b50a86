"""The package's rooms keep to their jobs (README, "Where a change belongs").

Read from the code's own imports and assignments (``ast``), so a change that breaks a rule
fails here with the file and line:

- each room imports only the rooms below it (no cycle, no upward import);
- only ``store/`` talks to SQLite, only ``cli.py`` prints;
- a regular expression that one extractor uses to judge a value's context is private to it;
  what finds values in print is in ``extract/patterns/``, which imports no extractor;
- no module imports another module's private name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"
# The shared vocabulary every room may use: names, errors, the PMID rule, defaults, records.
BASE = {"__init__", "kinds", "errors", "ids", "defaults", "models"}
# Room -> the rooms it may import (besides itself and BASE), lowest rooms first.
ALLOWED: dict[str, set[str]] = {
    "kinds": set(), "errors": set(), "ids": set(), "defaults": set(), "__init__": {"api"},
    "models": set(),
    "parse": set(),
    "store": set(),
    "ncbi": {"parse"},
    "nlp": {"parse"},
    "extract": {"nlp"},
    "run": {"ncbi", "parse", "extract", "store"},
    "evaluate": {"extract", "nlp", "parse"},
    "export": set(),
    "api": {"extract", "parse", "ncbi", "run", "store", "export"},
    "summary": set(), "serve": set(), "schema_export": set(),
    "cli": {"ncbi", "run", "store", "evaluate", "serve", "summary", "export"},
}


def modules() -> Iterator[tuple[Path, str, ast.Module]]:
    """(file, room, syntax tree) of every module of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield path, parts[0], ast.parse(path.read_text(encoding="utf-8"))


def imported(tree: ast.Module) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in ``tree`` (names empty for ``import x``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def rooms_imported(module: str, names: list[str]) -> set[str]:
    """The rooms of the package an import reaches: ``extractor.store.schema`` -> store;
    ``from extractor import store, defaults`` -> store, defaults."""
    parts = module.split(".")
    if parts[0] != "extractor":
        return set()
    if len(parts) > 1:
        return {parts[1]}
    return {"__init__" if name.startswith("__") else name for name in names}


def test_every_room_is_known() -> None:
    assert {room for _, room, _ in modules()} <= set(ALLOWED)


def test_each_room_imports_only_rooms_below_it() -> None:
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
             for path, room, tree in modules()
             for line, module, names in imported(tree)
             for target in rooms_imported(module, names)
             if target not in ALLOWED[room] | BASE | {room}]
    assert wrong == []


@pytest.mark.parametrize(("what", "modules_named", "allowed_rooms"), [
    ("SQLite", ("sqlite3", "sqlite_utils"), ("store",)),
    ("the terminal", ("click", "tqdm"), ("cli", "summary")),   # summary: the terminal's text
])
def test_one_room_talks_to(what: str, modules_named: tuple[str, ...],
                           allowed_rooms: tuple[str, ...]) -> None:
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
             for path, room, tree in modules() if room not in allowed_rooms
             for line, module, _ in imported(tree) if module.split(".")[0] in modules_named]
    assert wrong == [], f"only {', '.join(allowed_rooms)} talk to {what}"


def test_only_the_cli_prints() -> None:
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
             for path, room, tree in modules() if room not in ("cli", "schema_export")
             for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id == "print"]
    assert wrong == []


def _compiled_patterns(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, name) of each module-level name bound to a compiled pattern."""
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in ("compile", "words_regex"):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    yield node.lineno, target.id


def test_an_extractors_own_patterns_are_private_to_it() -> None:
    """A public pattern in an extractor would be one for others to use: it belongs in
    extract/patterns/."""
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line} {name}"
             for path, room, tree in modules()
             if room == "extract" and path.parent.name == "extract"
             for line, name in _compiled_patterns(tree) if not name.startswith("_")]
    assert wrong == []


def test_the_patterns_import_no_extractor() -> None:
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
             for path, _, tree in modules() if path.parent.name == "patterns"
             for line, module, _ in imported(tree)
             if module.startswith("extractor.") and not module.startswith("extractor.extract.patterns")]
    assert wrong == []


def test_no_module_imports_a_private_name() -> None:
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} from {module}"
             for path, _, tree in modules()
             for line, module, names in imported(tree) if module.startswith("extractor")
             for name in names if name.startswith("_") and not name.startswith("__")]
    assert wrong == []
