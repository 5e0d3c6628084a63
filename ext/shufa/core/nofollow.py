"""Opening files without following a symbolic link: the one rule for data files and kept originals.

What users bring (data files, kept originals) is never read or written through a symbolic
link: a link named like a data file, or a ``sources/<county>`` folder that is a link, would
otherwise publish or overwrite a file outside the repository (``sources/…/2019.txt →
/etc/passwd``). Files are opened with ``O_NOFOLLOW``; below a *root* (the repository), every
folder on the way is opened the same way (``O_DIRECTORY | O_NOFOLLOW``), one component at a
time relative to the last (``dir_fd``), so no component can be a link, not even one swapped in
between a look and the opening. A FIFO, socket or device is refused without being opened
(opening a FIFO waits for a writer).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO

_FOLLOW_NOT = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)

#: What a special file is called in messages, by its ``stat`` test.
_SPECIAL = (
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


class NotFollowed(OSError):
    """A path that is not opened: a symbolic link, a folder, a special file. ``str()`` says what it
    is and what was expected; :attr:`where` is the path (below the root) that is at fault."""

    def __init__(self, why: str, where: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.where = where

    def __str__(self) -> str:
        return self.why


def not_regular(mode: int) -> str | None:
    """Why a file of *mode* is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symbolic link; expected a regular file (links are never followed)"
    if stat.S_ISDIR(mode):
        return "a folder named like a file; expected a regular file"
    what = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
    return f"special file: {what}; expected a regular file (it is not opened)"


def _parts(rel: str | PurePosixPath) -> list[str]:
    """The names of *rel*, a path below a root; :class:`NotFollowed` for one that leads out of it."""
    path = PurePosixPath(rel)
    parts = [p for p in path.parts if p not in ("", ".")]
    if path.is_absolute() or ".." in parts:
        raise NotFollowed(f"{rel} leads outside the repository; expected a path below it", str(rel))
    return parts


def open_folder(root: Path, rel: str | PurePosixPath, *, create: bool = False) -> tuple[int, list[Path]]:
    """A descriptor of the folder *root*/*rel*, every component of *rel* opened without following
    a link (made when missing and *create*), and the folders made (outermost first).

    Raises :class:`NotFollowed` naming the component that is a link or not a folder;
    ``FileNotFoundError`` for a missing one when not *create*. The caller closes the descriptor."""
    flags = os.O_RDONLY | _DIRECTORY | _FOLLOW_NOT | _CLOEXEC
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    made: list[Path] = []
    walked = PurePosixPath()
    try:
        for name in _parts(rel):
            walked /= name
            try:
                child = os.open(name, flags, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                os.mkdir(name, 0o777, dir_fd=fd)
                made.append(Path(root, walked))
                child = os.open(name, flags, dir_fd=fd)
            except OSError:
                mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    raise NotFollowed(
                        f"{walked} is a symbolic link; expected a folder (links are never followed)",
                        str(walked),
                    ) from None
                if not stat.S_ISDIR(mode):
                    what = "a file" if stat.S_ISREG(mode) else "a special file"
                    raise NotFollowed(f"{walked} is {what}; expected a folder", str(walked)) from None
                raise
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd, made


def lstat_in(folder: int, name: str) -> os.stat_result | None:
    """The status of *name* in the folder *folder* (a link's own), or None when there is none."""
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def open_in(folder: int, name: str, shown: str = "") -> BinaryIO:
    """The regular file *name* of the folder *folder*, opened for reading without following a link."""
    info = lstat_in(folder, name)
    if info is None:
        raise FileNotFoundError(2, "No such file or directory", shown or name)
    why = not_regular(info.st_mode)
    if why:
        raise NotFollowed(why, shown or name)
    fd = os.open(name, os.O_RDONLY | _FOLLOW_NOT | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC, dir_fd=folder)
    handle = os.fdopen(fd, "rb")
    why = not_regular(os.fstat(handle.fileno()).st_mode)  # replaced between the look and the opening
    if why:
        handle.close()
        raise NotFollowed(why, shown or name)
    return handle


def open_regular(path: Path, *, root: Path | None = None) -> BinaryIO:
    """The regular file *path*, opened for reading without following a symbolic link.

    Without *root* the last component must not be a link; with *root* (a folder *path* is
    inside), no component of *path* below *root* may be one. Raises :class:`NotFollowed`
    (a link, a folder, a special file), ``FileNotFoundError``, or another ``OSError``."""
    path = Path(path)
    if root is None:
        folder = os.open(path.parent, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        name = path.name
    else:
        rel = PurePosixPath(path.relative_to(root).as_posix()) if path.is_absolute() else PurePosixPath(path)
        parts = _parts(rel)
        folder, _ = open_folder(Path(root), PurePosixPath(*parts[:-1]) if parts[:-1] else "")
        name = parts[-1]
    try:
        return open_in(folder, name, str(path))
    finally:
        os.close(folder)
