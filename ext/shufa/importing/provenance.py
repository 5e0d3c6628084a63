"""The original file of an import, kept in the repository beside the data it became.

``shufa import`` records where a report's text came from under
``source.original`` (path, name, format, sha256) and keeps the file itself at
``sources/<county>/<kind>/<year>.<ext>`` — relative to the data folder's
parent, so ``data/`` and ``sources/`` sit side by side (see
:mod:`shufa.core.originals`, which ``shufa check`` uses to verify them).
(``source.retrieved``, the day the copy was obtained, is the pipeline's: :func:`shufa.importing.pipeline.obtained_day`.)

What is kept is the bytes the importer read (:attr:`SourceText.data`), so the
recorded SHA-256 is that of the text imported, even if the file changed while it
was imported. The copy is atomic (a temporary file in the same folder, linked
into place), never made through a symbolic link (each folder of the way is
opened with ``O_NOFOLLOW``: :mod:`shufa.core.nofollow`), and never replaces a
different file without ``--force`` — nor ever a folder or a link. The same file
again is left as it is. If the data file then fails, :meth:`Keeping.undo` takes
the original back, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..core.files import write_atomically
from ..core.nofollow import NotFollowed, lstat_in, open_folder, open_in
from ..core.originals import keep_path
from ..core.problems import display_path
from ..core.yamlfile import escape_unsafe
from .reading import ImportFailure, SourceText
from .writing import new_file_mode


@dataclass
class Keeping:
    """An original to keep: its bytes, where they go, and their record for the data file."""

    data: bytes = field(repr=False)
    #: The repository (the data folder's parent) and the original's path in it.
    root: Path
    rel: str
    record: dict[str, Any]
    _folder: int | None = field(default=None, repr=False)
    _created: list[Path] = field(default_factory=list, repr=False)
    _placed: bool = field(default=False, repr=False)
    _backup: str | None = field(default=None, repr=False)

    @property
    def target(self) -> Path:
        return self.root / self.rel

    @property
    def name(self) -> str:
        return PurePosixPath(self.rel).name

    def undo(self) -> None:
        """Take back what :func:`keep_original` did (the data file could not be written)."""
        folder = self._folder
        if folder is not None:
            if self._backup is not None:
                os.replace(self._backup, self.name, src_dir_fd=folder, dst_dir_fd=folder)
                self._backup = None
            elif self._placed:
                os.unlink(self.name, dir_fd=folder)
            self._placed = False
        self._close()
        for made in reversed(self._created):
            try:
                made.rmdir()
            except OSError:
                break
        self._created = []

    def done(self) -> None:
        if self._backup is not None and self._folder is not None:
            os.unlink(self._backup, dir_fd=self._folder)
        self._backup = None
        self._close()

    def _close(self) -> None:
        if self._folder is not None:
            os.close(self._folder)
            self._folder = None


def plan_original(
    path: Path, data_dir: Path, county: str, kind: str, year: int, source: SourceText
) -> Keeping:
    """Where the original *path* (read as *source*) will be kept and what the data file records."""
    path = Path(path)
    suffix = path.suffix.lower() or f".{source.format_name}"
    rel = keep_path(county, kind, year, suffix)
    # a name with control characters is recorded with them escaped: the data holds no controls
    record = {
        "path": rel,
        "name": escape_unsafe(path.name),
        "format": source.format_name,
        "sha256": source.sha256,
    }
    return Keeping(source.data, Path(data_dir).parent, rel, record)


def keep_original(keeping: Keeping, *, force: bool = False):
    """Put the original in place; returns a function that takes it back."""
    shown = display_path(keeping.target)
    rel = PurePosixPath(keeping.rel)
    try:
        keeping._folder, keeping._created = open_folder(keeping.root, rel.parent, create=True)
    except NotFollowed as exc:
        raise ImportFailure(f"cannot keep the original at {shown}: {exc}") from None
    except OSError as exc:
        raise ImportFailure(f"cannot keep the original at {shown}: {exc.strerror or exc}") from None
    folder, name = keeping._folder, keeping.name
    try:
        have = lstat_in(folder, name)
        if have is not None:
            if _same_file(folder, name, have, keeping, shown):
                keeping.undo()  # nothing was made but the descriptor: nothing to take back
                return keeping.undo
            if not force:
                raise ImportFailure(
                    f"{shown} exists and is a different file; not overwritten (pass --force to replace it)"
                )
            # --force: the old one stays linked aside until the data file is written
            backup = f".{name}.{secrets.token_hex(4)}.old"
            os.link(name, backup, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
            keeping._backup = backup
        write_atomically(
            name, keeping.data, folder=folder, replace=have is not None, mode=new_file_mode(), durable=True
        )
        keeping._placed = True
    except BaseException as exc:
        keeping.undo()
        if isinstance(exc, FileExistsError):
            raise ImportFailure(f"{shown} exists; not overwritten (pass --force)") from None
        if isinstance(exc, OSError):
            raise ImportFailure(f"cannot keep the original at {shown}: {exc.strerror or exc}") from None
        raise
    return keeping.undo


def _same_file(folder: int, name: str, have: os.stat_result, keeping: Keeping, shown: str) -> bool:
    """Whether the file kept at *name* is the original already; :class:`ImportFailure` when what is
    there is no file to compare or replace (a folder, a link, a special file)."""
    if stat.S_ISDIR(have.st_mode):
        raise ImportFailure(
            f"{shown} is a folder; expected the place of the kept original to be free or to hold that "
            "file (move the folder away; it is left as it is)"
        )
    if stat.S_ISLNK(have.st_mode):
        raise ImportFailure(
            f"{shown} is a symbolic link; an original is never written through a link (remove the "
            "link; it is left as it is)"
        )
    try:
        with open_in(folder, name, shown) as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except NotFollowed as exc:
        raise ImportFailure(f"{shown}: {exc}") from None
    return digest == keeping.record["sha256"]
