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
- `GET|POST {eutils_url}/esearch.fcgi` (JSON only, as NCBI shapes it with `retmode=json`):
  a record matches when every word of `term` occurs (case-insensitive) in its title or
  abstract; field tags (`[tiab]`), `AND`, parentheses and quotes are ignored; `lo:hi[uid]`
  (or `N[pmid]`) ranges and `all[sb]` are filters, `#K` limits the search to set K of the
  WebEnv sent. PMIDs come newest (highest) first. `retstart`/`retmax` (default 20) page
  them inside PubMed's window of `window` ids (9,999; set it smaller in a test): past it,
  NCBI's in-band error (HTTP 200, a raw newline in the JSON string). `rettype=count`: the
  count only. `usehistory=y` keeps the whole hit list under the next query key of the
  WebEnv sent (or a new one); an unknown WebEnv or key gives NCBI's in-band
  "Unable to obtain query #K". An empty term gives 400.
- `efetch.fcgi` with `WebEnv` + `query_key` and no `id`: records `retstart` to
  `retstart + retmax` (default 20) of a kept set, cut at `window`; an unknown WebEnv or key
  gives NCBI's error document with 200; `retstart` past the window gives 400.
  `forget_history()` forgets every WebEnv (NCBI forgets them after some hours);
  `keep_history = False` forgets each one as soon as it is answered.

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
import secrets
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

# PubMed's answers around its window of 9,999 ids per search (see ../shared/tools/README.md).
_RETSTART_LIMIT = (
    "'retstart' cannot be larger than {last}. For PubMed, ESearch can only retrieve the first "
    "{window:,} records matching the query. To obtain more than {window:,} PubMed records, consider "
    "using EDirect that contains additional logic to batch PubMed search results automatically so "
    "that an arbitrary number can be retrieved. For details see https://www.ncbi.nlm.nih.gov/books/NBK25499/")
_ESEARCH_HEADER = {"type": "esearch", "version": "0.3"}
_FIELD_TAG = re.compile(r"\[[^\]]*\]")
_TERM_UID = re.compile(r"(\d+)\s*(?::\s*(\d+)\s*)?\[\s*(?:uid|pmid)\s*\]", re.I)
_TERM_HISTORY = re.compile(r"(?<![\w#])#(\d+)\b")
_TERM_ALL = re.compile(r"\ball\s*\[\s*sb\s*\]", re.I)

Fault = int | str
FAULT_WORDS = frozenset({"ok", "slow", "reset", "truncated", "html", "hang", "trickle", "extra"})


@dataclass(frozen=True)
class StubRequest:
    """One request the stub received."""

    method: str
    path: str                       # without the query string
    endpoint: str                   # "efetch", "esearch", "page" or "other"
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


def _ncbi_error_doc(message: str) -> bytes:
    """NCBI's in-band efetch error (sent with 200; the DOCTYPE really says eEfetchResult)."""
    return (b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eEfetchResult PUBLIC '
            b'"-//NLM//DTD efetch 20131226//EN" '
            b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
            + f"<eFetchResult>\n\t<ERROR>{message}</ERROR>\n</eFetchResult>\n".encode())


def _esearch_error(message: str, status: int = 200) -> tuple[int, str, bytes]:
    """NCBI's esearch error in JSON; in-band ones (200) keep their raw newlines, as NCBI's do."""
    body = json.dumps({"header": _ESEARCH_HEADER, "esearchresult": {"ERROR": message}})
    if status == 200:
        body = body.replace("\\n", "\n")
    return status, "application/json; charset=UTF-8", body.encode()


@dataclass(frozen=True)
class _Term:
    """What an esearch term asks for: words (all in title + abstract), PMID ranges, sets."""

    words: tuple[str, ...]
    uid_ranges: tuple[tuple[int, int], ...]
    history_keys: tuple[str, ...]
    match_all: bool

    @property
    def empty(self) -> bool:
        return not (self.words or self.uid_ranges or self.history_keys or self.match_all)


