"""The fetch stage against the local NCBI stub (tests/ncbi_stub.py), and the rate limiter."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest
from ncbi_stub import EFETCH_HEAD, EFETCH_TAIL, NCBIStub

from extractor import __version__
from extractor.errors import FetchError, InvalidPMID, PMIDNotFound
from extractor.ncbi.fetch import (
    DEFAULT_EUTILS_URL,
    DEFAULT_PAGE_URL,
    TOOL,
    PubMedClient,
    RetryEvent,
    Timeouts,
    backoff_delay,
    describe_pmids,
)
from extractor.ncbi.ratelimit import RateLimiter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EMPTY_SET = EFETCH_HEAD + EFETCH_TAIL   # "<PubmedArticleSet>\n</PubmedArticleSet>" in NCBI's head

# Records the tests rely on (fixtures/pubmed_xml): 11618220.xml holds one record, exactly
# as efetch sent it; pubmed1.xml (biopython) holds 12091962 and 9997.
SINGLE_RECORD_FILE = FIXTURES / "pubmed_xml" / "11618220.xml"
KNOWN = ["12091962", "9997"]


def fake_pmids(n: int) -> list[str]:
    """n distinct valid PMIDs that the stub does not hold (it answers with what it has)."""
    return [str(800_000_000 + i) for i in range(n)]


def make_client(stub: NCBIStub, **overrides: object) -> PubMedClient:
    """A client for the stub with a fast limiter and tiny backoff, so tests stay quick."""
    options: dict[str, object] = dict(eutils_url=stub.eutils_url, page_url=stub.page_url,
                                      limiter=RateLimiter(1000), backoff_base=0.001,
                                      backoff_cap=0.005, timeouts=Timeouts(2, 5))
    options.update(overrides)
    return PubMedClient(**options)  # type: ignore[arg-type]


class FakeClock:
    """A clock whose sleep() just moves time forward."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# --- efetch: records, batching, parameters ---------------------------------------------

def test_efetch_returns_the_recorded_answer_byte_for_byte(ncbi_stub: NCBIStub) -> None:
    pmid = SINGLE_RECORD_FILE.stem
    with make_client(ncbi_stub) as client:
        assert client.fetch_efetch([pmid]) == SINGLE_RECORD_FILE.read_bytes()


def test_efetch_keeps_request_order_and_leaves_out_unknown_pmids(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub) as client:
        xml = client.fetch_efetch(["9997", "800000001", "12091962"])
    records = ncbi_stub.records
    assert xml == EFETCH_HEAD + records["9997"] + records["12091962"] + EFETCH_TAIL


def test_empty_efetch_answer_is_a_success(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub) as client:
        [batch] = list(client.fetch_efetch_batches(["800000001"]))
    assert batch.ok and batch.error is None
    assert batch.xml == EMPTY_SET
    assert batch.xml.endswith(b"\n<PubmedArticleSet>\n</PubmedArticleSet>")
    assert batch.xml_or_raise() == batch.xml


@pytest.mark.parametrize(("count", "sizes"), [
    (1, [1]),
    (150, [150]),
    (200, [200]),
    (201, [200, 1]),
    (450, [200, 200, 50]),
])
def test_batches_of_at_most_200_sent_as_post(ncbi_stub: NCBIStub, count: int, sizes: list[int]) -> None:
    pmids = fake_pmids(count - 1) + ["9997"]
    with make_client(ncbi_stub) as client:
        batches = list(client.fetch_efetch_batches(pmids))
    requests = ncbi_stub.efetch_requests()
    assert [len(r.ids) for r in requests] == sizes
    assert {r.method for r in requests} == {"POST"}
    assert [r.ids for r in requests] == [list(b.pmids) for b in batches]
    assert [i for b in batches for i in b.pmids] == pmids
    assert [b.ok for b in batches] == [True] * len(sizes)
    assert b"<PMID Version=\"1\">9997</PMID>" in batches[-1].xml_or_raise()


