"""The Python API (extractor/api.py): the example of docs/python_api.md runs as written, and
the API's errors are the package's own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import extractor
from extractor.errors import ExtractorError, InvalidPMID

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "python_api.md"


def test_the_documented_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: extractor.extract_text("t", "a", pmid="abc"), InvalidPMID, "invalid PMID 'abc'"),
    (lambda: extractor.extract_pmids(["12", "x1"]), InvalidPMID, "invalid PMID 'x1'"),
    (lambda: extractor.trials("/nonexistent/trials.db"), ExtractorError,
     "no database at /nonexistent/trials.db"),
])
def test_errors_are_the_packages_own(call, error: type[Exception], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        extractor.nothing
