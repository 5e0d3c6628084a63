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

A case that keeps to the report folder it breaks (everything it lays, deletes or makes lies under
``qinghe/`` and every line it expects is located there: :data:`SHARED`) can also be laid out beside
the others in one archive, in a county of its own named after the case (``data/<case>/…``), so that
one build shows every such case's messages, each located in its own files (:func:`prepare_together`).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import yaml

BAD = Path(__file__).parent / "bad"
CASES = sorted(d.name for d in BAD.iterdir() if d.is_dir() and not d.name.startswith("_"))
#: The county of the base archive whose report folder (qinghe/) most cases break.
COUNTY = "qinghe"


def expected(case: str, county: str = COUNTY) -> list[str]:
    """The exact lines `shufa check data` prints for *case*; laid out under *county*, the county's
    slug wherever a line names the case's folder (not the format's example, `qinghe` in backticks)."""
    lines = (BAD / case / "expected").read_text(encoding="utf-8").splitlines()
    return [re.sub(rf"(?<!`)\b{COUNTY}\b(?!`)", county, line) for line in lines]


def _laid_paths(case: str) -> list[str]:
    """The data-relative paths *case* lays, deletes or makes."""
    folder = BAD / case
    paths = [
        p.relative_to(folder / "files").as_posix()
        for p in (folder / "files").rglob("*")
        if p.is_file() and p.name != ".keep"
    ]
    if (folder / "delete").is_file():
        paths += (folder / "delete").read_text(encoding="utf-8").split()
    if (folder / "make").is_file():
        paths += [
            line.split(" ", 2)[1] for line in (folder / "make").read_text(encoding="utf-8").splitlines()
        ]
    return paths


#: The cases that keep to the report folder they break: they can share one archive.
SHARED = [
    case
    for case in CASES
    if all(p.startswith(f"{COUNTY}/") for p in _laid_paths(case))
    and all(line.startswith(f"data/{COUNTY}/") for line in expected(case))
]


def prepare(case: str, workdir: Path) -> Path:
    """Lay out the data folder of *case* under *workdir*; returns the data folder."""
    data = workdir / "data"
    shutil.copytree(BAD / "_base" / "data", data)
    _lay(case, data, COUNTY)
    return data


def prepare_together(cases: list[str], workdir: Path) -> Path:
    """One data folder under *workdir* holding each case of *cases* (of :data:`SHARED`) in a county
    of its own named after it: a copy of the base's qinghe/ with the case laid over it, every
    `county:` line naming the case. Returns the data folder."""
    data = workdir / "data"
    shutil.copytree(BAD / "_base" / "data", data)
    registry = yaml.safe_load((data / "counties.yaml").read_text(encoding="utf-8"))
    base = registry[COUNTY]
    with (data / "counties.yaml").open("a", encoding="utf-8") as handle:
        # the case's name before the unit word, so that the name still tells the county's type
        entries = {
            case: {**base, "name": f"{base['name'][:-1]}（{case}）{base['name'][-1]}"} for case in cases
        }
        handle.write(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False))
    for case in cases:
        for source in sorted((data / COUNTY).rglob("*.yaml")):
            target = data / case / source.relative_to(data / COUNTY)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_in_county(source.read_bytes(), case))
        _lay(case, data, case)
    return data


def _in_county(raw: bytes, county: str) -> bytes:
    """A report file's bytes with its `county: qinghe` line naming *county* (nothing else moves)."""
    return re.sub(
        rb"(?m)^county: " + COUNTY.encode() + rb"(?=\r?$)", b"county: " + county.encode(), raw, count=1
    )


def _lay(case: str, data: Path, county: str) -> None:
    """Lay *case* over *data*, its paths under qinghe/ moved to *county*/."""

    def moved(rel: str) -> Path:
        return data / (county + rel.removeprefix(COUNTY) if rel.startswith(f"{COUNTY}/") else rel)

    folder = BAD / case
    for source in sorted((folder / "files").rglob("*")):
        if source.is_file() and source.name != ".keep":
            target = moved(source.relative_to(folder / "files").as_posix())
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_in_county(source.read_bytes(), county))
    if (folder / "delete").is_file():
        for rel in (folder / "delete").read_text(encoding="utf-8").split():
            moved(rel).unlink()
    if (folder / "make").is_file():
        for line in (folder / "make").read_text(encoding="utf-8").splitlines():
            action, rel, arg = line.split(" ", 2)
            _make(moved(rel), action, arg)


def _make(path: Path, action: str, arg: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if action == "huge":
        base = path.read_text(encoding="utf-8")
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
