"""What a partitioned build will do: the runs, their folders, and whether each must run at all.

The work folder (``_build/work``) holds, for each partition ``<p>``: ``sources/<p>/`` (its
source folder: the root page and the generated pages), ``partitions/<p>/`` (its output,
with ``_shufa/`` for the hub), ``doctrees/<p>/`` and ``runs/<p>/`` (the record of its last
build); the hub's output is ``hub/``. The site is ``_build/html``.

Nothing here runs Sphinx or Dask. :func:`make_plan` reads the registries of the data
folder, splits the counties into partitions (:mod:`shufa.core.partitions`) and gives
each partition a :class:`Spec`: everything a worker needs to build it, including a
fingerprint of its inputs (its counties' data files, the registries, the anchor lock,
the code and the configuration). A partition whose fingerprint matches the one of its
last successful build is not built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.fingerprints import code_version
from ..core.model import Archive
from ..core.partitions import HUB, Partition, plan
from ..core.registries import TOP_LEVEL_FILES, load_registries

#: Packages whose version changes what a build writes.
PACKAGES = ("sphinx", "docutils", "myst-parser", "pydata-sphinx-theme", "sphinx-design", "citeproc-py")
#: The anchor lock, an input of every run (each checks the entries of its own pages).
LOCK = "anchors.lock"
#: Name of a partition's record of its last build, in its work folder.
STATE = "state.json"


@dataclass
class Spec:
    """One Sphinx run of a partitioned build, as a worker gets it."""

    name: str
    confdir: str
    #: the hand-written pages (the hub's source folder; partitions copy their root from it)
    docsdir: str
    datadir: str
    srcdir: str
    outdir: str
    doctreedir: str
    #: the work folder of the run (its state file and lock live there)
    workdir: str
    sphinx_options: list[str] = field(default_factory=list)
    fingerprint: str = ""
    #: counties of the partition (for the progress display)
    counties: int = 0
    reports: int = 0
    #: kill the run when its memory (RSS) passes this many bytes (0: no limit)
    memory_limit: int = 0

    def command(self, fresh: bool = False) -> list[str]:
        """The sphinx-build command line of this run."""
        extra = ["-E"] if fresh else []
        return [
            sys.executable,  # the worker's own: the project is installed there as here
            "-m",
            "sphinx",
            "-b",
            "html",
            "-c",
            self.confdir,
            self.srcdir,
            self.outdir,
            "-d",
            self.doctreedir,
            *self.sphinx_options,
            *extra,
            "-D",
            f"shufa_partition={self.name}",
            "-D",
            f"shufa_data_dir={self.datadir}",
        ]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass
class Plan:
    archive: Archive
    partitions: list[Partition]
    specs: list[Spec]
    hub: Spec
    #: problems of the registries, which stop the build before any run
    problems: list[str]


def code_digest(confdir: Path, docs: Path) -> str:
    """A digest of what every run is made of: the plugins' code and assets, conf.py, the
    hand-written root pages the partitions copy, and the versions of Sphinx and friends."""
    digest = hashlib.sha1(code_version().encode())
    files = [confdir / "conf.py", *sorted(docs.glob("*.md")), *sorted(docs.glob("*/index.md"))]
    for path in files:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{name}={importlib.metadata.version(name)}\n".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def stat_lines(root: Path, prune: frozenset[str] = frozenset()) -> list[str]:
    """``<path>:<size>:<mtime ns>`` of every file under *root* (paths relative to it, sorted),
    the top-level folders in *prune* not walked. Sizes and times, not contents: the digests of
    a national archive's 20,000 data files are taken at every build, a no-op one included."""
    lines = []
    for folder, dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in prune]
            rel = ""
        else:
            rel = rel.replace(os.sep, "/") + "/"
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                stat = os.stat(os.path.join(folder, name))
                lines.append(f"{rel}{name}:{stat.st_size}:{stat.st_mtime_ns}\n")
    lines.sort()
    return lines


def registries_digest(datadir: Path) -> str:
    """A digest of the registries and the lock (inputs of every run)."""
    digest = hashlib.sha1()
    for name in sorted({*TOP_LEVEL_FILES, LOCK}):
        path = datadir / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def county_digests(datadir: Path) -> tuple[dict[str, str], dict[str, int]]:
    """A digest of each county folder's files (name, size, time) and its number of report
    files, from one walk of the data folder."""
    digests: dict[str, str] = {}
    reports: dict[str, int] = {}
    for county in sorted(os.listdir(datadir)) if datadir.is_dir() else ():
        folder = datadir / county
        if not folder.is_dir():
            continue
        lines = stat_lines(folder)
        digests[county] = hashlib.sha1("".join(lines).encode()).hexdigest()
        reports[county] = sum(
            1 for line in lines if line.count("/") == 1 and line.split(":")[0].endswith(".yaml")
        )
    return digests, reports


