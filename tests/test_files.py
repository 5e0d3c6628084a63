"""core.files: the one atomic write, and the guarantees its callers rely on (the importer's data
files and kept originals, the plugins' output, the partitioned build's site)."""

from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

import pytest

from conftest import REPO
from shufa.core.files import write_atomically, write_if_changed, write_new_or_if_changed


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_takes_the_place_of_the_old_at_once(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    seen = {}

    def check(tmp: Path) -> None:
        seen["tmp"], seen["then"] = tmp, target.read_bytes()  # the old file, until the rename

    write_atomically(target, b"new", check=check)
    assert target.read_bytes() == b"new" and seen["then"] == b"old"
    assert seen["tmp"].parent == tmp_path and seen["tmp"].name.startswith(".a.txt.")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and leftovers(tmp_path) == []


def test_a_refused_or_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")

    def refuse(tmp: Path) -> None:
        raise ValueError("refused")

    with pytest.raises(ValueError):
        write_atomically(target, b"new", check=refuse)

    def fail(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically(target, fail)
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_without_replace_nothing_there_is_overwritten_not_even_a_dangling_link(
    tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "a.yaml"
    write_atomically(target, b"first", replace=False)
    with pytest.raises(FileExistsError):
        write_atomically(target, b"second", replace=False)
    link = tmp_path / "b.yaml"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        write_atomically(link, b"x", replace=False)

    # a file system without hard links: it looks, then renames
    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(FileExistsError):
        write_atomically(link, b"x", replace=False)
    write_atomically(tmp_path / "c.yaml", b"third", replace=False)
    assert target.read_bytes() == b"first" and (tmp_path / "c.yaml").read_bytes() == b"third"
    assert link.is_symlink() and not (tmp_path / "nowhere").exists() and leftovers(tmp_path) == []


def test_a_symbolic_link_is_replaced_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"theirs")
    (tmp_path / "site").mkdir()
    link = tmp_path / "site" / "page.html"
    link.symlink_to(outside)
    assert write_if_changed(link, "ours")
    assert outside.read_bytes() == b"theirs" and not link.is_symlink() and link.read_text() == "ours"


def test_mode_durability_and_a_fixed_temporary_name(tmp_path: Path, monkeypatch) -> None:
    synced = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "kept.pdf"
    write_atomically(target, b"%PDF", mode=None, durable=True)
    assert synced == [False, True]  # the file's bytes, then the folder's entry
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # as it was made: a mode left alone
    write_atomically(target, b"%PDF-2", mode=0o640)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and len(synced) == 2
    stale = tmp_path / ".kept.pdf.publishing"
    stale.write_bytes(b"left by a killed run")
    write_atomically(target, lambda tmp: tmp.write_bytes(b"linked"), temporary=stale)
    assert target.read_bytes() == b"linked" and leftovers(tmp_path) == []


def test_only_the_core_writes_files_atomically() -> None:
    # the importer, the originals it keeps and the site build use core.files.write_atomically:
    # nothing else syncs a file to the disk or links a temporary file into place by itself
    found = []
    for path in sorted((REPO / "ext" / "shufa").rglob("*.py")):
        if path.relative_to(REPO / "ext" / "shufa").as_posix() == "core/files.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("fsync", "mkstemp", "NamedTemporaryFile"):
                found.append(f"{path.name}:{node.attr}")
    assert found == []


def test_a_new_file_is_made_in_place_an_old_one_replaced_whole_and_no_link_followed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    folders: set[str] = set()
    old_umask = os.umask(0o077)
    try:
        assert write_new_or_if_changed(site / "t" / "a.js", b"one", folders)
    finally:
        os.umask(old_umask)
    made = site / "t" / "a.js"
    # a site's file whatever the umask; no temporary name beside it; its folder made and noted
    assert made.read_bytes() == b"one" and stat.S_IMODE(made.stat().st_mode) == 0o644
    assert leftovers(made.parent) == [] and str(made.parent) in folders
    inode = made.stat().st_ino
    # the same bytes: untouched; other bytes: a new file in its place (a link to the old keeps it)
    assert not write_new_or_if_changed(made, b"one", folders) and made.stat().st_ino == inode
    linked = tmp_path / "published.js"
    os.link(made, linked)
    assert write_new_or_if_changed(made, b"two", folders)
    assert made.read_bytes() == b"two" and linked.read_bytes() == b"one" and made.stat().st_ino != inode
    # a symbolic link at the name is replaced, never written through
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"mine")
    (site / "t" / "b.js").symlink_to(outside)
    assert write_new_or_if_changed(site / "t" / "b.js", b"three", folders)
    assert outside.read_bytes() == b"mine" and not (site / "t" / "b.js").is_symlink()
