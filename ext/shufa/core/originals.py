"""The kept originals of reports: where they are, and whether they are still the files received.

A data file imported by ``shufa import`` records its original under
``source.original`` (path, name, format, sha256); the original itself is kept
in the repository, at *path* relative to the data folder's parent
(``sources/<county>/<kind>/<year>.<ext>``). :func:`check_original` reports an
original that is missing, not a regular file, reached through a symbolic link,
or whose checksum changed, located at the data file's ``path`` or ``sha256``
line; ``shufa check`` and the build (through :mod:`~shufa.core.loading`) both
call it, and the site publishes only an original it passes. Originals are read
by :func:`open_original`, which follows no symbolic link on the way
(:mod:`shufa.core.nofollow`): a ``sources/…/2019.txt → /etc/passwd`` is a
located problem, never a published file. Checksums are cached by the file's
modification time, size and inode, so an unchanged original is hashed once.

On the site an original is evidence offered for download, never a page a browser
runs (:func:`download_name`): a saved web page is published as
``<year>.original.html.txt``, a name every static server sends as plain text.
What readers open is :func:`view_name`, a page of ours made from its text.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, BinaryIO

from .model import Original, Report
from .nofollow import NotFollowed, open_regular
from .problems import Problem

#: Where originals are kept, relative to the data folder's parent.
SOURCES = "sources"


def original_path(data_dir: Path, original: Original) -> Path:
    """The file of *original* (its path is relative to the data folder's parent)."""
    return Path(data_dir).parent / original.path


#: Suffixes of originals a static server sends with a type no browser runs (plain text, PDF,
#: Word documents): published under their own suffix. Any other (a saved page: ``.html``,
#: ``.htm``, ``.xhtml``) gets ``.txt`` after it, so the page's scripts never run on the site.
SERVED_AS_IS = (".txt", ".pdf", ".docx", ".docm", ".dotx")


def download_name(report: Report) -> str:
    """Where the site offers *report*'s original for download, byte for byte, beside its page:
    ``reports/qinghe/shufa/2023.original.pdf``, ``…/2023.original.html.txt`` (never the page's
    own name, never a name a browser would run)."""
    assert report.original is not None
    suffix = Path(report.original.path).suffix.lower()
    if suffix not in SERVED_AS_IS:
        suffix += ".txt"
    return f"reports/{report.county}/{report.kind}/{report.year}.original{suffix}"


def view_name(report: Report) -> str:
    """The page of ours that shows the text of *report*'s original: ``reports/qinghe/shufa/2023.source.html``."""
    return f"reports/{report.county}/{report.kind}/{report.year}.source.html"


def open_original(data_dir: Path, original: Original) -> BinaryIO:
    """The kept file of *original*, opened for reading without following a symbolic link on the
    way from the repository (:class:`~shufa.core.nofollow.NotFollowed` names the link)."""
    root = Path(data_dir).parent
    return open_regular(root / original.path, root=root)


def keep_path(county: str, kind: str, year: int, suffix: str) -> str:
    """The repository-relative path an original is kept at: ``sources/qinghe/shufa/2023.pdf``."""
    return f"{SOURCES}/{county}/{kind}/{year}{suffix.lower()}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_original(report: Report, data_dir: Path, cache: dict[str, Any] | None = None) -> list[Problem]:
    """Problems of *report*'s kept original: missing, not a regular file, reached through a
    symbolic link, or changed."""
    original = report.original
    if original is None:
        return []
    path = original_path(data_dir, original)
    at_path = (report.path, original.path_line, original.path_column)

    def problem(what: str) -> list[Problem]:
        return [Problem(*at_path, f"source.original.path: {what}", "original")]

    try:
        with open_original(data_dir, original) as handle:
            info = os.fstat(handle.fileno())
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
            key = f"original:{path.resolve()}"
            hit = cache.get(key) if cache is not None else None
            if hit is not None and hit[0] == stamp:
                digest = hit[1]
            else:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
                if cache is not None:
                    cache[key] = (stamp, digest)
    except FileNotFoundError:
        return problem(
            f"the kept original {original.path} is missing; expected the file this report was "
            "imported from (restore it, or import the original again with --force)"
        )
    except NotFollowed as exc:
        if exc.where == str(path) and "symbolic link" in exc.why:
            what = f"the kept original {original.path} is a symbolic link"
        elif exc.where == str(path):
            what = f"the kept original {original.path} is not a file ({exc.why.split(';')[0]})"
        else:
            what = f"the kept original {original.path} is not reached: {exc.why.split(';')[0]}"
        return problem(
            f"{what}; expected the file itself, kept under sources/ (links are never followed, and "
            "the original is not published until it is restored)"
        )
    except OSError as exc:
        return problem(f"cannot read {original.path}: {exc.strerror or exc}")
    if digest != original.sha256:
        return [
            Problem(
                report.path,
                original.sha256_line,
                original.sha256_column,
                f"source.original.sha256: the kept original {original.path} has changed since it "
                f"was imported (its sha256 is now {digest[:12]}…, recorded {original.sha256[:12]}…); "
                "expected the file as received (restore it, or import it again with --force)",
                "original",
            )
        ]
    return []
