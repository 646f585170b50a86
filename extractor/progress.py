"""A progress bar on stderr with counts and rate, drawn only on a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """``[#####-----]  120/173  45.2/s  ETA 1s`` redrawn in place on a TTY; silent otherwise."""

    def __init__(self, total: int, label: str, enabled: bool = True, stream: TextIO | None = None,
                 width: int = 24) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0 and self.stream.isatty()
        self.width = width
        self.done = 0
        self.started = time.monotonic()

    def __enter__(self) -> "Progress":
        self._draw()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        self._draw()

    def note(self, message: str) -> None:
        """Print a message line on the stream without breaking the bar (redrawn below it)."""
        if self.enabled:
            self.stream.write("\r\x1b[2K")
        self.stream.write(f"{message}\n")
        self._draw()

    def line(self) -> str:
        """The bar as text (also used by tests)."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        filled = int(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        eta = f"ETA {int((self.total - self.done) / rate)}s" if rate > 0 and self.done < self.total else ""
        return f"{self.label} [{bar}] {self.done}/{self.total}  {rate:.1f}/s  {eta}".rstrip()

    def _draw(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line())
            self.stream.flush()
