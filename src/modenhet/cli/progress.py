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

from modenhet.i18n import DEFAULT_LANGUAGE, translator
from modenhet.report.words import count_text


class Progress:
    """`Evaluated 1,234 of 3,000 documents (3 failed) · 410/s · about 4 s left`, in the
    reader's language (`Evaluerte 1 234 av 3 000 dokument (3 med feil) · 410/s · om lag 4 s
    att`), or without the total and the time left when the total is not known (JSONL, standard
    input), rewritten in place at most five times a second."""

    DELAY = 1.0  # seconds before the line first appears
    INTERVAL = 0.2

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        total: int | None = None,
        enabled: bool | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.lang = lang
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
        translations = translator(self.lang)
        rate = count / elapsed if elapsed > 0 else 0.0
        numbers = {
            "count": count_text(count, self.lang),
            "failed": count_text(failed, self.lang),
            "total": count_text(self.total or 0, self.lang),
        }
        if self.total is None:
            text = translations.ngettext(
                "Evaluated %(count)s document (%(failed)s failed)",
                "Evaluated %(count)s documents (%(failed)s failed)",
                count,
            )
        else:
            text = translations.ngettext(
                "Evaluated %(count)s of %(total)s document (%(failed)s failed)",
                "Evaluated %(count)s of %(total)s documents (%(failed)s failed)",
                self.total,
            )
        text = text % numbers + f" · {count_text(rate, self.lang)}/s"
        if self.total is not None and rate > 0 and count < self.total:
            left = duration((self.total - count) / rate, self.lang)
            text += " · " + translations.gettext("about %(time)s left") % {"time": left}
        self.width = max(self.width, len(text))
        return text

    def clear(self) -> None:
        """Remove the line before anything else is written below it."""
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def duration(seconds: float, lang: str = "en") -> str:
    """`4 s`, `2 min 5 s`, `1 h 3 min` (`1 t 3 min` in Norwegian): rounded up, as a time left
    is."""
    whole = max(int(seconds + 0.999), 1)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    hours = translator(lang).gettext("%(hours)s h %(minutes)s min")
    return hours % {"hours": whole // 3600, "minutes": whole % 3600 // 60}