def _parse_term(term: str) -> _Term:
    """'efalizumab[tiab] AND (lupus) AND 1:5000000[uid]' -> words, ranges, #K keys."""
    uids = tuple((int(m.group(1)), int(m.group(2) or m.group(1))) for m in _TERM_UID.finditer(term))
    rest = _TERM_UID.sub(" ", term)
    keys = tuple(_TERM_HISTORY.findall(rest))
    rest = _TERM_HISTORY.sub(" ", rest)
    match_all = bool(_TERM_ALL.search(rest))
    rest = _FIELD_TAG.sub(" ", _TERM_ALL.sub(" ", rest))
    words = tuple(w for w in (w.strip('()"*').lower() for w in rest.split())
                  if w and w != "and" and any(ch.isalnum() for ch in w))
    return _Term(words, uids, keys, match_all)


def _search_text(article: bytes) -> str:
    """Title and abstract of a record, lower case, for matching words."""
    elem = ET.fromstring(article)
    parts = [*elem.iter("ArticleTitle"), *elem.iter("BookTitle"), *elem.iter("AbstractText")]
    return " ".join(" ".join("".join(part.itertext()).split()) for part in parts).lower()


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
        self.window = 9_999                   # PubMed's ids per search; smaller in a test
        self.keep_history = True              # False: every WebEnv is forgotten at once (expired)
        self._history: dict[str, list[tuple[str, ...]]] = {}   # WebEnv -> sets (query key k: [k-1])
        self._texts: dict[str, str] = {}
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

    def esearch_requests(self) -> list[StubRequest]:
        return [r for r in self.requests if r.endpoint == "esearch"]

    def forget_history(self) -> None:
        """Forget every WebEnv, as NCBI does after some hours."""
        with self._lock:
            self._history.clear()

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
            if endpoint not in ("efetch.fcgi", "esearch.fcgi"):
                return 404, "text/plain", b"the stub serves only efetch.fcgi and esearch.fcgi\n", fault
            if fault == "html":
                return 200, "text/html; charset=utf-8", _UNAVAILABLE, fault
            if endpoint == "esearch.fcgi":
                return self._esearch(params) + (fault,)
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
        webenv, query_key = _param(params, "webenv"), _param(params, "query_key")
        if not ids and webenv and query_key:
            return self._efetch_history(params, webenv, query_key)
        if not ids:
            return 400, "text/xml; charset=UTF-8", _ncbi_error_xml("Empty id list - nothing todo")
        bad = next((i for i in ids if not _DIGITS.fullmatch(i)), None)
        if bad is not None:
            return 400, "text/xml; charset=UTF-8", _ncbi_error_xml(f"Invalid uid {bad[:40]}")
        wanted = dict.fromkeys(str(int(i)) for i in ids)
        found = [self.records[p] for p in wanted if p in self.records]
        return 200, "text/xml; charset=UTF-8", b"".join([EFETCH_HEAD, *found, EFETCH_TAIL])


    # --- esearch and the history server --------------------------------------------------

    def _stored_set(self, webenv: str, query_key: str) -> tuple[str, ...] | None:
        with self._lock:
            sets = self._history.get(webenv, [])
        index = int(query_key) - 1 if query_key.isdigit() else -1
        return sets[index] if 0 <= index < len(sets) else None

    def _keep_set(self, webenv: str, pmids: tuple[str, ...]) -> tuple[str, str]:
        """Keep a hit list under the next query key of ``webenv`` (a new WebEnv when unknown)."""
        with self._lock:
            if webenv not in self._history:
                webenv = "MCID_" + secrets.token_hex(12)
                self._history[webenv] = []
            self._history[webenv].append(pmids)
            key = str(len(self._history[webenv]))
            if not self.keep_history:
                del self._history[webenv]
            return webenv, key

    def _matches(self, pmid: str, term: _Term) -> bool:
        if not all(lo <= int(pmid) <= hi for lo, hi in term.uid_ranges):
            return False
        if pmid not in self._texts:
            self._texts[pmid] = _search_text(self.records[pmid])
        return all(word in self._texts[pmid] for word in term.words)

    def _hits(self, term: _Term, webenv: str) -> list[str] | str:
        """PMIDs matching, newest first; or the key of a set that cannot be found."""
        allowed: set[str] | None = None
        for key in term.history_keys:
            stored = self._stored_set(webenv, key)
            if stored is None:
                return key
            allowed = set(stored) if allowed is None else allowed & set(stored)
        pmids = sorted(self.records, key=int, reverse=True)
        return [p for p in pmids if (allowed is None or p in allowed) and self._matches(p, term)]

    def _esearch(self, params: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if (_param(params, "retmode") or "xml").lower() != "json":
            return 400, "text/plain", b"the stub answers esearch with retmode=json only\n"
        term = _parse_term(" ".join(params.get("term", [])))
        if term.empty:
            return _esearch_error("Empty term and query_key - nothing todo", status=400)
        webenv = _param(params, "webenv")
        hits = self._hits(term, webenv)
        if isinstance(hits, str):
            return _esearch_error(f"Unable to obtain query #{hits}")
        if (_param(params, "rettype") or "").lower() == "count":
            body = {"header": _ESEARCH_HEADER, "esearchresult": {"count": str(len(hits))}}
            return 200, "application/json; charset=UTF-8", json.dumps(body).encode()
        retstart = int(_param(params, "retstart") or 0)
        retmax = int(_param(params, "retmax") or 20)
        if retstart > self.window - 1 and len(hits) > self.window:
            limit = _RETSTART_LIMIT.format(last=self.window - 1, window=self.window)
            return _esearch_error("Search Backend failed: Exception:\n" + limit)
        end = min(retstart + retmax, self.window)
        result: dict[str, object] = {"count": str(len(hits)), "retmax": str(max(0, end - retstart)),
                                     "retstart": str(retstart)}
        if (_param(params, "usehistory") or "").lower() in ("y", "yes"):
            result["webenv"], result["querykey"] = self._keep_set(webenv, tuple(hits))
        result["idlist"] = hits[retstart:end]
        messages = [f"Restrictions achieved. start and count adjusted to {retstart}, {max(0, end - retstart)}"
                    ] if retstart + retmax > self.window else []
        if not hits:
            messages.append("No items found.")
        if messages:
            result["warninglist"] = {"outputmessages": messages}
        body = {"header": _ESEARCH_HEADER, "esearchresult": result}
        return 200, "application/json; charset=UTF-8", json.dumps(body).encode()

    def _efetch_history(self, params: dict[str, list[str]], webenv: str,
                        query_key: str) -> tuple[int, str, bytes]:
        stored = self._stored_set(webenv, query_key)
        if stored is None:
            return 200, "text/xml; charset=UTF-8", _ncbi_error_doc(f"Unable to obtain query #{query_key}")
        retstart = int(_param(params, "retstart") or 0)
        retmax = int(_param(params, "retmax") or 20)
        if retstart > self.window - 1:
            limit = _RETSTART_LIMIT.format(last=self.window - 1, window=self.window)
            return 400, "text/xml; charset=UTF-8", _ncbi_error_doc(
                "Search backend cannot retrieve history data. Reason: Exception: " + limit)
        found = [self.records[p] for p in stored[retstart:min(retstart + retmax, self.window)]]
        return 200, "text/xml; charset=UTF-8", b"".join([EFETCH_HEAD, *found, EFETCH_TAIL])


def _param(params: dict[str, list[str]], name: str) -> str:
    """The last value of a parameter named in any case (NCBI writes WebEnv, Biopython webenv)."""
    for key, values in params.items():
        if key.lower() == name and values:
            return values[-1].strip()
    return ""


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
                    else "esearch" if parts.path == EUTILS_PATH + "/esearch.fcgi"
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
