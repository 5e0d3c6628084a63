"""The kept originals of reports: where they are, and whether they are still the files received.

A data file imported by ``shufa import`` records its original under
``source.original`` (path, name, format, sha256); the original itself is kept
in the repository, at *path* relative to the data folder's parent
(``sources/<county>/<kind>/<year>.<ext>``). :func:`check_original` reports an
original that is missing or whose checksum changed, located at the data file's
``path`` or ``sha256`` line; ``shufa check`` and the build (through
:mod:`~shufa.core.loading`) both call it. Checksums are cached by the file's
modification time and size, so an unchanged original is hashed once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .model import Original, Report
from .problems import Problem

#: Where originals are kept, relative to the data folder's parent.
SOURCES = "sources"


def original_path(data_dir: Path, original: Original) -> Path:
    """The file of *original* (its path is relative to the data folder's parent)."""
    return Path(data_dir).parent / original.path


def site_name(report: Report) -> str:
    """Where the site offers *report*'s original, beside its page:
    ``reports/qinghe/shufa/2023.original.pdf`` (never the page's own name)."""
    assert report.original is not None
    suffix = Path(report.original.path).suffix.lower()
    return f"reports/{report.county}/{report.kind}/{report.year}.original{suffix}"


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
    """Problems of *report*'s kept original: missing, not inside the repository, or changed."""
    original = report.original
    if original is None:
        return []
    path = original_path(data_dir, original)
    root = Path(data_dir).resolve().parent
    at_path = (report.path, original.path_line, original.path_column)
    if not path.is_file():
        what = "is not a file" if path.exists() else "is missing"
        return [
            Problem(
                *at_path,
                f"source.original.path: the kept original {original.path} {what}; expected the "
                "file this report was imported from (restore it, or import the original again "
                "with --force)",
                "original",
            )
        ]
    if root not in path.resolve().parents:
        return [
            Problem(
                *at_path,
                f"source.original.path: {original.path} leads outside the repository; expected "
                "a file kept under the data folder's parent",
                "original",
            )
        ]
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        key = f"original:{path.resolve()}"
        hit = cache.get(key) if cache is not None else None
        if hit is not None and hit[0] == stamp:
            digest = hit[1]
        else:
            digest = sha256_file(path)
            if cache is not None:
                cache[key] = (stamp, digest)
    except OSError as exc:
        return [
            Problem(
                *at_path, f"source.original.path: cannot read {original.path}: {exc.strerror}", "original"
            )
        ]
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
