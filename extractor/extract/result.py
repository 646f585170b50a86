"""What every extractor returns: its findings and its doubts (values seen but not trusted)."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from extractor.models import Doubt

T = TypeVar("T")


class Extraction(NamedTuple, Generic[T]):
    """``findings``: the extractor's findings, in text order; ``doubts``: what it rejected or
    distrusts, for a reviewer to check (each names its field)."""

    findings: list[T]
    doubts: list[Doubt]
