"""PubMed searches: from a query to the PMIDs it finds, within PubMed's 9,999-id window.

    plan = plan_search(client, "efalizumab[tiab] AND lupus", max_records=500)
    plan.count, plan.slices            # counts only (rettype=count): what --dry-run prints
    found = find_pmids(client, plan)   # the PMIDs, newest first, at most max_records

PubMed serves at most 9,999 ids of one search (``fetch.PUBMED_WINDOW``). A larger search is
split by PMID range, as NCBI's EDirect does: ``(query) AND lo:hi[uid]``, halving the range
until each part counts at most 9,999, the upper (newer) half first. Each part is then read
from NCBI's history server: one esearch with ``usehistory=y`` keeps the part's whole hit list,
and its ids are read in pages of that one kept set (``#K`` with its WebEnv), so the pages
never mix two states of PubMed. ``--max`` stops as soon as enough PMIDs are found: a search
capped at 9,999 or fewer is never split, as its first page is already its newest records.

No printing and no storing here: the caller reports and stores (``pipeline.run_search``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extractor.errors import ExtractorError
from extractor.ncbi import fetch
from extractor.ncbi.fetch import PubMedClient

# PMIDs read per esearch request; None: the whole window (one request per part).
PAGE_SIZE: int | None = None
# The highest PMID there can be (PMIDs have at most 9 digits, see ids.py): where splits start.
MAX_PMID = 999_999_999


def window() -> int:
    """PubMed's ids per search; read at call time so a test can make it small."""
    return fetch.PUBMED_WINDOW


@dataclass(frozen=True)
class Slice:
    """A part of a search: the PMIDs ``lo``..``hi`` of its hits (the whole search when not
    split), and how many hits NCBI counted in it."""

    count: int
    lo: int | None = None
    hi: int | None = None

    def term(self, query: str) -> str:
        """The query sent for this part: ``(query) AND lo:hi[uid]``."""
        if self.lo is None or self.hi is None:
            return query
        return f"({query}) AND {self.lo}:{self.hi}[uid]"

    @property
    def uid_range(self) -> str | None:
        return None if self.lo is None else f"{self.lo}:{self.hi}"


@dataclass(frozen=True)
class SearchPlan:
    """What a search will read: NCBI's count and the parts that each fit PubMed's window."""

    query: str
    count: int
    slices: tuple[Slice, ...]
    max_records: int | None = None

    @property
    def wanted(self) -> int:
        """How many PMIDs the search will list: the count, or ``max_records`` when fewer."""
        return self.count if self.max_records is None else min(self.count, self.max_records)

    @property
    def capped(self) -> bool:
        """True when ``max_records`` leaves hits out."""
        return self.max_records is not None and self.count > self.max_records

    @property
    def split(self) -> bool:
        return any(part.lo is not None for part in self.slices)


@dataclass(frozen=True)
class SearchResult:
    """A search as run: its plan and the PMIDs found (newest first, each once)."""

    plan: SearchPlan
    pmids: tuple[str, ...]


class SearchError(ExtractorError):
    """A search could not be read whole (PubMed changed under it beyond repair)."""


CountFunction = Callable[[str], int]


def _halves(query: str, part: Slice, count_of: CountFunction) -> list[Slice]:
    """The two halves of a part's PMID range with their counts, upper (newer) half last."""
    lo, hi = part.lo or 1, part.hi or MAX_PMID
    mid = (lo + hi) // 2
    lower, upper = Slice(0, lo, mid), Slice(0, mid + 1, hi)
    return [Slice(count_of(half.term(query)), half.lo, half.hi) for half in (lower, upper)]


def split_slices(query: str, whole: Slice, wanted: int, count_of: CountFunction) -> list[Slice]:
    """Parts of ``whole`` that each count at most PubMed's window, newest first, until
    ``wanted`` hits are covered (EDirect's ``[UID]`` halving). Empty parts are left out."""
    parts: list[Slice] = []
    stack = [whole]
    covered = 0
    while stack and covered < wanted:
        part = stack.pop()
        if part.count == 0:
            continue
        if part.count <= window() or part.lo == part.hi:
            parts.append(part)
            covered += part.count
            continue
        stack.extend(_halves(query, part, count_of))
    return parts


def plan_search(client: PubMedClient, query: str, max_records: int | None = None) -> SearchPlan:
    """Count the hits of ``query`` and, when more than PubMed's window are wanted, split the
    search by PMID range (count requests only; nothing is kept at NCBI)."""
    count = client.esearch_count(query)
    plan = SearchPlan(query, count, (Slice(count),), max_records)
    if plan.wanted <= window():
        return plan if count else SearchPlan(query, 0, (), max_records)
    whole = Slice(count, 1, MAX_PMID)
    slices = split_slices(query, whole, plan.wanted, client.esearch_count)
    return SearchPlan(query, count, tuple(slices), max_records)


def _read_kept_set(client: PubMedClient, term: str, wanted: int, page_size: int) -> tuple[int, list[str]]:
    """(count, PMIDs) of one search that fits the window, read from the history server:
    the first page with ``usehistory=y``, the next ones from the kept set ``#K``."""
    first = client.esearch(term, retmax=min(page_size, wanted), usehistory=True)
    pmids = list(first.pmids)
    page = first
    wanted = min(wanted, first.count)
    while len(pmids) < wanted and page.pmids and first.query_key:
        page = client.esearch(f"#{first.query_key}", retstart=len(pmids),
                              retmax=min(page_size, wanted - len(pmids)),
                              usehistory=True, webenv=page.webenv or first.webenv)
        pmids.extend(page.pmids)
    return first.count, pmids[:wanted]


def _read_slice(client: PubMedClient, query: str, part: Slice, left: int,
                page_size: int) -> list[str]:
    """The PMIDs of one part, newest first, at most ``left``. A part that grew past the
    window since it was counted (PubMed adds records all day) is split again."""
    count, pmids = _read_kept_set(client, part.term(query), min(left, window()), page_size)
    if count <= window() or left <= window():
        return pmids
    if part.lo is not None and part.lo == part.hi:
        raise SearchError(f"PMID {part.lo} alone counts {count} hits for query {query!r}")
    found: list[str] = []
    grown = Slice(count, part.lo or 1, part.hi or MAX_PMID)
    for sub in split_slices(query, grown, left, client.esearch_count):
        found.extend(_read_slice(client, query, sub, left - len(found), page_size))
        if len(found) >= left:
            break
    return found[:left]


def find_pmids(client: PubMedClient, plan: SearchPlan, page_size: int | None = None,
               on_slice: Callable[[int], object] | None = None) -> SearchResult:
    """The PMIDs of a planned search, newest first, each once, at most ``plan.wanted``.

    ``page_size`` (default: ``PAGE_SIZE``, else the window) is how many ids one esearch
    request reads.
    ``on_slice`` is called with the number of PMIDs found so far after each part.
    """
    size = page_size or PAGE_SIZE or window()
    found: dict[str, None] = {}
    for part in plan.slices:
        left = plan.wanted - len(found)
        if left <= 0:
            break
        found.update(dict.fromkeys(_read_slice(client, plan.query, part, left, size)))
        if on_slice is not None:
            on_slice(len(found))
    return SearchResult(plan, tuple(found)[:plan.wanted])
