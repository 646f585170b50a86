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
has a connect timeout, a read timeout (the longest silence between two reads) and a
deadline for the whole request, body included (`Timeouts`), so a server that trickles its
answer a byte at a time cannot hold a run. HTTP 429/500/502/503/504, connection errors,
timeouts, deadlines and answers that are not whole efetch XML (cut off, or an HTML error
page sent with 200) are retried with exponential backoff and full jitter (NCBI sends no
Retry-After), up to `max_attempts` attempts in all; every attempt, retries included, holds
a slot of the limiter from its start until its answer begins (see `ratelimit`).
Page requests wait for the same limiter: NCBI publishes no limit for pages, and one
shared budget keeps the whole run polite.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from extractor import __version__, defaults
from extractor.errors import FetchError, InvalidPMID, ParseError, PMIDNotFound
from extractor.ids import describe_pmids, is_pmid
from extractor.ncbi.ratelimit import RateLimiter
from extractor.parse.sniff import html_title
from extractor.parse.text import one_line

TOOL = "pubmed-trial-extractor"
USER_AGENT = f"{TOOL}/{__version__} (python-requests/{requests.__version__})"

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_PAGE_URL = "https://pubmed.ncbi.nlm.nih.gov"

# NCBI asks for POST above 200 ids; we never send more than that in one request.
MAX_BATCH_SIZE = 200
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HISTORY_EFETCH = "efetch by history"     # the `what` of an efetch by WebEnv + query_key

# NCBI's error answer: <eFetchResult><ERROR>Invalid uid x</ERROR></eFetchResult>
_NCBI_ERROR = re.compile(rb"<ERROR>([^<]{1,300})</ERROR>")
# Every complete efetch answer, even an empty one, ends with the closing set tag.
_EFETCH_END = b"</PubmedArticleSet>"
# The same error in an esearch JSON answer: {"esearchresult": {"ERROR": "..."}}
_NCBI_JSON_ERROR = re.compile(rb'"ERROR"\s*:\s*"([^"]{1,300})"')
# PubMed serves ids 0..9,998 of one search (esearch and efetch by history alike).
PUBMED_WINDOW = 9_999
# PMIDs named in full in an error message; the rest are counted (all are in .pmids).
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Timeouts:
    """How long one request may take, in seconds.

    `connect`: to open the connection; `read`: the longest wait for the next bytes of the
    answer; `deadline`: the whole request, from sending it to the last byte of the body.
    `from_env` reads `PUBMED_CONNECT_TIMEOUT`, `PUBMED_READ_TIMEOUT`, `PUBMED_DEADLINE`.
    """

    connect: float = defaults.CONNECT_TIMEOUT
    read: float = defaults.READ_TIMEOUT
    deadline: float = defaults.DEADLINE

    def __post_init__(self) -> None:
        for name in ("connect", "read", "deadline"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"the {name} timeout must be a positive number of seconds, not {value}")

    @classmethod
    def from_env(cls, connect: float | None = None, read: float | None = None,
                 deadline: float | None = None) -> Timeouts:
        """The values given, else those of the environment, else the defaults."""
        default = cls()
        return cls(
            connect=connect or _env_seconds("PUBMED_CONNECT_TIMEOUT") or default.connect,
            read=read or _env_seconds("PUBMED_READ_TIMEOUT") or default.read,
            deadline=deadline or _env_seconds("PUBMED_DEADLINE") or default.deadline,
        )

    def for_requests(self) -> tuple[float, float]:
        """(connect, read) for `requests`; no single read may outlast the deadline."""
        return self.connect, min(self.read, self.deadline)


class DeadlineExceeded(Exception):
    """The whole request took longer than its deadline (internal: becomes a retry)."""


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
class SearchPage:
    """One esearch answer: NCBI's count of hits, one page of their PMIDs (newest first, as
    esearch orders them) and, with ``usehistory=y``, where the whole set is kept on NCBI's
    history server (``webenv`` + ``query_key``)."""

    count: int
    pmids: tuple[str, ...] = ()
    retstart: int = 0
    webenv: str | None = None
    query_key: str | None = None
    warnings: tuple[str, ...] = ()     # NCBI's OutputMessages ("No items found.", ...)


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