def test_ids_go_in_the_form_body_not_the_url(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub) as client:
        list(client.fetch_efetch_batches(KNOWN))
    [request] = ncbi_stub.efetch_requests()
    assert request.path == "/entrez/eutils/efetch.fcgi"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.param("id") == "12091962,9997"


def test_repeated_pmids_are_fetched_once(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub) as client:
        [batch] = list(client.fetch_efetch_batches(["9997", "12091962", "9997"]))
    assert batch.pmids == ("9997", "12091962")
    assert ncbi_stub.efetch_requests()[0].ids == ["9997", "12091962"]


def test_smaller_batch_size(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub) as client:
        batches = list(client.fetch_efetch_batches(fake_pmids(5), batch_size=2))
    assert [b.pmids for b in batches] == [("800000000", "800000001"), ("800000002", "800000003"),
                                          ("800000004",)]


@pytest.mark.parametrize("batch_size", [0, 201])
def test_batch_size_out_of_range(ncbi_stub: NCBIStub, batch_size: int) -> None:
    with make_client(ncbi_stub) as client, pytest.raises(ValueError, match="batch_size"):
        list(client.fetch_efetch_batches(KNOWN, batch_size=batch_size))


@pytest.mark.parametrize("bad", ["abc", "0", "0123", "1234567890", "12 34", "", "-5"])
def test_invalid_pmid_is_refused_before_any_request(ncbi_stub: NCBIStub, bad: str) -> None:
    with make_client(ncbi_stub) as client:
        with pytest.raises(InvalidPMID):
            list(client.fetch_efetch_batches(["9997", bad]))
        with pytest.raises(InvalidPMID):
            client.fetch_page(bad)
    assert ncbi_stub.requests == []


@pytest.mark.parametrize("good", ["1", "9997", "999999999", " 17638731 "])
def test_valid_pmids_are_accepted(ncbi_stub: NCBIStub, good: str) -> None:
    with make_client(ncbi_stub) as client:
        [batch] = list(client.fetch_efetch_batches([good]))
    assert batch.pmids == (good.strip(),)


def test_tool_email_api_key_and_user_agent_are_sent(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub, api_key="k3y", email="me@example.org") as client:
        client.fetch_efetch(KNOWN)
    [request] = ncbi_stub.requests
    assert {name: request.param(name) for name in ("db", "retmode", "tool", "email", "api_key")} == {
        "db": "pubmed", "retmode": "xml", "tool": "pubmed-trial-extractor",
        "email": "me@example.org", "api_key": "k3y"}
    assert request.headers["User-Agent"].startswith(f"pubmed-trial-extractor/{__version__} ")


