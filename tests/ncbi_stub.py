"""A small local stand-in for NCBI, for tests: efetch and PubMed pages on 127.0.0.1.

    stub = NCBIStub()                  # records from fixtures/pubmed_xml, pages from fixtures/pages
    stub.start()
    client = PubMedClient(eutils_url=stub.eutils_url, page_url=stub.page_url)
    ...
    stub.stop()

In tests use the `ncbi_stub` fixture of conftest.py (started and stopped around each test).

What it serves
- `GET|POST {eutils_url}/efetch.fcgi` with `id=1,2,3` (query and form body merged, repeated
  `id=` allowed): the known records in request order (repeats once, unknown ids left out),
  each byte for byte as in its fixture file, inside NCBI's 2025 wrapper. No known id gives
  NCBI's empty set. No id, a non-digit id or `db` other than pubmed gives 400 with
  `<eFetchResult><ERROR>...</ERROR></eFetchResult>`. Other E-utilities give 404.
- `GET {page_url}/<pmid>/` (or `/<pmid>`): `fixtures/pages/<pmid>.html` as is, else 404.

Records are the `PubmedArticle`/`PubmedBookArticle` elements of every
`fixtures/pubmed_xml/*.xml` `PubmedArticleSet`, indexed by `MedlineCitation/PMID`
(`BookDocument/PMID` for books); the first file (in name order) holding a PMID wins.
`add_record(xml)` adds one more for a single test.

What it records and injects
- `requests`: every request as a `StubRequest` (method, path, endpoint, params, time, status,
  headers).
- `fail_next([429, 503, "slow", "reset", "truncated", ...])`: answer the next requests
  (efetch or page, in arrival order) with these faults, then normally. An int is that HTTP
  status (429 with NCBI's JSON body, 400 with NCBI's XML error, others a short HTML page);
  "slow" sleeps `slow_seconds` (default 1.0) then answers normally; "reset" closes the
  connection without an answer; "truncated" sends a 200 efetch answer cut in half;
  "html" answers 200 with an HTML error page; "hang" reads the request and never answers;
  "trickle" sends the status line, the headers and then one byte every `trickle_seconds`
  (default 1.0); "extra" adds the records of `extra_pmids` (PMIDs nobody asked for) to a
  normal efetch answer; "ok" answers normally (to place a fault later in the sequence).
  "hang" and "trickle" end when the stub stops.
- `set_rate_limit(n)`: at most n accepted E-utilities requests in any sliding second per
  `api_key` (else per client IP), as NCBI counts; over it, 429 with NCBI's JSON. 0 turns
  it off (the default). Pages are not rate limited.
- `set_down(True)`: every request gets 503 (or `set_down(True, status=429)`: 429 for
  ever) until `set_down(False)`.
- `stop()` then a request to the old URL gives "connection refused".
"""

from __future__ import annotations

import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EUTILS_PATH = "/entrez/eutils"

# NCBI's efetch wrapper, exactly as sent in 2025: records follow each other with no
# separator and the set ends without a newline. With no record the answer is
# "<PubmedArticleSet>\n</PubmedArticleSet>" inside the same head.
EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"'
    b' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
EFETCH_TAIL = b"</PubmedArticleSet>"

# <PubmedArticle ...> or <PubmedBookArticle ...>, not <PubmedArticleSet>
_ARTICLE_START = re.compile(rb"<(PubmedArticle|PubmedBookArticle)[\s>]")
_PAGE_PATH = re.compile(r"/([0-9]+)/?")
_DIGITS = re.compile(r"[0-9]+")

Fault = int | str
FAULT_WORDS = frozenset({"ok", "slow", "reset", "truncated", "html", "hang", "trickle", "extra"})


@dataclass(frozen=True)
class StubRequest:
    """One request the stub received."""

    method: str
    path: str                       # without the query string
    endpoint: str                   # "efetch", "page" or "other"
    params: dict[str, list[str]]    # query and form body merged
    time: float                     # time.monotonic() on arrival
    status: int = 0                 # the status answered (0: connection reset)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        """The `id` values, comma lists split."""
        return [i.strip() for value in self.params.get("id", []) for i in value.split(",") if i.strip()]

    def param(self, name: str) -> str | None:
        """The last value of a parameter, or None."""
        values = self.params.get(name)
        return values[-1] if values else None


