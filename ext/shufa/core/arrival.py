"""The day a report entered the archive (``added`` in its data file), and writing it there.

``shufa import`` records the day of import (a report imported again with ``--force`` keeps
its day); ``shufa lock`` records the day of its first lock in a data file written by hand or
by an older importer. Feeds list reports by it (:mod:`shufa.core.atomfeeds`): a report added
today heads them, whatever year it covers or when it was published.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .files import write_atomically
from .nofollow import open_regular
from .problems import DataError
from .yamlfile import read_yaml

#: The key of the day in a data file.
ADDED = "added"


def today() -> str:
    """The day of this run, YYYY-MM-DD (the keeper's local calendar)."""
    return dt.date.today().isoformat()


def record_added(path: Path, day: str) -> bool:
    """Add ``added: <day>`` at the end of the data file *path*, which has none; the rest of the
    file (comments, layout) stays byte for byte. The file is replaced whole, and only when the
    written copy reads back as the same document plus the day; False (nothing written) when it
    would not (a file written in flow style, say) or already has one."""
    try:
        before = read_yaml(path).value  # links never followed, the size bounded, UTF-8 checked
        with open_regular(path) as handle:
            raw = handle.read()
    except (DataError, OSError):
        return False
    if not isinstance(before, dict) or ADDED in before:
        return False
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    ending = b"" if not raw or raw.endswith(b"\n") else newline
    new = raw + ending + f"{ADDED}: {day}".encode() + newline

    def check(written: Path) -> None:
        after = read_yaml(written).value
        if after != {**before, ADDED: day}:
            raise ValueError("the data file does not read back as before plus the day")

    try:
        write_atomically(path, new, mode=os.stat(path).st_mode & 0o777, durable=True, check=check)
    except (ValueError, DataError, OSError):
        return False
    return True
