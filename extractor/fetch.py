"""Fetch raw PubMed records from NCBI: efetch XML in batches, or a PubMed article page.

Everything here returns bytes exactly as NCBI sent them; parsing is another stage.

    with PubMedClient(email="me@example.org") as client:
        for batch in client.fetch_efetch_batches(pmids):
            if batch.ok:
                save(batch.xml)                 # raw <PubmedArticleSet> bytes
            else:
                report(batch.error)             # FetchError naming batch.pmids
        html = client.fetch_page("17638731")    # PMIDNotFound on 404

One `PubMedClient` holds one `requests.Session` (keep-alive) and one `RateLimiter` for
the whole run, and sends NCBI's `tool`, `email` and `api_key` parameters. Every request
has a (connect, read) timeout. HTTP 429/500/502/503/504, connection errors and timeouts
are retried with exponential backoff and full jitter (NCBI sends no Retry-After), up to
`max_attempts` attempts in all; every attempt, retries included, waits for the limiter.
Page requests wait for the same limiter: NCBI publishes no limit for pages, and one
shared budget keeps the whole run polite.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import requests

from extractor import __version__
from extractor.errors import FetchError, InvalidPMID, PMIDNotFound
from extractor.ids import is_pmid
from extractor.ratelimit import RateLimiter

TOOL = "pubmed-trial-extractor"
USER_AGENT = f"{TOOL}/{__version__} (python-requests/{requests.__version__})"

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_PAGE_URL = "https://pubmed.ncbi.nlm.nih.gov"

# NCBI asks for POST above 200 ids; we never send more than that in one request.
MAX_BATCH_SIZE = 200
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# NCBI's error answer: <eFetchResult><ERROR>Invalid uid x</ERROR></eFetchResult>
_NCBI_ERROR = re.compile(rb"<ERROR>([^<]{1,300})</ERROR>")
# Every complete efetch answer, even an empty one, ends with the closing set tag.
_EFETCH_END = b"</PubmedArticleSet>"
# PMIDs named in full in an error message; the rest are counted (all are in .pmids).
_PMIDS_SHOWN = 10


@dataclass(frozen=True)
class RetryEvent:
    """A failed attempt about to be retried; `str()` gives the line a CLI can show."""

    what: str                 # "efetch" or "page"
    pmids: tuple[str, ...]
    attempt: int              # the attempt about to be made (2 after the first failure)
    max_attempts: int
    delay: float              # seconds of backoff before it
    reason: str               # "HTTP 503", "timed out", "connection error"
    status: int | None

    def __str__(self) -> str:
        return f"retrying after {self.reason} (attempt {self.attempt}/{self.max_attempts})"


@dataclass(frozen=True)
class EfetchBatch:
    """One efetch request's outcome: `xml` (raw bytes) on success, else `error`.

    An answer holding fewer records than `pmids` asked for is still a success: NCBI
    silently leaves out PMIDs it does not have, so the caller finds them missing.
    """

    pmids: tuple[str, ...]
    xml: bytes | None = None
    error: FetchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def xml_or_raise(self) -> bytes:
        """The XML bytes, or raise this batch's FetchError."""
        if self.error is not None:
            raise self.error
        assert self.xml is not None
        return self.xml


@dataclass(frozen=True)
class _Failure:
    """Why one attempt failed (internal)."""

    reason: str
    status: int | None
    retry: bool


def validate_pmid(value: str | int) -> str:
    """The PMID as a string, or InvalidPMID if it is not 1-9 digits without a leading zero."""
    text = str(value).strip()
    if not is_pmid(text):
        raise InvalidPMID(str(value))
    return text


def batched(items: list[str], size: int) -> Iterator[list[str]]:
    """Consecutive slices of at most `size` items."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff after failed attempt number `attempt` (1-based):
    uniform in [0, min(cap, base * 2 ** (attempt - 1))]."""
    return rng.uniform(0.0, min(cap, base * 2 ** (attempt - 1)))


def describe_pmids(pmids: Iterable[str]) -> str:
    """'PMIDs 1, 2, 3' or, for long lists, 'PMIDs 1, ..., 10 and 190 more' (one line)."""
    ids = list(pmids)
    if len(ids) == 1:
        return f"PMID {ids[0]}"
    shown = ", ".join(ids[:_PMIDS_SHOWN])
    more = len(ids) - _PMIDS_SHOWN
    return f"PMIDs {shown}" + (f" and {more} more" if more > 0 else "")


