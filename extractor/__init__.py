"""Turn PubMed abstracts into structured, checkable trial data.

The Python API (``extractor.api``) is reachable from here, loaded on first use so that
``extract --help`` stays fast: ``extract_text``, ``extract_pmids``, ``trials``, ``arms``,
``results``, ``contrasts``.
"""

from typing import Any

__version__ = "0.1.0"

_API = ("extract_text", "extract_pmids", "trials", "arms", "results", "contrasts")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        from extractor import api

        return getattr(api, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
