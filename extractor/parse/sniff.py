"""What kind of document a byte string is, from its first bytes: HTML or PubMed XML.

Used to name a wrong answer or a wrong file plainly ("an HTML page", "efetch XML") instead of
the parser's complaint about its first unexpected character.
"""

from __future__ import annotations

import re

# An HTML page: optional BOM, blanks and comments, then a doctype html or an <html> tag.
_HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
                         re.IGNORECASE | re.DOTALL)
_HTML_TITLE = re.compile(rb"<title[^>]*>([^<]{1,120})", re.IGNORECASE)
# PubMed XML: after an optional XML declaration and comments, a PubMed doctype or set root.
_PUBMED_XML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE\s+Pubmed|<Pubmed(?:Article|BookArticle)?Set[\s>])",
    re.DOTALL,
)
_SNIFFED = 4096      # bytes looked at for the start
_TITLE_SEARCHED = 65536


def html_title(data: bytes) -> str | None:
    """The title of ``data`` when it is an HTML page (at most 120 characters, blanks
    collapsed; ``""`` when it has none), else None."""
    if not _HTML_START.match(data[:_SNIFFED]):
        return None
    title = _HTML_TITLE.search(data[:_TITLE_SEARCHED])
    return " ".join(title.group(1).decode("utf-8", "replace").split()) if title else ""


def is_pubmed_xml(data: bytes) -> bool:
    """True when ``data`` starts as a PubMed article set (efetch or baseline XML)."""
    return bool(_PUBMED_XML_START.match(data[:_SNIFFED]))
