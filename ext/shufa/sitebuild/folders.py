"""The folders ``shufa build`` writes into (the site, the work folder) are its own, one build at a time.

A build removes files in its folders (a deleted report's page, an old partition's outputs),
so it must never be pointed at a folder of someone else's files: a folder is taken only
when it is new or empty, and is then marked (a file of its own); a folder that is not
empty and carries no mark — the user's notes, the data folder, a site built by hand — is
refused before anything in it is touched. The mark is also the lock: a second build of
the same folders waits until the first one ends, and says so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path


class Refused(Exception):
    """The build cannot start or go on; the message says why and what to do (never a traceback)."""


def check(folder: Path, mark: str, option: str) -> None:
    """Refuse *folder* (:class:`Refused`) unless it is new, empty or holds *mark*."""
    if folder.exists() and not folder.is_dir():
        raise Refused(f"{option} {folder} is a file; expected a folder (a new or empty one)")
    if folder.is_symlink() and not folder.exists():
        raise Refused(f"{option} {folder} is a link to nothing; expected a folder (a new or empty one)")
    path = folder / mark
    if os.path.lexists(path):
        if stat.S_ISREG(os.lstat(path).st_mode):
            return
        raise Refused(f"{option} {folder}: {mark} is not a file; expected the mark `shufa build` writes")
    try:
        entries = os.listdir(folder)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise Refused(
            f"{option} {folder} cannot be read ({exc.strerror}); expected a folder of yours"
        ) from None
    if entries:
        shown = ", ".join(sorted(entries)[:3]) + (", …" if len(entries) > 3 else "")
        raise Refused(
            f"{option} {folder} is not empty ({shown}) and was not made by `shufa build` (it has no "
            f"{mark}); nothing in it was touched. Expected a new or empty folder, or one this command "
            "built: give another folder, or move these files away"
        )


def claim(folder: Path, mark: str, option: str) -> None:
    """Make *folder* this command's to write into, or refuse it (:func:`check`).

    A folder that does not exist or is empty is made and given *mark* (a file holding a random
    token); a folder that holds *mark* is one this command made."""
    check(folder, mark, option)
    if not folder.exists():
        # a new folder appears with its mark in it (made aside, then renamed into place), so that
        # nothing ever sees it unmarked
        aside = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.claiming")
        try:
            aside.mkdir(parents=True)
            (aside / mark).write_text(secrets.token_hex(8), encoding="utf-8")
        except OSError as exc:
            shutil.rmtree(aside, ignore_errors=True)
            raise Refused(
                f"{option} {folder} cannot be made ({exc.strerror}); expected a folder that can"
            ) from None
        try:
            os.rename(aside, folder)
            return
        except OSError:  # made meanwhile (by another build): taken as it is found
            shutil.rmtree(aside)
            check(folder, mark, option)
    # an empty folder: marked (by another build at the same moment: ours too)
    with contextlib.suppress(FileExistsError), open(folder / mark, "x", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(8))


@contextlib.contextmanager
def held(folder: Path, mark: str, say: Callable[[str], None]) -> Iterator[None]:
    """Hold *folder* (claimed) for this build: an exclusive lock on its mark, which the system
    releases when the process ends, however it ends. Another build holding it is waited for."""
    with open(folder / mark, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(
                f"shufa: another `shufa build` is using {folder}; waiting for it to end "
                "(Ctrl-C stops waiting)"
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def overlapping(own: dict[str, Path], others: dict[str, Path]) -> list[str]:
    """The pairs of folders (option → folder) where one of *own* is, holds or is inside another
    of *own* or of *others*."""
    folders = {**own, **others}
    resolved = {option: folder.resolve() for option, folder in folders.items()}
    found = []
    names = list(folders)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if first not in own and second not in own:
                continue
            a, b = resolved[first], resolved[second]
            if a == b or a in b.parents or b in a.parents:
                found.append(f"{first} {folders[first]} and {second} {folders[second]}")
    return found
