"""A progress line on stderr for long runs on a terminal: nothing when stderr is piped, and
nothing for runs that finish within a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`Evaluated 12,345 documents (3 failed)`, rewritten in place at most five times a second."""

    DELAY = 1.0  # seconds before the line first appears
    INTERVAL = 0.2

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()
        self.shown = 0.0
        self.width = 0

    def update(self, count: int, failed: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.DELAY or now - self.shown < self.INTERVAL:
            return
        self.shown = now
        rate = count / (now - self.started)
        text = f"Evaluated {count:,} documents ({failed:,} failed) · {rate:,.0f}/s"
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()

    def clear(self) -> None:
        """Remove the line before anything else is written below it."""
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
