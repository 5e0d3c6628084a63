"""One site from the runs' outputs: each file from the run that owns it, linked, nothing stale.

The hub's output gives every page it owns and the shared files (``_static/``, the
search index, objects.inv …); each partition's output gives the pages and files of
its provinces and counties (:func:`shufa.core.partitions.owner_of_file`) and its
objects.inv, published as ``inventories/<partition>/objects.inv``. Files are hard
links to the runs' outputs (a copy where the file system has none), a file is
touched only when it changed, and every file of the site that no run gives any
more (a deleted report, a renamed county, a province gone) is removed. ``_shufa/``
folders hold what partitions hand the hub and are never published.

Each run's list of files is kept beside its record (``runs/<name>/files.json``): a
run that was not built again (its inputs unchanged) keeps its files as they are,
unwalked, so the work of a build follows what changed, not the size of the site.
The lists are also the only files ever removed from the site: a list names every
file of its run that the site may hold (it is widened before files are placed), and
a file that no list names — one the user put there — is never touched. A site
folder that is not the one the lists describe (``.shufa-site`` holds its mark, and
the record ``runs/site.json`` the same), or whose last publication did not close,
is made whole from every run's output.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from ..core.files import write_atomically, write_if_changed
from ..core.model import Archive
from ..core.partitions import HUB, owner_of_file

#: What the runs write for each other, never published.
PRIVATE = "_shufa"
#: The site's mark, a token written when `shufa build` claimed the folder (:mod:`.folders`); the
#: lists in the work folder describe the site whose token the record holds.
MARK = ".shufa-site"
LIST = "files.json"
#: In the runs' folder: the mark of the site the lists describe, once a publication closed.
RECORD = "site.json"
#: The run of a whole archive in one Sphinx run, straight into the site (no partition is named so:
#: partitions have slugs).
SINGLE = "_single"


def output_files(root: Path) -> dict[str, tuple[str, int]]:
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
    for rel, found in output_files(out).items():
        if name != HUB and rel == "objects.inv":
            wanted[f"inventories/{name}/objects.inv"] = found
        elif owner_of_file(archive, rel) == name:
            wanted[rel] = found
    return wanted


def read_list(runs: Path, name: str) -> list[str] | None:
    """The files run *name* last gave the site (None: no list); only paths inside the site."""
    try:
        files = json.loads((runs / name / LIST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(files, list):
        return None
    return [
        f for f in files if isinstance(f, str) and f and not f.startswith("/") and ".." not in f.split("/")
    ]


def write_list(runs: Path, name: str, files: Iterable[str]) -> None:
    write_if_changed(runs / name / LIST, json.dumps(sorted(files), ensure_ascii=False))


def invalidate(runs: Path) -> None:
    """Forget which site the lists describe (the next publication makes the site whole)."""
    (runs / RECORD).unlink(missing_ok=True)


class Publication:
    """The site made from the runs' outputs, in steps: the partitions' files can be placed while
    the hub still builds, then the hub's (:meth:`publish` once per group of runs, :meth:`close`
    at the end).

    Made before any run starts: the record of the site goes at once, so that a build killed at
    any point after (a run that replaced a file the site still links, a publication cut short)
    leaves the site unknown and the next one makes it whole from every run's output. A file of
    a built run that the site had already and that nothing has touched since *since_ns* (the
    build's start: its inode's change time is older) is the file the site links to, and is not
    looked at again."""

    def __init__(self, site: Path, archive: Archive, runs: Path, since_ns: int = 0) -> None:
        self.site, self.archive, self.runs = site, archive, runs
        site.mkdir(parents=True, exist_ok=True)
        self.mark = site / MARK
        try:
            known = json.loads((runs / RECORD).read_text(encoding="utf-8")) == self.mark.read_text(
                encoding="utf-8"
            )
        except (OSError, ValueError):
            known = False
        self.known = known
        invalidate(runs)  # written again once the site is whole
        self.since_ns = since_ns if known else 0
        #: every file the runs published so far give (a file may move from one run to another)
        self.kept: set[str] = set()
        self.published: set[str] = set()
        self.files = self.placed = self.removed = 0
        self.emptied: set[Path] = set()
        #: the site's folders known to exist (placing a file makes its folder)
        self.folders: set[str] = set()

    def publish(self, outputs: dict[str, Path], built: set[str]) -> None:
        """Place the files of the runs of *outputs* (name → output folder); the runs not in
        *built* are taken as they were last published."""
        site, runs = self.site, self.runs
        built = set(outputs) if not self.known else built & set(outputs)
        old: dict[str, list[str]] = {}
        new: dict[str, dict[str, tuple[str, int]] | list[str]] = {}
        for name, out in outputs.items():
            listed = read_list(runs, name)
            if listed is None:
                listed, built = [], built | {name}
            old[name] = listed
            new[name] = run_files(self.archive, name, out) if name in built else listed
        self.published |= set(outputs)
        keep = {rel for files in new.values() for rel in files}
        self.kept |= keep
        self.files += len(keep)
        for name in sorted(built):
            # until its files are placed, a run's list names both what the site had and what it gets
            write_list(runs, name, {*old[name], *new[name]})
            self._remove(set(old[name]) - keep - self.kept)
        for name in sorted(built):
            had = set(old[name]) if self.since_ns else set()
            for rel, (source, changed) in new[name].items():  # type: ignore[union-attr]
                if changed < self.since_ns and rel in had:
                    continue
                self.placed += _place(os.path.join(site, rel), source, self.folders)
            write_list(runs, name, new[name])

    def close(self) -> tuple[int, int, int]:
        """The site is whole: the files of runs that are no more (a partition the data no longer
        has, a build in one run) removed, its mark recorded. Returns (files, placed, removed)."""
        for folder in sorted(self.runs.iterdir()) if self.runs.is_dir() else ():
            if folder.is_dir() and folder.name not in self.published:
                self._remove(set(read_list(self.runs, folder.name) or ()) - self.kept)
                shutil.rmtree(folder)
        _remove_empty(self.site, self.emptied)
        try:
            token = self.mark.read_text(encoding="utf-8")
        except FileNotFoundError:  # a site folder made without `shufa build`'s claim (tests)
            token = secrets.token_hex(8)
            self.mark.write_text(token, encoding="utf-8")
        write_if_changed(self.runs / RECORD, json.dumps(token))
        return self.files, self.placed, self.removed

    def _remove(self, files: Iterable[str]) -> None:
        self.removed += _unlink(self.site, files, self.emptied)


def unpublish(site: Path, runs: Path, keep: str = "") -> int:
    """Remove from *site* every file the runs' lists name (but run *keep*'s), and the folders
    that leaves empty; returns how many were removed."""
    emptied: set[Path] = set()
    count = 0
    for folder in sorted(runs.iterdir()) if runs.is_dir() else ():
        if folder.is_dir() and folder.name != keep:
            count += _unlink(site, read_list(runs, folder.name) or (), emptied)
    _remove_empty(site, emptied)
    return count


def _unlink(site: Path, files: Iterable[str], emptied: set[Path]) -> int:
    """Remove the listed *files* from *site* (and a copy a placing cut short left beside one);
    their folders are noted in *emptied*. Returns how many were there."""
    count = 0
    for rel in files:
        path = site / rel
        _publishing(path).unlink(missing_ok=True)
        emptied.add(path.parent)  # (also when gone already: a removal cut short left it empty)
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        count += 1
    return count


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


def _publishing(target: Path) -> Path:
    return target.with_name(f".{target.name}.publishing")


def _place(target: str | Path, source: str | Path, folders: set[str] | None = None) -> int:
    """*target* made a link to *source* unless it is one already; 1 if it was placed.

    *folders*: folders known to exist (filled in as they are made): a site of 350,000 files
    has 100,000 folders, and asking for each file's costs a system call each."""
    name = os.fspath(target)
    try:
        if os.path.samestat(os.stat(name, follow_symlinks=False), os.stat(source)):
            return 0
    except FileNotFoundError:
        # Nothing there (every file of a first build): the link made at its name at once, which
        # is as atomic as a rename (it is there whole or not at all) and fails on anything that
        # appeared meanwhile, a symbolic link too. A copy a killed publication left beside it
        # goes first.
        parent, base = os.path.split(name)
        if folders is None or parent not in folders:
            os.makedirs(parent, exist_ok=True)
            if folders is not None:
                folders.add(parent)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(parent, f".{base}.publishing"))
        try:
            os.link(source, name)
            return 1
        except FileNotFoundError:  # its folder went meanwhile
            os.makedirs(parent, exist_ok=True)
        except OSError:  # something appeared there, another file system, no hard links: below
            pass

    def link(tmp: Path) -> None:
        try:
            os.link(source, tmp)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(source, tmp)

    # the run's file itself, its mode untouched; one temporary name (a killed publication's goes)
    write_atomically(Path(name), link, mode=None, temporary=_publishing(Path(name)))
    return 1
