"""Located problems in data files: what every check and loader reports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

ERROR = "error"
WARNING = "warning"


class Code(StrEnum):
    """What a problem or warning is about: the subtype of Sphinx warnings (``shufa.<code>``),
    so users can silence one kind by name (``suppress_warnings = ["shufa.citation"]``)."""

    DATA = "data"  #: anything else about a data file
    FILE = "file"  #: a file missing, unreadable or out of place
    ENCODING = "encoding"  #: not UTF-8 text
    YAML = "yaml"  #: not plain YAML
    TEXT = "text"  #: a character that must not hide in text
    SCHEMA = "schema"  #: a value of the wrong type, form or range
    COUNTY = "county"  #: an unknown county
    KIND = "kind"  #: an unknown report kind
    TOPIC = "topic"  #: an unknown topic
    METRIC = "metric"  #: an unknown metric
    PATH = "path"  #: a data file whose content disagrees with its path
    ORDINAL = "ordinal"  #: numbering out of sequence
    ANCHOR = "anchor"  #: an id used twice, or a reference to none
    ANCHOR_LOCK = "anchor-lock"  #: a published anchor that no longer resolves
    CITATION = "citation"  #: a report cited without some of its parts
    ORIGINAL = "original"  #: a kept original file missing or changed
    MISSING = "missing"  #: a generated page naming what the model lacks
    DUPLICATE = "duplicate"  #: a report target defined twice
    REF = "ref"  #: an unresolved report reference
    LINK = "link"  #: a link from a page to a page that is gone
    BASEURL = "baseurl"  #: a site built without html_baseurl (its absolute URLs are unknown)


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
    code: Code = Code.DATA
    #: :data:`ERROR` or :data:`WARNING`.
    severity: str = ERROR

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", Code(self.code))  # a code outside the enum is a bug
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