def _env(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


class PubMedClient:
    """NCBI client: efetch in batches and PubMed pages, rate limited, with retries.

    Arguments left as None come from the environment: `PUBMED_EUTILS_URL`,
    `PUBMED_PAGE_URL`, `NCBI_API_KEY`, `NCBI_EMAIL`, then from NCBI's public defaults.
    `limiter` defaults to 3 requests/s, or 10 with an API key; pass one limiter to share
    it between clients. `session`, when given, is used but not closed by `close()`.
    `rng` and `sleep` drive the backoff (tests pass a seeded RNG or a fake sleep).
    """

    def __init__(self, eutils_url: str | None = None, page_url: str | None = None,
                 api_key: str | None = None, email: str | None = None,
                 timeout: tuple[float, float] = (5, 60), max_attempts: int = 6,
                 backoff_base: float = 0.5, backoff_cap: float = 30.0,
                 session: requests.Session | None = None, limiter: RateLimiter | None = None,
                 on_retry: Callable[[RetryEvent], None] | None = None,
                 rng: random.Random | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
        self.eutils_url = (eutils_url or _env("PUBMED_EUTILS_URL") or DEFAULT_EUTILS_URL).rstrip("/")
        self.page_url = (page_url or _env("PUBMED_PAGE_URL") or DEFAULT_PAGE_URL).rstrip("/")
        self.api_key = api_key or _env("NCBI_API_KEY")
        self.email = email or _env("NCBI_EMAIL")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.limiter = limiter or RateLimiter.for_ncbi(self.api_key)
        self.on_retry = on_retry
        self._owns_session = session is None
        self.session = session or requests.Session()
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._headers = {"User-Agent": USER_AGENT}

    # --- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> PubMedClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- efetch ----------------------------------------------------------------------

    def ncbi_params(self) -> dict[str, str]:
        """The identification NCBI asks every E-utilities request to carry."""
        params = {"tool": TOOL}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def fetch_efetch(self, pmids: list[str]) -> bytes:
        """One efetch request (POST, form body) for at most 200 PMIDs: the raw XML.

        Raises FetchError (naming the PMIDs) once retries are exhausted, or at once for
        an answer that retrying cannot fix (HTTP 400, 403, 404...).
        """
        ids = [validate_pmid(p) for p in pmids]
        if not ids:
            raise ValueError("fetch_efetch needs at least one PMID")
        if len(ids) > MAX_BATCH_SIZE:
            raise ValueError(f"at most {MAX_BATCH_SIZE} PMIDs per efetch request, not {len(ids)}")
        data = {"db": "pubmed", "retmode": "xml", "id": ",".join(ids), **self.ncbi_params()}
        return self._request("efetch", tuple(ids), "POST", f"{self.eutils_url}/efetch.fcgi", data)

    def fetch_efetch_batches(self, pmids: Iterable[str], batch_size: int = MAX_BATCH_SIZE,
                             ) -> Iterator[EfetchBatch]:
        """Fetch PMIDs in batches of at most `batch_size` (<= 200), one EfetchBatch each.

        All PMIDs are validated before the first request (InvalidPMID); repeats are
        fetched once, in first-seen order. A failed batch is yielded with its error and
        the next batch is still tried, so a caller can keep what did arrive.
        """
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_SIZE}, not {batch_size}")
        ids = list(dict.fromkeys(validate_pmid(p) for p in pmids))
        for chunk in batched(ids, batch_size):
            try:
                yield EfetchBatch(pmids=tuple(chunk), xml=self.fetch_efetch(chunk))
            except FetchError as error:
                yield EfetchBatch(pmids=tuple(chunk), error=error)

    # --- pages -----------------------------------------------------------------------

    def fetch_page(self, pmid: str) -> bytes:
        """The raw HTML of `{page_url}/{pmid}/`; PMIDNotFound on 404, FetchError otherwise."""
        pmid = validate_pmid(pmid)
        return self._request("page", (pmid,), "GET", f"{self.page_url}/{pmid}/", None)

    # --- one request, with retries ---------------------------------------------------

    def _request(self, what: str, pmids: tuple[str, ...], method: str, url: str,
                 data: dict[str, str] | None) -> bytes:
        failure = _Failure("no attempt", None, False)
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.acquire()
            body, failure = self._attempt(what, pmids, method, url, data)
            if body is not None:
                return body
            if not failure.retry:
                raise FetchError(f"{what} failed ({failure.reason}) for {describe_pmids(pmids)}",
                                 url=url, status=failure.status, pmids=list(pmids))
            if attempt == self.max_attempts:
                break
            delay = backoff_delay(attempt, self.backoff_base, self.backoff_cap, self._rng)
            if self.on_retry is not None:
                self.on_retry(RetryEvent(what, pmids, attempt + 1, self.max_attempts, delay,
                                         failure.reason, failure.status))
            self._sleep(delay)
        attempts = "1 attempt" if self.max_attempts == 1 else f"{self.max_attempts} attempts"
        raise FetchError(f"{what} failed after {attempts} ({failure.reason}) for {describe_pmids(pmids)}",
                         url=url, status=failure.status, pmids=list(pmids))

    def _attempt(self, what: str, pmids: tuple[str, ...], method: str, url: str,
                 data: dict[str, str] | None) -> tuple[bytes | None, _Failure]:
        """(body, _) on success, else (None, why); PMIDNotFound for a page's 404."""
        try:
            response = self.session.request(method, url, data=data, headers=self._headers,
                                            timeout=self.timeout)
            body = response.content   # read here, so a read timeout is caught below
        except requests.Timeout:
            return None, _Failure("timed out", None, True)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            return None, _Failure(_connection_reason(exc), None, True)
        status = response.status_code
        if status == 200:
            if what == "efetch" and not body.rstrip().endswith(_EFETCH_END):
                # A cut-off answer or an error page sent with 200: worth another try.
                return None, _Failure("incomplete efetch answer", 200, True)
            return body, _Failure("", 200, False)
        if what == "page" and status == 404:
            raise PMIDNotFound(pmids[0])
        reason = f"HTTP {status}"
        if status not in RETRY_STATUSES and (message := _NCBI_ERROR.search(body)):
            reason += ": " + message.group(1).decode("utf-8", "replace").strip()
        return None, _Failure(reason, status, status in RETRY_STATUSES)


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broken"
    return "connection error"
