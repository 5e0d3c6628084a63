"""Writing files: all at once (one way, :func:`write_atomically`), and only when their bytes change.

Sphinx has ``sphinx.util.osutil.FileAvoidWrite`` for the second half; it rewrites the
file in place, so a build killed while writing can leave a truncated file behind that
a later build compares against and keeps. Every file the plugins write themselves goes
through :func:`write_if_changed` instead; the importer's data files and kept originals and
the site the partitioned build publishes go through :func:`write_atomically` too.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO


def new_file(path: Path) -> BinaryIO:
    """*path* created and opened for writing: a new file (never an existing one, never through a
    symbolic link), readable by its owner only until its mode is set."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def write_atomically(
    path: Path,
    content: bytes | Callable[[Path], None],
    *,
    replace: bool = True,
    mode: int | None = 0o644,
    durable: bool = False,
    check: Callable[[Path], None] | None = None,
    temporary: Path | None = None,
    folder: int | None = None,
) -> None:
    """Put a new file at *path* all at once: so that *path* is always the old file or the new.

    The new file is made beside *path* under a temporary name: *content* is its bytes, or a
    function that makes the file at the (not yet existing) temporary path it is given. *check*
    may refuse the made file (what it raises propagates). Then the file takes *path*'s place in
    one step: renamed over whatever is there (*replace*), or else linked in only where nothing
    is (:class:`FileExistsError` when something is). Nothing is written through a symbolic link:
    the temporary file is new, and a link at *path* is replaced, not followed.

    *mode* is set on the new file (None: it keeps the mode it was made with). *durable*: its bytes
    and the folder's entry are on the disk (fsync) when this returns. *temporary* is a fixed
    temporary name (one a killed run left is replaced, never kept); by default a new one. No
    temporary file is left behind, whatever happens.

    *folder*: a folder's descriptor (opened without following links, :mod:`shufa.core.nofollow`),
    *path* a name in it and *content* bytes; every step is taken in that folder, so nothing is
    written through a link that appears on the way meanwhile.
    """
    if folder is not None:
        assert isinstance(content, bytes) and check is None and temporary is None
        _write_in_folder(folder, str(path), content, replace=replace, mode=mode, durable=durable)
        return
    path = Path(path)
    if temporary is None:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    else:
        tmp = Path(temporary)
        tmp.unlink(missing_ok=True)
    try:
        if isinstance(content, bytes):
            with new_file(tmp) as handle:
                handle.write(content)
        else:
            content(tmp)
        if durable:
            _sync_file(tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        if check is not None:
            check(tmp)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
        if durable:
            _sync_folder(path.parent)
    finally:
        tmp.unlink(missing_ok=True)  # gone after a rename; a second name after a link


def _write_in_folder(
    folder: int, name: str, data: bytes, *, replace: bool, mode: int | None, durable: bool
) -> None:
    """:func:`write_atomically` of *data* at *name* in the folder of the descriptor *folder*."""
    tmp = f".{name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        with os.fdopen(os.open(tmp, flags, 0o600, dir_fd=folder), "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            if durable:
                os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
        else:
            try:
                os.link(tmp, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
            except FileExistsError:
                raise
            except OSError:  # no hard links on this file system: look, then rename
                try:
                    os.stat(name, dir_fd=folder, follow_symlinks=False)
                except FileNotFoundError:
                    os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
                else:
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), name) from None
        if durable:
            os.fsync(folder)
    finally:
        with contextlib.suppress(FileNotFoundError):  # gone after a rename; a second name after a link
            os.unlink(tmp, dir_fd=folder)


def _link_new(tmp: Path, path: Path) -> None:
    """*tmp* linked at *path* only if nothing is there (a hard link fails when the name exists)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: look, then rename
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(tmp, path)


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder cannot be opened everywhere (Windows); the rename itself is atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_if_changed(path: Path, text: str) -> bool:
    """Write *text* to *path* (UTF-8) unless it holds exactly that already; True if written.

    The new content replaces the old in one rename (:func:`write_atomically`), so the file is
    always either the old one or the new one; missing folders are made.
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
    write_atomically(path, data)  # 0644: ordinary site and project files
    return True


def write_new_or_if_changed(path: Path, data: bytes, folders: set[str] | None = None) -> bool:
    """:func:`write_bytes_if_changed`, but a file not there yet is made at its own name at once,
    without a temporary one and a rename (a third of the system calls).

    Only for the files of a writer that, after a run killed mid-way, writes every file of that
    run again through the comparison (the search index's merge: its record is written last, so
    a killed merge is redone), and whose folder nobody reads meanwhile (the hub's output, which
    the site links only once the run ended): a file cut short is then compared and replaced.
    Never through a symbolic link (``O_EXCL``). *folders*: folders known to exist."""
    name = os.fspath(path)
    parent = os.path.dirname(name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    if folders is None or parent not in folders:
        os.makedirs(parent, exist_ok=True)
        if folders is not None:
            folders.add(parent)
    try:
        fd = os.open(name, flags, 0o644)
    except FileExistsError:
        return write_bytes_if_changed(Path(name), data)
    except FileNotFoundError:  # its folder went meanwhile
        os.makedirs(parent, exist_ok=True)
        fd = os.open(name, flags, 0o644)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, 0o644)  # whatever the umask: a site's file
        handle.write(data)
    return True


def script_json(value: Any, *, sort_keys: bool = False) -> str:
    """*value* as compact JSON that is safe inside a script element or a ``.js`` file the site
    loads: ``<`` is written ``\\u003c``, so that no text in it can end the element (``</script>``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
    return text.replace("<", "\\u003c")
