"""Writing output files: only when their bytes change, and all at once.

Sphinx has ``sphinx.util.osutil.FileAvoidWrite`` for the first half; it rewrites the
file in place, so a build killed while writing can leave a truncated file behind that
a later build compares against and keeps. Every file the plugins write themselves goes
through :func:`write_if_changed` instead: a temporary file renamed over the old one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_if_changed(path: Path, text: str) -> bool:
    """Write *text* to *path* (UTF-8) unless it holds exactly that already; True if written.

    The new content replaces the old in one rename, so the file is always either the old
    one or the new one; missing folders are made.
    """
    return write_bytes_if_changed(path, text.encode("utf-8"))


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """:func:`write_if_changed` for bytes: *data* at *path* (mode 0644) unless it is there already."""
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; these are ordinary site and project files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def script_json(value: Any, *, sort_keys: bool = False) -> str:
    """*value* as compact JSON that is safe inside a script element or a ``.js`` file the site
    loads: ``<`` is written ``\\u003c``, so that no text in it can end the element (``</script>``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
    return text.replace("<", "\\u003c")