def _article_slices(data: bytes) -> Iterator[bytes]:
    """The exact bytes of each <PubmedArticle>...</PubmedArticle> (they never nest)."""
    pos = 0
    while match := _ARTICLE_START.search(data, pos):
        end_tag = b"</" + match.group(1) + b">"
        end = data.find(end_tag, match.end())
        if end < 0:
            return
        pos = end + len(end_tag)
        yield data[match.start():pos]


def _pmid_of(article: bytes) -> str:
    elem = ET.fromstring(article)
    pmid = elem.findtext("MedlineCitation/PMID") or elem.findtext("BookDocument/PMID") or ""
    return pmid.strip()


def index_records(files: Iterable[Path]) -> dict[str, bytes]:
    """PMID -> exact record bytes, from efetch PubmedArticleSet files; first one wins."""
    records: dict[str, bytes] = {}
    for path in files:
        data = path.read_bytes()
        if b"<PubmedArticleSet" not in data[:2000]:
            continue
        for article in _article_slices(data):
            pmid = _pmid_of(article)
            if pmid:
                records.setdefault(pmid, article)
    return records


@lru_cache(maxsize=4)
def _cached_index(directory: Path) -> dict[str, bytes]:
    return index_records(sorted(directory.glob("*.xml")))


def _ncbi_error_xml(message: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>\n\t<ERROR>{message}'
            f"</ERROR>\n</eFetchResult>\n").encode()


def _error_page(status: int, title: str | None = None) -> bytes:
    title = title or f"{status} Error"
    return (f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
            f"<body><h1>{title}</h1><p>stub fault</p></body></html>\n").encode()


_UNAVAILABLE = _error_page(200, "Service Temporarily Unavailable")   # sent with 200, as NCBI does


