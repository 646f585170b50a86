"""Turn PubMed abstracts into structured, checkable trial data."""

__version__ = "0.1.0"
