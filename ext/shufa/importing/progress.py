"""Progress for several files, and a result table; no dependencies.

On a terminal the bar redraws one line of stderr (``[#####.....] 3/6 name``);
elsewhere (a log, CI, a pipe) each step is one plain line. Tables align
columns by display width, so Chinese text lines up.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    """Steps of a known count, shown on *stream* (stderr by default)."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.shown = False

    def step(self, label: str) -> None:
        """Announce the next step (*label*: what is being worked on)."""
        self.done += 1
        if self.tty:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.stream.write(f"\r\x1b[K[{bar}] {self.done}/{self.total} {label}")
            self.shown = True
        else:
            self.stream.write(f"[{self.done}/{self.total}] {label}\n")
        self.stream.flush()

    def clear(self) -> None:
        """Remove the bar (before printing other output, and at the end)."""
        if self.tty and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def width(text: str) -> int:
    """Display width: wide (Chinese) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """*rows* under *headers*, columns aligned by display width."""
    table = [headers, *rows]
    widths = [max(width(str(row[i])) for row in table) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(table):
        cells = [str(cell) + " " * (widths[i] - width(str(cell))) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