class NCBIStub:
    """The stub server; see the module docstring for what it serves and injects."""

    def __init__(self, records_dir: Path = FIXTURES / "pubmed_xml",
                 pages_dir: Path = FIXTURES / "pages") -> None:
        self.records: dict[str, bytes] = dict(_cached_index(records_dir.resolve()))
        self.pages_dir = pages_dir
        self.slow_seconds = 1.0
        self.trickle_seconds = 1.0
        self.extra_pmids: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._requests: list[StubRequest] = []
        self._faults: deque[Fault] = deque()
        self._rate = 0
        self._accepted: dict[str, deque[float]] = {}
        self._down: int | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # --- control -----------------------------------------------------------------------

    def start(self) -> NCBIStub:
        stub = self

        class Handler(_Handler):
            owner = stub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def eutils_url(self) -> str:
        return self.base_url + EUTILS_PATH

    @property
    def page_url(self) -> str:
        return self.base_url

    @property
    def requests(self) -> list[StubRequest]:
        """A copy of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def efetch_requests(self) -> list[StubRequest]:
        return [r for r in self.requests if r.endpoint == "efetch"]

    def fail_next(self, faults: Iterable[Fault]) -> None:
        """Answer the next requests with these faults (statuses or "slow"/"reset"/"truncated")."""
        faults = list(faults)
        for fault in faults:
            if not (isinstance(fault, int) or fault in FAULT_WORDS):
                raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._faults.extend(faults)

    def set_rate_limit(self, per_second: int) -> None:
        """At most `per_second` E-utilities requests in any sliding second; 0: no limit."""
        with self._lock:
            self._rate = per_second
            self._accepted.clear()

    def set_down(self, down: bool = True, status: int = 503) -> None:
        """While down, every request is answered with `status` (503 unless given)."""
        with self._lock:
            self._down = status if down else None

    def add_record(self, xml: bytes) -> str:
        """Serve one more <PubmedArticle> (exact bytes); returns its PMID."""
        pmid = _pmid_of(xml)
        self.records[pmid] = xml
        return pmid

    # --- answers (called from the handler threads) ---------------------------------------

    def _record(self, request: StubRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            if self._down is not None:
                return self._down
            return self._faults.popleft() if self._faults else None

    def _rate_check(self, key: str) -> tuple[bool, int]:
        """(allowed, requests accepted in the last second) for one client key."""
        now = time.monotonic()
        with self._lock:
            if self._rate <= 0:
                return True, 0
            accepted = self._accepted.setdefault(key, deque())
            while accepted and accepted[0] <= now - 1.0:
                accepted.popleft()
            if len(accepted) >= self._rate:
                return False, len(accepted) + 1
            accepted.append(now)
            return True, len(accepted)

    def answer(self, method: str, path: str, params: dict[str, list[str]],
               client_ip: str) -> tuple[int, str, bytes, Fault | None]:
        """(status, content type, body, fault) for one request, fault not yet applied."""
        if path.startswith(EUTILS_PATH + "/"):
            endpoint = path[len(EUTILS_PATH) + 1:]
            api_key = (params.get("api_key") or [""])[-1]
            key = api_key or client_ip
            allowed, count = self._rate_check(key)
            if not allowed:
                body = json.dumps({"error": "API rate limit exceeded", "api-key": key,
                                   "count": str(count), "limit": str(self._rate)},
                                  separators=(",", ":"))
                return 429, "application/json", body.encode(), None
            fault = self._next_fault()
            if isinstance(fault, int):
                return self._fault_answer(fault) + (fault,)
            if endpoint != "efetch.fcgi":
                return 404, "text/plain", b"the stub serves only efetch.fcgi\n", fault
            if fault == "html":
                return 200, "text/html; charset=utf-8", _UNAVAILABLE, fault
            if fault == "extra":
                params = {**params, "id": params.get("id", []) + self.extra_pmids}
            return self._efetch(params) + (fault,)
        if match := _PAGE_PATH.fullmatch(path):
            fault = self._next_fault()
            if isinstance(fault, int):
                return self._fault_answer(fault) + (fault,)
            if fault == "html":
                return 200, "text/html; charset=utf-8", _UNAVAILABLE, fault
            page = self.pages_dir / f"{match.group(1)}.html"
            if page.is_file():
                return 200, "text/html; charset=utf-8", page.read_bytes(), fault
            return 404, "text/html; charset=utf-8", b"<html><body>Page not found</body></html>", fault
        return 404, "text/plain", b"not found\n", None

    def _fault_answer(self, status: int) -> tuple[int, str, bytes]:
        if status == 429:
            body = b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}'
            return 429, "application/json", body
        if status == 400:
            return 400, "text/xml; charset=UTF-8", _ncbi_error_xml("Invalid uid (stub fault)")
        return status, "text/html; charset=utf-8", _error_page(status)

    def _efetch(self, params: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if (params.get("db") or ["pubmed"])[-1] != "pubmed":
            return 400, "text/xml; charset=UTF-8", _ncbi_error_xml("Database is not served by the stub")
        ids = [i.strip() for value in params.get("id", []) for i in value.split(",") if i.strip()]
        if not ids:
            return 400, "text/xml; charset=UTF-8", _ncbi_error_xml("Empty id list - nothing todo")
        bad = next((i for i in ids if not _DIGITS.fullmatch(i)), None)
        if bad is not None:
            return 400, "text/xml; charset=UTF-8", _ncbi_error_xml(f"Invalid uid {bad[:40]}")
        wanted = dict.fromkeys(str(int(i)) for i in ids)
        found = [self.records[p] for p in wanted if p in self.records]
        return 200, "text/xml; charset=UTF-8", b"".join([EFETCH_HEAD, *found, EFETCH_TAIL])


class _Handler(BaseHTTPRequestHandler):
    owner: NCBIStub
    protocol_version = "HTTP/1.1"   # keep-alive, as NCBI and requests.Session use

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length else b"")

    def _serve(self, body: bytes) -> None:
        arrived = time.monotonic()
        parts = urlsplit(self.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
            params.setdefault(name, []).extend(values)
        status, content_type, answer, fault = self.owner.answer(
            self.command, parts.path, params, self.client_address[0])
        endpoint = ("efetch" if parts.path == EUTILS_PATH + "/efetch.fcgi"
                    else "page" if _PAGE_PATH.fullmatch(parts.path) else "other")
        if fault == "reset":
            status = 0
        self.owner._record(StubRequest(self.command, parts.path, endpoint, params, arrived, status,
                                       dict(self.headers.items())))
        if fault == "reset":
            self.close_connection = True
            return
        if fault == "hang":
            self.owner.stopping.wait()
            self.close_connection = True
            return
        if fault == "slow":
            time.sleep(self.owner.slow_seconds)
        length = len(answer)
        if fault == "truncated":
            answer = answer[: len(answer) // 2]
            length = len(answer)     # a well-framed but cut-off body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            if fault == "trickle":
                self._trickle(answer)
                return
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):   # the client gave up (timeout)
            self.close_connection = True

    def _trickle(self, answer: bytes) -> None:
        """One byte every `trickle_seconds` until the answer is sent or the stub stops."""
        self.close_connection = True
        for i in range(len(answer)):
            self.wfile.write(answer[i:i + 1])
            self.wfile.flush()
            if self.owner.stopping.wait(self.owner.trickle_seconds):
                return

    def log_message(self, format: str, *args: object) -> None:
        pass