def test_without_key_or_email_only_tool_is_sent(ncbi_stub: NCBIStub,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.delenv("NCBI_EMAIL", raising=False)
    with make_client(ncbi_stub) as client:
        client.fetch_efetch(KNOWN)
    [request] = ncbi_stub.requests
    assert (request.param("tool"), request.param("email"), request.param("api_key")) == (TOOL, None, None)


def test_settings_come_from_the_environment(ncbi_stub: NCBIStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBMED_EUTILS_URL", ncbi_stub.eutils_url)
    monkeypatch.setenv("PUBMED_PAGE_URL", ncbi_stub.page_url)
    monkeypatch.setenv("NCBI_API_KEY", "envkey")
    monkeypatch.setenv("NCBI_EMAIL", "env@example.org")
    with PubMedClient(backoff_base=0.001) as client:
        assert client.limiter.rate == 10            # NCBI's limit with an API key
        client.fetch_efetch(KNOWN)
    [request] = ncbi_stub.requests
    assert (request.param("api_key"), request.param("email")) == ("envkey", "env@example.org")


def test_arguments_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBMED_EUTILS_URL", "http://env.invalid/eutils")
    monkeypatch.setenv("NCBI_API_KEY", "envkey")
    client = PubMedClient(eutils_url="http://arg.invalid/eutils/", api_key="argkey")
    assert (client.eutils_url, client.api_key, client.page_url) == (
        "http://arg.invalid/eutils", "argkey", DEFAULT_PAGE_URL)


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PUBMED_EUTILS_URL", "PUBMED_PAGE_URL", "NCBI_API_KEY", "NCBI_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    client = PubMedClient()
    assert (client.eutils_url, client.page_url, client.api_key, client.email, client.limiter.rate) == (
        DEFAULT_EUTILS_URL, DEFAULT_PAGE_URL, None, None, 3)


# --- retries ---------------------------------------------------------------------------

def test_429_then_503_then_success(ncbi_stub: NCBIStub) -> None:
    events: list[RetryEvent] = []
    ncbi_stub.fail_next([429, 503])
    with make_client(ncbi_stub, on_retry=events.append) as client:
        xml = client.fetch_efetch(KNOWN)
    assert xml.startswith(EFETCH_HEAD) and b">9997</PMID>" in xml
    assert [r.status for r in ncbi_stub.requests] == [429, 503, 200]
    assert [str(e) for e in events] == ["retrying after HTTP 429 (attempt 2/6)",
                                        "retrying after HTTP 503 (attempt 3/6)"]
    assert [e.pmids for e in events] == [tuple(KNOWN)] * 2


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_server_errors_are_retried(ncbi_stub: NCBIStub, status: int) -> None:
    ncbi_stub.fail_next([status])
    with make_client(ncbi_stub) as client:
        client.fetch_efetch(KNOWN)
    assert [r.status for r in ncbi_stub.requests] == [status, 200]


def test_gives_up_after_max_attempts_naming_the_pmids(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.set_down(True)
    with make_client(ncbi_stub) as client, pytest.raises(FetchError) as caught:
        client.fetch_efetch(["1", "2", "3"])
    error = caught.value
    assert str(error) == "efetch failed after 6 attempts (HTTP 503) for PMIDs 1, 2, 3"
    assert (error.status, error.pmids, error.url) == (503, ["1", "2", "3"],
                                                      ncbi_stub.eutils_url + "/efetch.fcgi")
    assert len(ncbi_stub.requests) == 6


def test_max_attempts_is_configurable(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.set_down(True)
    with make_client(ncbi_stub, max_attempts=2) as client, pytest.raises(FetchError, match="after 2 attempts"):
        client.fetch_efetch(KNOWN)
    assert len(ncbi_stub.requests) == 2


def test_a_failed_batch_does_not_stop_the_next(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.fail_next([503, 503])
    pmids = fake_pmids(3) + KNOWN
    with make_client(ncbi_stub, max_attempts=2) as client:
        first, second, third = client.fetch_efetch_batches(pmids, batch_size=2)
    assert (first.ok, second.ok, third.ok) == (False, True, True)
    assert first.xml is None and first.error is not None
    assert first.error.pmids == ["800000000", "800000001"]
    assert b">9997</PMID>" in third.xml_or_raise()
    with pytest.raises(FetchError, match="for PMIDs 800000000, 800000001$"):
        first.xml_or_raise()


def test_400_is_not_retried(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.fail_next([400])
    events: list[RetryEvent] = []
    with make_client(ncbi_stub, on_retry=events.append) as client, pytest.raises(FetchError) as caught:
        client.fetch_efetch(KNOWN)
    assert str(caught.value) == "efetch failed (HTTP 400: Invalid uid (stub fault)) for PMIDs 12091962, 9997"
    assert caught.value.status == 400
    assert (len(ncbi_stub.requests), events) == (1, [])


def test_a_timeout_is_retried(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.slow_seconds = 1.0
    ncbi_stub.fail_next(["slow"])
    events: list[RetryEvent] = []
    with make_client(ncbi_stub, timeouts=Timeouts(1, 0.3), on_retry=events.append) as client:
        xml = client.fetch_efetch(KNOWN)
    assert b">9997</PMID>" in xml
    assert [str(e) for e in events] == ["retrying after timed out (attempt 2/6)"]
    assert len(ncbi_stub.requests) == 2


def test_timeouts_until_giving_up(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.slow_seconds = 0.5
    ncbi_stub.fail_next(["slow", "slow"])
    with make_client(ncbi_stub, timeouts=Timeouts(1, 0.1), max_attempts=2) as client, \
            pytest.raises(FetchError) as caught:
        client.fetch_efetch(["9997"])
    assert str(caught.value) == "efetch failed after 2 attempts (timed out) for PMID 9997"
    assert caught.value.status is None


def test_a_dropped_connection_is_retried(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.fail_next(["reset"])
    events: list[RetryEvent] = []
    with make_client(ncbi_stub, on_retry=events.append) as client:
        assert b">9997</PMID>" in client.fetch_efetch(KNOWN)
    assert [e.status for e in events] == [None]
    assert events[0].reason.startswith("connection")


def test_a_cut_off_answer_is_retried(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.fail_next(["truncated"])
    events: list[RetryEvent] = []
    with make_client(ncbi_stub, on_retry=events.append) as client:
        xml = client.fetch_efetch(KNOWN)
    assert xml.endswith(b"</PubmedArticle></PubmedArticleSet>")
    assert [str(e) for e in events] == ["retrying after a cut-off efetch answer (attempt 2/6)"]


def test_connection_refused(ncbi_stub: NCBIStub) -> None:
    client = make_client(ncbi_stub, max_attempts=3)
    ncbi_stub.stop()
    with client, pytest.raises(FetchError) as caught:
        client.fetch_efetch(["9997"])
    assert str(caught.value) == "efetch failed after 3 attempts (connection refused) for PMID 9997"


def test_backoff_delays_use_full_jitter_below_the_cap(ncbi_stub: NCBIStub) -> None:
    ncbi_stub.set_down(True)
    slept: list[float] = []
    with make_client(ncbi_stub, backoff_base=1.0, backoff_cap=5.0, sleep=slept.append,
                     rng=random.Random(7)) as client, pytest.raises(FetchError):
        client.fetch_efetch(["9997"])
    expected = [random.Random(7).uniform(0, 1)]   # the first draw of the same seeded RNG
    assert len(slept) == 5
    assert slept[0] == expected[0]
    assert all(0 <= d <= bound for d, bound in zip(slept, [1, 2, 4, 5, 5], strict=True))


@pytest.mark.parametrize(("attempt", "bound"), [(1, 0.5), (2, 1.0), (3, 2.0), (7, 30.0), (30, 30.0)])
def test_backoff_delay_bounds(attempt: int, bound: float) -> None:
    rng = random.Random(attempt)
    delays = [backoff_delay(attempt, 0.5, 30.0, rng) for _ in range(200)]
    assert min(delays) >= 0 and max(delays) <= bound
    assert max(delays) > bound / 2       # jitter spreads over the whole range, not a constant


@pytest.mark.parametrize(("pmids", "text"), [
    (["17638731"], "PMID 17638731"),
    (["1", "2", "3"], "PMIDs 1, 2, 3"),
    ([str(i) for i in range(1, 11)], "PMIDs 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"),
    ([str(i) for i in range(1, 201)], "PMIDs 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 190 more"),
])
def test_describe_pmids(pmids: list[str], text: str) -> None:
    assert describe_pmids(pmids) == text


# --- pages -----------------------------------------------------------------------------

def test_fetch_page_returns_the_html_bytes(ncbi_stub: NCBIStub, tmp_path: Path) -> None:
    html = "<!DOCTYPE html><html><h1 class=\"heading-title\">Ibuprofen – a trial</h1></html>\n"
    (tmp_path / "17638731.html").write_bytes(html.encode("utf-8"))
    ncbi_stub.pages_dir = tmp_path
    with make_client(ncbi_stub) as client:
        assert client.fetch_page("17638731") == html.encode("utf-8")
    [request] = ncbi_stub.requests
    assert (request.method, request.path) == ("GET", "/17638731/")


def test_fetch_page_serves_the_fixture_page(ncbi_stub: NCBIStub) -> None:
    with make_client(ncbi_stub) as client:
        html = client.fetch_page("17638731")
    assert html == (FIXTURES / "pages" / "17638731.html").read_bytes()


def test_fetch_page_404_is_pmid_not_found(ncbi_stub: NCBIStub, tmp_path: Path) -> None:
    ncbi_stub.pages_dir = tmp_path
    with make_client(ncbi_stub) as client, pytest.raises(PMIDNotFound) as caught:
        client.fetch_page("17638731")
    assert (caught.value.pmid, str(caught.value)) == ("17638731", "PMID 17638731 not found")
    assert len(ncbi_stub.requests) == 1


def test_fetch_page_retries_then_gives_up(ncbi_stub: NCBIStub, tmp_path: Path) -> None:
    (tmp_path / "17638731.html").write_bytes(b"<html></html>")
    ncbi_stub.pages_dir = tmp_path
    ncbi_stub.fail_next([502])
    with make_client(ncbi_stub, max_attempts=2) as client:
        assert client.fetch_page("17638731") == b"<html></html>"
        ncbi_stub.set_down(True)
        with pytest.raises(FetchError, match=r"^page failed after 2 attempts \(HTTP 503\) for PMID 17638731$"):
            client.fetch_page("17638731")


# --- the rate limiter ------------------------------------------------------------------

class ServerWindow:
    """NCBI's rule as fake_ncbi.py applies it: a request is counted when it reaches the
    server, and refused when `limit` accepted requests are in the second before it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.accepted: list[float] = []
        self.refused: list[float] = []

    def count(self, now: float) -> bool:
        in_window = [t for t in self.accepted if t > now - 1.0]
        if len(in_window) >= self.limit:
            self.refused.append(now)
            return False
        self.accepted.append(now)
        return True


def send(limiter: RateLimiter, clock: FakeClock, server: ServerWindow,
         stall: float = 0.0, latency: float = 0.01, body: float = 0.0) -> float:
    """One request through the limiter: it reaches the server `stall` seconds after it may
    start, its answer begins `latency` seconds later and its body takes `body` seconds more.
    Returns the time it was counted."""
    with limiter.slot() as held:
        clock.now += stall
        arrived = clock.now
        server.count(arrived)
        clock.now += latency
        held.answered()
        clock.now += body
    return arrived


def test_limiter_ten_requests_at_3_per_second_take_3_seconds() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    server = ServerWindow(3)
    arrivals = [send(limiter, clock, server, latency=0.0) - 1000.0 for _ in range(10)]
    # A sliding window lets a burst of 3 go at once, then 3 more a window (plus the margin) later.
    assert arrivals == pytest.approx([0.0] * 3 + [1.02] * 3 + [2.04] * 3 + [3.06])
    assert server.refused == []


def test_limiter_counts_the_window_from_the_answer_not_the_grant() -> None:
    """The first request reaches the server 0.15 s after it was let go (a thread descheduled,
    a slow connection): the fourth must not reach it within a second of the first.
    The old limiter timed the window from the grant and sent the fourth 1.1 s after it:
    0.95 s after the server counted the first, so the server refused it."""
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    server = ServerWindow(3)
    arrivals = [send(limiter, clock, server, stall=0.15)]
    arrivals += [send(limiter, clock, server) for _ in range(3)]
    assert server.refused == []
    assert arrivals[3] - arrivals[0] == pytest.approx(1.0 + 0.01 + limiter.margin)


@pytest.mark.parametrize("rate", [1, 3, 10])
def test_limiter_keeps_every_server_window_under_the_rate(rate: int) -> None:
    """Whatever each request's delay on the way to the server and back, and the idle gaps
    between them, the server never sees more than `rate` requests in a second."""
    clock = FakeClock()
    limiter = RateLimiter(rate, clock=clock, sleep=clock.sleep)
    server = ServerWindow(rate)
    rng = random.Random(rate)
    for _ in range(300):
        clock.now += rng.choice([0.0, 0.0, 0.0, 0.05, 0.3, 1.2])       # idle gaps
        stall = rng.choice([0.0, 0.0, 0.001, 0.02, 0.15, 0.4])         # on the way there
        send(limiter, clock, server, stall=stall, latency=rng.uniform(0.0, 0.3),
             body=rng.choice([0.0, 0.01, 0.3, 2.0]))
    assert (len(server.accepted), server.refused) == (300, [])


def test_limiter_does_not_wait_when_requests_are_spread_out() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        with limiter.slot() as held:
            assert held.waited == 0.0
        clock.now += 0.4
    assert clock.sleeps == []


def test_limiter_for_ncbi() -> None:
    assert (RateLimiter.for_ncbi(None).rate, RateLimiter.for_ncbi("key").rate) == (3, 10)


def test_a_request_under_way_holds_its_slot() -> None:
    """With rate 1, a second thread may not start until the first request is answered,
    and then only a window (plus the margin) after that answer."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    started: list[float] = []

    def second() -> None:
        with limiter.slot():
            started.append(clock.now)

    with limiter.slot():
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.2)                 # it cannot start while this request is under way
        assert started == []
        clock.now += 5.0                 # the answer comes in 5 s later
    thread.join(10)
    assert started == [pytest.approx(1005.0 + 1.0 + limiter.margin)]


def test_a_long_body_does_not_hold_the_slot() -> None:
    """A 200-record answer may take a while to arrive; the server counted the request before
    it began to answer, so the window runs from the answer's first bytes."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    server = ServerWindow(1)
    first = send(limiter, clock, server, latency=0.1, body=0.6)
    second = send(limiter, clock, server)
    assert second - first == pytest.approx(0.1 + 1.0 + limiter.margin)
    assert server.refused == []


def test_limiter_is_thread_safe() -> None:
    limiter = RateLimiter(5, window=0.1, margin=0.0)
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            with limiter.slot(), lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    gaps = [later - earlier for earlier, later in zip(starts, starts[5:])]
    assert len(gaps) == 15
    assert min(gaps) >= 0.1 - 0.005       # sleep() may wake a hair early on some systems


def test_client_stays_under_the_servers_sliding_window(ncbi_stub: NCBIStub) -> None:
    """With NCBI's real limit of 3/s and our default limiter, no request is refused."""
    ncbi_stub.set_rate_limit(3)
    events: list[RetryEvent] = []
    with PubMedClient(eutils_url=ncbi_stub.eutils_url, on_retry=events.append) as client:
        assert client.limiter.rate == 3
        batches = list(client.fetch_efetch_batches(fake_pmids(3) + KNOWN[:1], batch_size=1))
    assert [b.ok for b in batches] == [True] * 4
    assert [r.status for r in ncbi_stub.requests] == [200] * 4
    assert events == []
    times = [r.time for r in ncbi_stub.requests]
    assert times[3] - times[0] >= 1.0


def test_without_the_limiter_the_stub_answers_429(ncbi_stub: NCBIStub) -> None:
    """The control for the test above: the stub's limit bites a client that does not wait."""
    ncbi_stub.set_rate_limit(3)
    with make_client(ncbi_stub, max_attempts=1) as client:
        batches = list(client.fetch_efetch_batches(fake_pmids(4), batch_size=1))
    assert [b.ok for b in batches] == [True, True, True, False]
    assert str(batches[3].error) == "efetch failed after 1 attempt (HTTP 429) for PMID 800000003"
    assert [r.status for r in ncbi_stub.requests] == [200, 200, 200, 429]


# --- real NCBI -------------------------------------------------------------------------

@pytest.mark.live
def test_live_efetch_and_page_of_17638731(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PUBMED_EUTILS_URL", "PUBMED_PAGE_URL"):
        monkeypatch.delenv(name, raising=False)
    with PubMedClient(timeouts=Timeouts(10, 60), max_attempts=3) as client:
        xml = client.fetch_efetch(["17638731"])
        html = client.fetch_page("17638731")
    assert b'<PMID Version="1">17638731</PMID>' in xml
    assert b"17638731" in html