def make_plan(
    confdir: Path,
    docs: Path,
    datadir: Path,
    workdir: Path,
    sphinx_options: list[str],
    memory_limit: int = 0,
) -> Plan:
    """The runs of a partitioned build of *datadir* (partitions first, the hub last)."""
    registries = load_registries(datadir)
    archive = Archive(
        registries.counties, registries.kinds, registries.topics, {}, registries.metrics, registries.provinces
    )
    partitions = plan(archive)
    code = code_digest(confdir, docs)
    options = " ".join(sphinx_options)
    digests, reports = county_digests(datadir)
    registries_ = registries_digest(datadir)
    specs = []
    for partition in partitions:
        name = partition.name
        counties = "".join(f"\n{c}:{digests.get(c, '-')}" for c in partition.counties)
        fingerprint = hashlib.sha1(f"{code}\n{options}\n{registries_}{counties}".encode()).hexdigest()
        specs.append(
            Spec(
                name=partition.name,
                confdir=str(confdir),
                docsdir=str(docs),
                datadir=str(datadir),
                srcdir=str(workdir / "sources" / name),
                outdir=str(workdir / "partitions" / name),
                doctreedir=str(workdir / "doctrees" / name),
                workdir=str(workdir / "runs" / name),
                sphinx_options=list(sphinx_options),
                fingerprint=fingerprint,
                counties=len(partition.counties),
                reports=sum(reports.get(c, 0) for c in partition.counties),
                memory_limit=memory_limit,
            )
        )
    hub = Spec(
        name=HUB,
        confdir=str(confdir),
        docsdir=str(docs),
        datadir=str(datadir),
        srcdir=str(docs),
        outdir=str(workdir / HUB),
        doctreedir=str(workdir / "doctrees" / HUB),
        workdir=str(workdir / "runs" / HUB),
        sphinx_options=[*sphinx_options, "-D", f"shufa_partitions_dir={workdir / 'partitions'}"],
        memory_limit=memory_limit,
    )
    problems = [str(p) for p in registries.problems]
    return Plan(archive, partitions, specs, hub, problems)


def hub_fingerprint(plan: Plan, sphinx_options: list[str]) -> str:
    """A digest of the hub's inputs: the code, the registries and the lock, the hand-written
    pages, and what each partition handed it (its ``_shufa/`` folder); computed after the
    partitions' runs."""
    digest = hashlib.sha1()
    spec = plan.hub
    digest.update(
        f"{code_digest(Path(spec.confdir), Path(spec.docsdir))}\n{' '.join(sphinx_options)}\n".encode()
    )
    digest.update(registries_digest(Path(spec.datadir)).encode())
    # the pages the hub generates itself are not walked (a national archive has 100,000 of them)
    digest.update("".join(stat_lines(Path(spec.docsdir), GENERATED)).encode())
    for partition in plan.specs:
        digest.update(f"\n{partition.name}\n".encode())
        for handed in HANDED:
            path = Path(partition.outdir, handed)
            stat = path.stat() if path.is_file() else None
            digest.update(f"{handed}:{stat and (stat.st_size, stat.st_mtime_ns)}\n".encode())
    return digest.hexdigest()


#: What a partition hands the hub: its summary, and its search piece's manifest (which holds the
#: digest of every other file of the piece, and is rewritten whenever one of them changes).
HANDED = ("_shufa/summary.json", "_shufa/search/manifest.json")


#: Folders of the hub's source folder written by the build itself (and the build folder).
GENERATED = frozenset({"reports", "years", "topics", "metrics", "provinces", "_build"})


_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)
_TOCTREE = re.compile(r"```\{toctree\}\n(.*?)```", re.DOTALL)


def scaffold(docs: Path, srcdir: Path) -> None:
    """The hand-written root of the site, as a partition's run needs it: the root page as it is
    (its toctree gives every page its navigation bar) and, for each page the root's toctree names
    that is written by hand, a page with its title only. The pages themselves are the hub's."""
    root = (docs / "index.md").read_text(encoding="utf-8")
    pages = {"index.md": root}
    block = _TOCTREE.search(root)
    for line in (block.group(1) if block else "").splitlines():
        entry = line.strip()
        if not entry or entry.startswith(":"):
            continue
        source = docs / f"{entry}.md"
        if source.is_file():
            title = _TITLE.search(source.read_text(encoding="utf-8"))
            pages[f"{entry}.md"] = f"# {title.group(1) if title else entry}\n"
    for rel, text in pages.items():
        path = srcdir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def read_state(workdir: Path) -> dict:
    try:
        state = json.loads((workdir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