def _env(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


def _env_seconds(name: str) -> float | None:
    """A positive number of seconds from the environment; ValueError naming the variable."""
    text = _env(name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name}={text!r}: expected a positive number of seconds")
    return value


class PubMedClient:
    """NCBI client: efetch in batches and PubMed pages, rate limited, with retries.

    Arguments left as None come from the environment: `PUBMED_EUTILS_URL`,
    `PUBMED_PAGE_URL`, `NCBI_API_KEY`, `NCBI_EMAIL`, then from NCBI's public defaults.
    `timeouts` defaults to `Timeouts.from_env()`.
    `limiter` defaults to 3 requests/s, or 10 with an API key; pass one limiter to share
    it between clients. `session`, when given, is used but not closed by `close()`.
    `rng` and `sleep` drive the backoff (tests pass a seeded RNG or a fake sleep).
    """

    def __init__(self, eutils_url: str | None = None, page_url: str | None = None,
                 api_key: str | None = None, email: str | None = None,
                 timeouts: Timeouts | None = None, max_attempts: int = 6,
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
        self.timeouts = timeouts or Timeouts.from_env()
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

    # --- esearch and efetch by history -------------------------------------------------

    def esearch(self, term: str, retmax: int = 0, retstart: int = 0, usehistory: bool = False,
                webenv: str | None = None) -> SearchPage:
        """One esearch request (POST, ``retmode=json``): the count and a page of PMIDs.

        With ``usehistory`` NCBI keeps the whole hit list and the answer says where
        (``webenv``, ``query_key``); send ``webenv`` back to add the set to it, or to search
        within one of its sets with ``#K`` in ``term``. NCBI's in-band errors ("Unable to
        obtain query #1", a ``retstart`` past PubMed's window, a query it cannot read) raise
        FetchError with NCBI's text, in one line, without retrying.
        """
        data = {"db": "pubmed", "term": term, "retmode": "json", "retmax": str(retmax),
                "retstart": str(retstart), **self.ncbi_params()}
        if usehistory:
            data["usehistory"] = "y"
        if webenv:
            data["WebEnv"] = webenv
        body = self._request("esearch", (), "POST", f"{self.eutils_url}/esearch.fcgi", data,
                             subject=f"query {_quoted(term)}")
        return parse_esearch_json(body)

    def esearch_count(self, term: str) -> int:
        """How many PubMed records match ``term`` (``rettype=count``: nothing is kept)."""
        data = {"db": "pubmed", "term": term, "retmode": "json", "rettype": "count",
                **self.ncbi_params()}
        body = self._request("esearch", (), "POST", f"{self.eutils_url}/esearch.fcgi", data,
                             subject=f"query {_quoted(term)}")
        return parse_esearch_json(body).count

    def fetch_efetch_history(self, webenv: str, query_key: str, retstart: int = 0,
                             retmax: int = MAX_BATCH_SIZE) -> bytes:
        """Records ``retstart`` to ``retstart + retmax`` of a set kept by esearch's history
        server, as raw efetch XML (in the set's order).

        An unknown or expired WebEnv (NCBI forgets them after some hours) and a ``retstart``
        past PubMed's window raise FetchError with NCBI's text, without retrying.
        """
        if not 0 <= retstart < PUBMED_WINDOW:
            raise ValueError(f"retstart must be between 0 and {PUBMED_WINDOW - 1}, not {retstart}")
        data = {"db": "pubmed", "retmode": "xml", "WebEnv": webenv, "query_key": query_key,
                "retstart": str(retstart), "retmax": str(retmax), **self.ncbi_params()}
        return self._request(HISTORY_EFETCH, (), "POST", f"{self.eutils_url}/efetch.fcgi", data,
                             subject=f"records {retstart + 1}-{retstart + retmax} of query #{query_key}")

    # --- pages -----------------------------------------------------------------------

    def fetch_page(self, pmid: str) -> bytes:
        """The raw HTML of `{page_url}/{pmid}/`; PMIDNotFound on 404, FetchError otherwise."""
        pmid = validate_pmid(pmid)
        return self._request("page", (pmid,), "GET", f"{self.page_url}/{pmid}/", None)

    # --- one request, with retries ---------------------------------------------------

    def _request(self, what: str, pmids: tuple[str, ...], method: str, url: str,
                 data: dict[str, str] | None, subject: str | None = None) -> bytes:
        """The body of one request, retried; FetchError naming `subject` (default: the PMIDs)."""
        about = subject or describe_pmids(pmids)
        failure = _Failure("no attempt", None, False)
        for attempt in range(1, self.max_attempts + 1):
            with self.limiter.slot() as held:     # held until the answer begins
                body, failure = self._attempt(what, pmids, method, url, data, held.answered)
            if body is not None:
                return body
            if not failure.retry:
                raise FetchError(f"{what} failed ({failure.reason}) for {about}",
                                 url=url, status=failure.status, pmids=list(pmids))
            if attempt == self.max_attempts:
                break
            delay = backoff_delay(attempt, self.backoff_base, self.backoff_cap, self._rng)
            if self.on_retry is not None:
                self.on_retry(RetryEvent(what, pmids, attempt + 1, self.max_attempts, delay,
                                         failure.reason, failure.status))
            self._sleep(delay)
        attempts = "1 attempt" if self.max_attempts == 1 else f"{self.max_attempts} attempts"
        raise FetchError(f"{what} failed after {attempts} ({failure.reason}) for {about}",
                         url=url, status=failure.status, pmids=list(pmids))

    def _attempt(self, what: str, pmids: tuple[str, ...], method: str, url: str,
                 data: dict[str, str] | None,
                 answered: Callable[[], object]) -> tuple[bytes | None, _Failure]:
        """(body, _) on success, else (None, why); PMIDNotFound for a page's 404.
        ``answered()`` is called once the answer's status line is in."""
        try:
            status, body = self._send(method, url, data, answered)
        except DeadlineExceeded:
            return None, _Failure(f"no whole answer within the {self.timeouts.deadline:g} s deadline", None, True)
        except requests.Timeout:
            return None, _Failure("timed out", None, True)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            return None, _Failure(_connection_reason(exc), None, True)
        if status == 200:
            return _check_answer(what, body)
        if what == "page" and status == 404:
            raise PMIDNotFound(pmids[0])
        reason = f"HTTP {status}"
        if status not in RETRY_STATUSES and (message := _NCBI_ERROR.search(body)
                                             or _NCBI_JSON_ERROR.search(body)):
            reason += ": " + message.group(1).decode("utf-8", "replace").strip()
        return None, _Failure(reason, status, status in RETRY_STATUSES)

    def _send(self, method: str, url: str, data: dict[str, str] | None,
              answered: Callable[[], object]) -> tuple[int, bytes]:
        """(status, whole body) of one HTTP request, within the deadline.

        The request runs in a helper thread so that the deadline holds whatever the server
        does (answer nothing, or trickle its body); at the deadline its socket is shut down
        and DeadlineExceeded raised. Errors of `requests` are raised as they are.
        """
        call = _Call(self.session, method, url, data, self._headers, self.timeouts.for_requests(),
                     answered)
        worker = threading.Thread(target=call.run, name="pubmed-request", daemon=True)
        worker.start()
        worker.join(self.timeouts.deadline)
        if worker.is_alive():
            call.cancel()
            raise DeadlineExceeded
        return call.outcome()


class _Call:
    """One HTTP request with its body read in chunks, cancellable from another thread."""

    def __init__(self, session: requests.Session, method: str, url: str,
                 data: dict[str, str] | None, headers: dict[str, str],
                 timeout: tuple[float, float], answered: Callable[[], object]) -> None:
        self._request = (session, method, url, data, headers, timeout)
        self._answered = answered
        self._cancelled = threading.Event()
        self._response: requests.Response | None = None
        self._result: tuple[int, bytes] | None = None
        self._error: BaseException | None = None

    def run(self) -> None:
        session, method, url, data, headers, timeout = self._request
        try:
            response = session.request(method, url, data=data, headers=headers, timeout=timeout,
                                       stream=True)
            self._answered()     # the status line is in: the server has counted the request
            self._response = response
            chunks = []
            for chunk in response.iter_content(_CHUNK):
                if self._cancelled.is_set():
                    return
                chunks.append(chunk)
            self._result = response.status_code, b"".join(chunks)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            self._error = error
        finally:
            if self._response is not None and self._cancelled.is_set():
                self._response.close()

    def cancel(self) -> None:
        """Stop waiting: shut the socket down so a blocked read returns at once."""
        self._cancelled.set()
        response = self._response
        connection = getattr(getattr(response, "raw", None), "connection", None)
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):   # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)

    def outcome(self) -> tuple[int, bytes]:
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def _check_answer(what: str, body: bytes) -> tuple[bytes | None, _Failure]:
    """A 200 answer: whole efetch XML (or a page) is a success; anything else is retried."""
    if what == "esearch":
        return _check_esearch(body)
    if what == HISTORY_EFETCH and (message := _in_band_error(body)) is not None:
        return None, _Failure(f"NCBI: {message}", 200, False)
    if what in ("efetch", HISTORY_EFETCH):
        title = html_title(body)
        if title is not None:
            # NCBI's "temporarily unavailable" pages come with 200: worth another try.
            named = f' "{title}"' if title else ""
            return None, _Failure(f"an HTML page{named} instead of efetch XML", 200, True)
        if not body.rstrip().endswith(_EFETCH_END):
            return None, _Failure("a cut-off efetch answer", 200, True)
    return body, _Failure("", 200, False)


def _one_line(text: str) -> str:
    """NCBI's messages hold raw newlines; shown in one line, cut at 300 characters."""
    return one_line(text, 300)


def _quoted(term: str) -> str:
    return repr(one_line(term, 80))


def _load_json(body: bytes) -> Any:
    """The JSON of an esearch answer. NCBI sends raw control characters (a newline) inside
    its error strings, which strict JSON refuses."""
    return json.loads(body.decode("utf-8", "replace"), strict=False)


def _esearch_error(data: Any) -> str | None:
    """NCBI's error in an esearch JSON answer, in one line, or None.

        {"error": "API key invalid"}
        {"header": ..., "esearchresult": {"ERROR": "Search Backend failed: Exception:\n..."}}
    """
    if not isinstance(data, dict):
        return "not an esearch answer"
    result = data.get("esearchresult")
    message = data.get("error") or (result.get("ERROR") if isinstance(result, dict) else None)
    if message:
        return _one_line(str(message))
    return None if isinstance(result, dict) else "no esearchresult in the answer"


def _in_band_error(body: bytes) -> str | None:
    """The ``<ERROR>`` of an error document NCBI sends with status 200, or None:
    ``<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>``."""
    if _EFETCH_END in body[-200:]:
        return None
    message = _NCBI_ERROR.search(body)
    return None if message is None else _one_line(message.group(1).decode("utf-8", "replace"))


def _check_esearch(body: bytes) -> tuple[bytes | None, _Failure]:
    """JSON is a success, NCBI's error in it a failure not worth retrying; an HTML page or
    a cut-off answer is retried."""
    try:
        data = _load_json(body)
    except ValueError:
        title = html_title(body)
        if title is not None:
            named = f' "{title}"' if title else ""
            return None, _Failure(f"an HTML page{named} instead of esearch JSON", 200, True)
        return None, _Failure("a cut-off or unreadable esearch answer", 200, True)
    message = _esearch_error(data)
    if message is not None:
        return None, _Failure(f"NCBI: {message}", 200, False)
    return body, _Failure("", 200, False)


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ParseError(f"esearch answer: {name} is not a number: {str(value)[:40]!r}") from None


def parse_esearch_json(body: bytes) -> SearchPage:
    """An esearch JSON answer (``retmode=json``, also ``rettype=count``) as a SearchPage.

        {"esearchresult": {"count": "29", "retmax": "20", "retstart": "0", "querykey": "1",
                           "webenv": "MCID_...", "idlist": ["38914053", ...],
                           "warninglist": {"outputmessages": ["No items found."]}}}

    ParseError when it is not one, or NCBI's error is in it.
    """
    try:
        data = _load_json(body)
    except ValueError as exc:
        raise ParseError(f"esearch answer is not JSON: {exc}") from None
    message = _esearch_error(data)
    if message is not None:
        raise ParseError(f"esearch answer: {message}")
    result = data["esearchresult"]
    return SearchPage(
        count=_int(result.get("count"), "count"),
        pmids=_idlist(result),
        retstart=_int(result.get("retstart") or 0, "retstart"),
        webenv=result.get("webenv") or None,
        query_key=str(result["querykey"]) if result.get("querykey") else None,
        warnings=_output_messages(result),
    )


def _idlist(result: dict[str, Any]) -> tuple[str, ...]:
    """The PMIDs of ``idlist``; ParseError naming anything else found there."""
    pmids = tuple(str(p) for p in result.get("idlist") or ())
    bad = next((p for p in pmids if not is_pmid(p)), None)
    if bad is not None:
        raise ParseError(f"esearch answer: {bad[:40]!r} is not a PMID")
    return pmids


def _output_messages(result: dict[str, Any]) -> tuple[str, ...]:
    """NCBI's notes: ``"warninglist": {"outputmessages": ["No items found."]}``."""
    warnings = (result.get("warninglist") or {}).get("outputmessages") or ()
    return tuple(_one_line(str(w)) for w in warnings)


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broken"
    return "connection error"
