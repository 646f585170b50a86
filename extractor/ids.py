"""The one rule for what a PMID looks like: 1-9 digits, no leading zero.

Every stage checks PMIDs with this: the CLI (arguments, ``--from-file``), the fetcher, both
parsers, the records (``models``) and ``extract evaluate``.
"""

from __future__ import annotations

import re

# "17638731"; not "0", "017638731", "abc", "-5" or ten digits.
PMID_PATTERN = r"[1-9][0-9]{0,8}"
_PMID = re.compile(PMID_PATTERN)


def is_pmid(text: str) -> bool:
    """True when ``text`` is exactly a PMID (no surrounding space)."""
    return _PMID.fullmatch(text) is not None
