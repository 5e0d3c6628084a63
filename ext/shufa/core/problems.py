"""Located problems in data files: what every check and loader reports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at a line and column (1-based; 0 when unknown).

    An error keeps what it is about out of the archive (a report that does not load has no
    page). A warning does not: the page is built with what is there, and the problem is
    listed all the same — by ``shufa check``, which fails on it, and as a build warning,
    which fails a build with ``-W`` (``make html``).
    """

    path: str
    line: int
    col: int
    message: str
    #: Warning subtype for Sphinx (``shufa.<code>``), so users can silence one kind by name.
    code: str = "data"
    #: :data:`ERROR` or :data:`WARNING`.
    severity: str = ERROR

    def __post_init__(self) -> None:
        # A message is one line of visible text, whatever value it quotes: a newline, a
        # zero-width space or a control character in a quoted key or value is shown escaped
        # (“nanshan\n”), so a message never breaks a line or hides what is wrong.
        if not self.message.isprintable():
            object.__setattr__(self, "message", visible(self.message))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        """``file:line:col`` (or less when line or column are unknown)."""
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def visible(text: str) -> str:
    """*text* with every character that does not print (newlines, controls, invisible
    format characters) written as an escape: ``\\n``, ``\\u200b``."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class DataError(Exception):
    """Raised where a file cannot be read at all; carries its located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def display_path(path: Path) -> str:
    """The path as users should see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel
