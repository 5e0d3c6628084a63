"""The original file of an import, kept in the repository beside the data it became.

``shufa import`` records where a report's text came from under
``source.original`` (path, name, format, sha256) and keeps the file itself at
``sources/<county>/<kind>/<year>.<ext>`` — relative to the data folder's
parent, so ``data/`` and ``sources/`` sit side by side (see
:mod:`shufa.core.originals`, which ``shufa check`` uses to verify them).
``source.retrieved`` is the day the file was saved (its modification time).

The copy is atomic (:func:`shufa.core.files.write_atomically`: a temporary file in the
same folder, linked into place)
and never replaces a different file without ``--force``; the same file again
is left as it is. If the data file then fails, :meth:`Keeping.undo` takes the
original back, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import new_file, write_atomically
from ..core.originals import keep_path, sha256_file
from ..core.problems import display_path
from .reading import ImportFailure
from .writing import make_parents


@dataclass
class Keeping:
    """An original to keep: the file received, where it goes, and its record for the data file."""

    source: Path
    target: Path
    record: dict[str, Any]
    retrieved: str
    _created: list[Path] = field(default_factory=list, repr=False)
    _placed: bool = field(default=False, repr=False)
    _backup: Path | None = field(default=None, repr=False)

    def undo(self) -> None:
        """Take back what :func:`keep_original` did (the data file could not be written)."""
        if self._placed and self.target.exists():
            self.target.unlink()
        if self._backup is not None and self._backup.exists():
            os.replace(self._backup, self.target)
            self._backup = None
        for folder in reversed(self._created):
            try:
                folder.rmdir()
            except OSError:
                break

    def done(self) -> None:
        if self._backup is not None and self._backup.exists():
            self._backup.unlink()
        self._backup = None


def plan_original(path: Path, data_dir: Path, county: str, kind: str, year: int, fmt: str) -> Keeping:
    """Where the original *path* will be kept and what the data file records of it."""
    path = Path(path)
    suffix = path.suffix.lower() or f".{fmt}"
    rel = keep_path(county, kind, year, suffix)
    try:
        mtime = path.stat().st_mtime
        digest = sha256_file(path)
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    retrieved = dt.date.fromtimestamp(mtime).isoformat()
    record = {"path": rel, "name": path.name, "format": fmt, "sha256": digest}
    return Keeping(path, Path(data_dir).parent / rel, record, retrieved)


def keep_original(keeping: Keeping, *, force: bool = False):
    """Copy the original into place; returns a function that takes it back."""
    target = keeping.target
    if target.exists():
        if target.is_file() and sha256_file(target) == keeping.record["sha256"]:
            return keeping.undo  # the same file is kept already: nothing to do, nothing to undo
        if not force:
            raise ImportFailure(
                f"{display_path(target)} exists and is a different file; not overwritten "
                "(pass --force to replace it)"
            )
    keeping._created = make_parents(target.parent)

    def copy(tmp: Path) -> None:
        with new_file(tmp) as out, keeping.source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)

    def unchanged(tmp: Path) -> None:
        if sha256_file(tmp) != keeping.record["sha256"]:
            raise ImportFailure(f"{keeping.source}: changed while it was being imported; import it again")

    try:
        if target.exists():  # --force: keep the old one aside until the data file is written
            fd_bak, bak = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            os.close(fd_bak)
            keeping._backup = Path(bak)
            os.replace(target, keeping._backup)
        # never over a file that appeared meanwhile; as mkstemp made it (owner only), on the disk
        write_atomically(target, copy, replace=False, mode=None, durable=True, check=unchanged)
        keeping._placed = True
    except BaseException as exc:
        keeping.undo()
        if isinstance(exc, FileExistsError):
            raise ImportFailure(f"{display_path(target)} exists; not overwritten (pass --force)") from None
        if isinstance(exc, OSError):
            raise ImportFailure(f"cannot keep the original at {target}: {exc.strerror or exc}") from None
        raise
    return keeping.undo
