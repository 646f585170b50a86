"""A thread-safe sliding-window rate limiter for NCBI requests.

NCBI allows 3 E-utilities requests per second without an API key and 10 with one, and
counts them over a sliding one-second window (as does the fake server in the tests): no
window of one second may hold more than `rate` requests *as the server counts them*, that
is when each request reaches it, not when the client decided to send it.

The client cannot see that moment, but it can bound it: the server counts a request after
it was sent and before it answers. So each request holds a slot from the moment it may
start until its answer begins (its status line is in: the body of a 200-record answer may take
longer to arrive than the server took to count the request, and need not hold the slot), and
a request may start only once the request `rate` places before it was answered `window` (plus
a small `margin`) seconds ago. Then any `rate + 1`
requests reach the server at least a window apart, however long each one took to get there
or to be answered: a request sent late (a thread descheduled, a slow connection, a busy
server reading it) only makes the next ones wait longer.

Anchoring the window on the grant instead (a "start") is not enough on its own: a request
that reaches the server 0.15 s after it was granted shifts the server's window by 0.15 s,
and with a 0.1 s margin the request `rate` places later is refused with a 429.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# NCBI's published limits (https://www.ncbi.nlm.nih.gov/books/NBK25497/).
RATE_WITHOUT_KEY = 3
RATE_WITH_KEY = 10

# The window starts when an answer is in, after the server counted the request, so the
# margin only has to cover the resolution of clocks and sleeps: 20 ms is plenty and costs
# 2 % of the throughput.
DEFAULT_MARGIN_S = 0.02


class Slot:
    """One request's hold on the limiter. `waited`: the seconds it waited to start. The hold
    ends at `answered()` (the first bytes of the answer are in: the server counted the
    request before answering) or, at the latest, when the `with` block is left."""

    __slots__ = ("_limiter", "end", "waited")

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter
        self.end: float | None = None
        self.waited = 0.0

    def answered(self) -> None:
        """The answer has begun (its status line is in): the window may run from now. Safe
        to call from another thread, and more than once (the first time counts)."""
        self._limiter._release(self)


class RateLimiter:
    """At most `rate` requests in any `window` seconds, as the server counts them.

    Send every request, retries included, inside `with limiter.slot() as held:`. The block
    is entered once the request may start (`held.waited` says how long it waited); call
    `held.answered()` when the answer begins, and leave the block once it failed or is in.
    Slots are granted under a lock and the wait happens outside it, so threads sharing one
    limiter queue without holding each other up. `clock` and `sleep` can be replaced by fakes in tests.
    """

    def __init__(self, rate: int, window: float = 1.0, margin: float = DEFAULT_MARGIN_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate < 1:
            raise ValueError(f"rate must be at least 1 request per window, not {rate}")
        if window <= 0 or margin < 0:
            raise ValueError("window must be positive and margin not negative")
        self.rate = rate
        self.window = window
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._changed = threading.Condition()
        # The slots granted last (at most `rate`), oldest first, and the latest answer
        # time of every older slot: the next request may start a window after that.
        self._recent: deque[Slot] = deque()
        self._answered = -math.inf

    @classmethod
    def for_ncbi(cls, api_key: str | None, margin: float = DEFAULT_MARGIN_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> RateLimiter:
        """The limiter NCBI asks for: 10 requests/s with an API key, 3 without."""
        return cls(RATE_WITH_KEY if api_key else RATE_WITHOUT_KEY, margin=margin, clock=clock, sleep=sleep)

    @contextmanager
    def slot(self) -> Iterator[Slot]:
        """Wait until a request may start, then hold the slot until its answer begins
        (``Slot.answered``) or the block is left."""
        held, start = self._grant()
        try:
            held.waited = max(start - self._clock(), 0.0)
            if held.waited > 0:
                self._sleep(held.waited)
            yield held
        finally:
            self._release(held)

    def _grant(self) -> tuple[Slot, float]:
        """A new slot and the time its request may start (on this limiter's clock)."""
        with self._changed:
            # Request n needs request n - rate (and every one before it) answered.
            while len(self._recent) >= self.rate:
                oldest = self._recent[0]
                if oldest.end is None:          # still under way: wait for its answer
                    self._changed.wait()
                    continue
                self._recent.popleft()
                self._answered = max(self._answered, oldest.end)
            held = Slot(self)
            self._recent.append(held)
            return held, max(self._clock(), self._answered + self.window + self.margin)

    def _release(self, held: Slot) -> None:
        with self._changed:
            if held.end is None:
                held.end = self._clock()
                self._changed.notify_all()
