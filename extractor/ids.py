"""The one rule for what a PMID looks like: 1-9 digits, no leading zero; and how a list of
PMIDs is named in a message.

Every stage checks PMIDs with this: the CLI (arguments, ``--from-file``), the fetcher, both
parsers, the records (``models``) and ``extract evaluate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# "17638731"; not "0", "017638731", "abc", "-5" or ten digits.
PMID_PATTERN = r"[1-9][0-9]{0,8}"
_PMID = re.compile(PMID_PATTERN)


def is_pmid(text: str) -> bool:
    """True when ``text`` is exactly a PMID (no surrounding space)."""
    return _PMID.fullmatch(text) is not None


_PMIDS_SHOWN = 10


def describe_pmids(pmids: Iterable[str]) -> str:
    """'PMIDs 1, 2, 3' or, for long lists, 'PMIDs 1, ..., 10 and 190 more' (one line)."""
    ids = list(pmids)
    if len(ids) == 1:
        return f"PMID {ids[0]}"
    shown = ", ".join(ids[:_PMIDS_SHOWN])
    more = len(ids) - _PMIDS_SHOWN
    return f"PMIDs {shown}" + (f" and {more} more" if more > 0 else "")
