"""The corpus of broken inputs under tests/bad/: how each case is laid out and prepared.

Each case is a folder ``tests/bad/<case>/`` with

- ``files/`` — files laid over a copy of ``tests/bad/_base/data`` (paths relative to data/);
- ``delete`` — optional, data-relative paths removed from the copy;
- ``make`` — optional, inputs made at test time because they cannot sit in git usefully:
  ``huge <path> <MB>`` (a data file of that size), ``symlink <path> <target>`` (a link in
  data/ pointing outside it), ``append <path> <line>`` (a line added to a file),
  ``folder <path> -`` (a folder in place of a file), ``fifo <path> -`` (a named pipe in place
  of a file), ``bytes <path> <python bytes literal>`` (a file of exactly these bytes);
- ``expected`` — the exact lines ``shufa check data`` prints, run from the case's folder.
"""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

BAD = Path(__file__).parent / "bad"
CASES = sorted(d.name for d in BAD.iterdir() if d.is_dir() and not d.name.startswith("_"))


def prepare(case: str, workdir: Path) -> Path:
    """Lay out the data folder of *case* under *workdir*; returns the data folder."""
    data = workdir / "data"
    shutil.copytree(BAD / "_base" / "data", data)
    folder = BAD / case
    for source in sorted((folder / "files").rglob("*")):
        if source.is_file() and source.name != ".keep":
            target = data / source.relative_to(folder / "files")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    if (folder / "delete").is_file():
        for rel in (folder / "delete").read_text(encoding="utf-8").split():
            (data / rel).unlink()
    if (folder / "make").is_file():
        for line in (folder / "make").read_text(encoding="utf-8").splitlines():
            _make(data, line.split(" ", 2))
    return data


def _make(data: Path, words: list[str]) -> None:
    action, rel, arg = words
    path = data / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if action == "huge":
        base = (data / rel).read_text(encoding="utf-8")
        size = int(arg) * 1024 * 1024
        filler = "法" * (size // 3)  # three bytes a character in UTF-8
        path.write_text(base + f'notes: "{filler}"\n', encoding="utf-8")
    elif action == "symlink":
        outside = (path.parent / arg).resolve()
        outside.parent.mkdir(parents=True, exist_ok=True)
        outside.write_text(
            (BAD / "_base/data/qinghe/shufa/2023.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        path.unlink(missing_ok=True)
        os.symlink(arg, path)
    elif action == "append":
        with path.open("a", encoding="utf-8") as fh:
            fh.write(arg + "\n")
    elif action in {"folder", "fifo"}:
        path.unlink(missing_ok=True)
        if action == "folder":
            path.mkdir()
        else:
            os.mkfifo(path)
    elif action == "bytes":
        path.write_bytes(ast.literal_eval(arg))
    else:  # pragma: no cover - a typo in a case folder
        raise ValueError(f"unknown make action {action!r}")


def snapshot(data: Path) -> dict[str, bytes]:
    """Every file of a data folder and its bytes (links recorded by their target)."""
    found = {}
    for path in sorted(data.rglob("*")):
        if path.is_symlink():
            found[str(path)] = os.readlink(path).encode()
        elif path.is_fifo():
            found[str(path)] = b"<fifo>"
        elif path.is_file():
            found[str(path)] = path.read_bytes()
    return found
