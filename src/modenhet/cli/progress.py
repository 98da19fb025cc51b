"""A progress line on stderr for long runs on a terminal: nothing when stderr is piped, and
nothing for runs that finish within a second.

Written here rather than with a progress-bar library: the line is one `\\r`-rewritten string,
and rich costs more start-up than every command's budget allows (benchmarks/bench_startup.py);
Click's own bar wraps an iterable, while a batch run's documents arrive through its reporter.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`Evaluated 1,234 of 3,000 documents (3 failed) · 410/s · about 4 s left`, or without
    the total and the time left when the total is not known (JSONL, standard input), rewritten
    in place at most five times a second."""

    DELAY = 1.0  # seconds before the line first appears
    INTERVAL = 0.2

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        total: int | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total
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
        self.stream.write("\r" + self.text(count, failed, now - self.started).ljust(self.width))
        self.stream.flush()

    def text(self, count: int, failed: int, elapsed: float) -> str:
        rate = count / elapsed if elapsed > 0 else 0.0
        if self.total is None:
            text = f"Evaluated {count:,} documents ({failed:,} failed) · {rate:,.0f}/s"
        else:
            text = f"Evaluated {count:,} of {self.total:,} documents ({failed:,} failed)"
            text += f" · {rate:,.0f}/s"
            if rate > 0 and count < self.total:
                text += f" · about {duration((self.total - count) / rate)} left"
        self.width = max(self.width, len(text))
        return text

    def clear(self) -> None:
        """Remove the line before anything else is written below it."""
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def duration(seconds: float) -> str:
    """`4 s`, `2 min 5 s`, `1 h 3 min`: rounded up, as a time left is."""
    whole = max(int(seconds + 0.999), 1)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"
