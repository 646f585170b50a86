"""Typed errors raised by library code. Only the CLI turns them into messages."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""


class FetchError(ExtractorError):
    """A request to NCBI failed for good (after retries)."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None,
                 pmids: list[str] | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.pmids = list(pmids or [])


class PMIDNotFound(ExtractorError):
    """NCBI answered, but holds no record for this PMID."""

    def __init__(self, pmid: str) -> None:
        super().__init__(f"PMID {pmid} not found")
        self.pmid = pmid


class ParseError(ExtractorError):
    """A response or file could not be read as a PubMed record."""


class InvalidPMID(ExtractorError):
    """A value given as a PMID is not one (not 1-9 digits, or zero)."""

    def __init__(self, value: str) -> None:
        super().__init__(f"invalid PMID {value!r}: expected a positive integer of at most 9 digits")
        self.value = value
