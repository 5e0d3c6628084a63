"""One site from the runs' outputs: each file from the run that owns it, linked, nothing stale.

The hub's output gives every page it owns and the shared files (``_static/``, the
search index, objects.inv …); each partition's output gives the pages and files of
its provinces and counties (:func:`shufa.core.partitions.owner_of_file`) and its
objects.inv, published as ``inventories/<partition>/objects.inv``. Files are hard
links to the runs' outputs (a copy where the file system has none), a file is
touched only when it changed, and every file of the site that no run gives any
more (a deleted report, a renamed county) is removed. ``_shufa/`` folders hold
what partitions hand the hub and are never published.

Each run's list of files is kept beside its record (``runs/<name>/files.json``): a
run that was not built again (its inputs unchanged) keeps its files as they are,
unwalked, so the work of a build follows what changed, not the size of the site.
A site folder that is not the one the lists describe (``.shufa-site`` holds its
mark) is made again from every run's output.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

from ..core.files import write_atomically, write_if_changed
from ..core.model import Archive
from ..core.partitions import HUB, owner_of_file

#: What the runs write for each other, never published.
PRIVATE = "_shufa"
#: The site's mark: the lists in the work folder describe the site that holds the same one.
MARK = ".shufa-site"
LIST = "files.json"


def _files(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under *root* by its ``/``-separated path, with its full path and its inode's
    change time (ns); ``_shufa/`` left out."""
    found: dict[str, tuple[str, int]] = {}
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name != PRIVATE:
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    found[prefix + entry.name] = (entry.path, entry.stat(follow_symlinks=False).st_ctime_ns)
    return found


def run_files(archive: Archive, name: str, out: Path) -> dict[str, tuple[str, int]]:
    """The site's files that run *name* gives (site path → the file in its output, its ctime)."""
    wanted = {}
    for rel, found in _files(out).items():
        if name != HUB and rel == "objects.inv":
            wanted[f"inventories/{name}/objects.inv"] = found
        elif owner_of_file(archive, rel) == name:
            wanted[rel] = found
    return wanted


class Publication:
    """The site made from the runs' outputs, in steps: the partitions' files can be placed while
    the hub still builds, then the hub's (:meth:`publish` once per group of runs, :meth:`close`
    at the end).

    A file of a built run that the site had already and that nothing has touched since
    *since_ns* (the build's start: its inode's change time is older) is the file the site links
    to, and is not looked at again. A publication that does not close leaves the site unknown,
    so that the next one makes it whole from every run's output."""

    def __init__(self, site: Path, archive: Archive, runs: Path, since_ns: int = 0) -> None:
        self.site, self.archive, self.runs = site, archive, runs
        site.mkdir(parents=True, exist_ok=True)
        self.mark = site / MARK
        self.record = runs / "site.json"
        try:
            known = json.loads(self.record.read_text(encoding="utf-8")) == self.mark.read_text(
                encoding="utf-8"
            )
        except (OSError, ValueError):
            known = False
        self.known = known
        self.record.unlink(missing_ok=True)  # written again once the site is whole
        self.since_ns = since_ns if known else 0
        if not known:  # another site folder, or one made by hand: every run is published anew
            for path, _ in _files(site).values():
                os.unlink(path)
        #: every file the runs published so far give (a file may move from one run to another)
        self.kept: set[str] = set()
        self.files = self.placed = self.removed = 0
        self.emptied: set[Path] = set()

    def publish(self, outputs: dict[str, Path], built: set[str]) -> None:
        """Place the files of the runs of *outputs* (name → output folder); the runs not in
        *built* are taken as they were last published."""
        site, runs = self.site, self.runs
        if not self.known:
            built = set(outputs)
        old: dict[str, list[str]] = {}
        new: dict[str, dict[str, tuple[str, int]] | list[str]] = {}
        for name, out in outputs.items():
            listing = runs / name / LIST
            try:
                old[name] = json.loads(listing.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old[name], built = [], built | {name}
            new[name] = run_files(self.archive, name, out) if name in built else old[name]
        keep = {rel for files in new.values() for rel in files}
        self.kept |= keep
        self.files += len(keep)
        for name, files in old.items():
            if name not in built and self.known:
                continue  # a run not built again gives the files it gave
            for rel in set(files) - keep - self.kept:
                (site / rel).unlink(missing_ok=True)
                self.emptied.add((site / rel).parent)
                self.removed += 1
        for name, files in new.items():
            if name not in built:
                continue
            had = set(old[name]) if self.since_ns else set()
            for rel, (source, changed) in files.items():  # type: ignore[union-attr]
                if changed < self.since_ns and rel in had:
                    continue
                self.placed += _place(site / rel, source)
            write_if_changed(runs / name / LIST, json.dumps(sorted(files), ensure_ascii=False))

    def close(self) -> tuple[int, int, int]:
        """The site is whole: its mark recorded. Returns (files, placed, removed)."""
        site = self.site
        if self.known:
            _remove_empty(site, self.emptied)
            token = self.mark.read_text(encoding="utf-8")
        else:  # made anew: whatever folder the old content left empty goes
            for folder, dirs, names in os.walk(site, topdown=False):
                if not dirs and not names and folder != str(site):
                    Path(folder).rmdir()
            token = secrets.token_hex(8)
            self.mark.write_text(token, encoding="utf-8")
        write_if_changed(self.record, json.dumps(token))
        return self.files, self.placed, self.removed


def _remove_empty(site: Path, folders: set[Path]) -> None:
    """Remove the folders of *folders* left empty, and their parents left empty, up to *site*
    (only where files were removed: the site has 100,000 folders at national scale)."""
    for folder in sorted(folders, key=lambda f: -len(f.parts)):
        while folder != site and site in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty, or gone already
                if folder.exists():
                    break
            folder = folder.parent


def _place(target: Path, source: Path) -> int:
    """*target* made a link to *source* unless it is one already; 1 if it was placed."""
    try:
        if target.samefile(source):
            return 0
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)

    def link(tmp: Path) -> None:
        try:
            os.link(source, tmp)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(source, tmp)

    # the run's file itself, its mode untouched; one temporary name (a killed publication's goes)
    write_atomically(target, link, mode=None, temporary=target.with_name(f".{target.name}.publishing"))
    return 1


def forget(site: Path, runs: Path, name: str) -> int:
    """Remove from *site* the files of a run that is no more (a partition the data no longer has)."""
    try:
        files = json.loads((runs / name / LIST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    for rel in files:
        (site / rel).unlink(missing_ok=True)
    return len(files)
