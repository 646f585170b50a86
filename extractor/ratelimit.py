"""A thread-safe sliding-window rate limiter for NCBI requests.

NCBI allows 3 E-utilities requests per second without an API key and 10 with one, and
counts them over a sliding one-second window (as does the fake server in the tests). A
naive "one request every 1/3 s" interval is both slower than needed and not enough on its
own: what matters is that no window of one second ever holds more than `rate` request
starts. So this limiter keeps the start times of the last `rate` requests and lets a new
request start only once the oldest of them is `window + margin` seconds old.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# NCBI's published limits (https://www.ncbi.nlm.nih.gov/books/NBK25497/).
RATE_WITHOUT_KEY = 3
RATE_WITH_KEY = 10

# Requests leave the client a few milliseconds before the server counts them, and not
# always with the same delay; a tenth of a second keeps us clear of the server's window.
DEFAULT_MARGIN_S = 0.1


class RateLimiter:
    """At most `rate` request starts in any `window` seconds (plus a safety `margin`).

    Call `acquire()` before every request, retries included. It blocks until a slot is
    free and returns how long it waited. Slots are reserved under a lock and the wait
    happens outside it, so threads sharing one limiter queue in order without holding
    each other up. `clock` and `sleep` can be replaced by fakes in tests.
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
        self._lock = threading.Lock()
        # Start times (reserved, possibly in the future) of the last `rate` requests,
        # oldest first; they never decrease.
        self._starts: deque[float] = deque(maxlen=rate)

    @classmethod
    def for_ncbi(cls, api_key: str | None, margin: float = DEFAULT_MARGIN_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> RateLimiter:
        """The limiter NCBI asks for: 10 requests/s with an API key, 3 without."""
        return cls(RATE_WITH_KEY if api_key else RATE_WITHOUT_KEY, margin=margin, clock=clock, sleep=sleep)

    def reserve(self) -> float:
        """Reserve the next free start time and return it (on this limiter's clock)."""
        with self._lock:
            now = self._clock()
            start = now
            if len(self._starts) == self.rate:
                # The request `rate` places back must be a full window (plus margin) old.
                start = max(now, self._starts[0] + self.window + self.margin)
            self._starts.append(start)
            return start

    def acquire(self) -> float:
        """Block until this request may start; return the seconds waited."""
        start = self.reserve()
        delay = start - self._clock()
        if delay > 0:
            self._sleep(delay)
            return delay
        return 0.0
