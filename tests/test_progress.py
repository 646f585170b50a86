"""The stderr progress bar: drawn only on a terminal, with counts and rate."""

from __future__ import annotations

import io

from extractor.progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_shows_counts_and_rate_on_a_terminal() -> None:
    stream = FakeTerminal()
    with Progress(4, "fetching", stream=stream, width=4) as bar:
        bar.advance(2)
        assert bar.line().startswith("fetching [##--] 2/4  ")
        assert "/s" in bar.line()
        bar.advance(2)
    last = stream.getvalue().rsplit("\r", 1)[1]
    assert last.startswith("fetching [####] 4/4  ") and last.endswith("/s\n")
    assert stream.getvalue().count("\r") >= 3


def test_note_clears_the_bar_line_then_redraws() -> None:
    stream = FakeTerminal()
    with Progress(2, "fetching", stream=stream, width=2) as bar:
        bar.note("retrying after HTTP 503 (attempt 2/6)")
    text = stream.getvalue()
    assert "\r\x1b[2Kretrying after HTTP 503 (attempt 2/6)\n\rfetching [--] 0/2" in text


def test_nothing_is_drawn_off_a_terminal_or_when_disabled() -> None:
    for stream, enabled in [(io.StringIO(), True), (FakeTerminal(), False)]:
        with Progress(3, "fetching", stream=stream, enabled=enabled) as bar:
            bar.advance(3)
        assert stream.getvalue() == ""
