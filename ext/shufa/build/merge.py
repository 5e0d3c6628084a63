"""One site from the runs' outputs: each file from the run that owns it, linked, nothing stale.

The hub's output gives every page it owns and the shared files (``_static/``, the
search index, objects.inv …); each partition's output gives the pages and files of
its provinces and counties (:func:`shufa.core.partitions.owner_of_file`) and its
objects.inv, published as ``inventories/<partition>/objects.inv``. Files are hard
links to the runs' outputs (a copy where the file system has none), a file is
touched only when it changed, and every file of the site that no run gives any
more (a deleted report, a renamed county) is removed. ``_shufa/`` folders hold
what partitions hand the hub and are never published.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..core.model import Archive
from ..core.partitions import HUB, owner_of_file

#: What the runs write for each other, never published.
PRIVATE = "_shufa"


def _files(root: Path) -> dict[str, Path]:
    """Every file under *root* by its ``/``-separated path, ``_shufa/`` left out."""
    found = {}
    for folder, dirs, names in os.walk(root):
        if folder == str(root):
            dirs[:] = [d for d in dirs if d != PRIVATE]
        rel_folder = os.path.relpath(folder, root)
        for name in names:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            found[rel] = Path(folder, name)
    return found


def site_files(archive: Archive, hub: Path, partitions: dict[str, Path]) -> dict[str, Path]:
    """The site's files (path → the run output that gives it)."""
    wanted = {rel: path for rel, path in _files(hub).items() if owner_of_file(archive, rel) == HUB}
    for name, out in partitions.items():
        for rel, path in _files(out).items():
            if rel == "objects.inv":
                wanted[f"inventories/{name}/objects.inv"] = path
            elif owner_of_file(archive, rel) == name:
                wanted[rel] = path
    return wanted


def publish(site: Path, wanted: dict[str, Path]) -> tuple[int, int]:
    """Make *site* hold exactly *wanted*; returns (files linked or copied, files removed)."""
    site.mkdir(parents=True, exist_ok=True)
    placed = removed = 0
    for rel, source in wanted.items():
        target = site / rel
        try:
            if target.samefile(source):
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.publishing")
        tmp.unlink(missing_ok=True)
        try:
            os.link(source, tmp)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(source, tmp)
        os.replace(tmp, target)
        placed += 1
    for rel, path in _files(site).items():
        if rel not in wanted:
            path.unlink()
            removed += 1
    for folder, dirs, names in os.walk(site, topdown=False):
        if not dirs and not names and folder != str(site):
            Path(folder).rmdir()
    return placed, removed
