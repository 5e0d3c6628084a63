"""The benchmark against plain Sphinx: `make bench` (N = 250 and 2,000) or `make bench N=250`.

    python bench/run.py [N ...] [--seed 1] [--repeat 1] [--no-j2]

For each N it generates a synthetic archive of N reports (bench/generate.py)
into bench/work/n<N>/ (git-ignored) and measures, each Sphinx build a fresh
``sphinx-build`` child process (wall time, CPU time and peak RSS from
``os.wait4``):

- ``ours_full_s`` / ``ours_full_j2_s`` — a full build of a copy of docs/ with
  the repository's conf.py (``-c`` the repository, all our plugins) and
  ``-D shufa_data_dir=`` the synthetic data, with ``-j 1`` and ``-j 2`` (each in its own fresh source and
  output folders, so page generation is part of the cost);
- ``floor_full_s`` — the plain-Sphinx floor: the same reports as static MyST
  pages with the same headings, text and anchors (bench/floor.py), built with
  the same conf minus the shufa.* plugins;
- ``noop_s`` — a rebuild with nothing changed;
- ``edit_one_s`` / ``edit_one_reread`` — the rebuild after appending one
  sentence to one item of one data file, and the documents it re-read;
- ``add_year_s`` / ``add_year_reread`` — the rebuild after adding one year to
  one county;
- ``peak_rss_mb`` (the largest of our -j 1 builds; ``-j 2`` is per process),
  ``html_bytes_per_report`` and ``searchindex_bytes`` (searchindex.js plus any
  ``_static/searchindex*.js``: shufa.search writes its own; the floor's too).

It prints a table and writes bench/results/latest.json and a dated copy
bench/results/<YYYY-MM-DD>-<N...>.json with the machine, the package versions
and every figure. When a run measures one size only, the scaling ratio (s/report
at the largest N vs the smallest) uses the other sizes of the previous
latest.json, named under ``earlier_sizes``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import floor  # noqa: E402
import generate  # noqa: E402
import search_bytes as search_script  # noqa: E402

WORK = HERE / "work"
#: where the folders of an earlier run wait until this one has measured (:func:`set_aside`)
TRASH = WORK / "trash"
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
SPHINX_BUILD = BIN / "sphinx-build"

#: Targets of the scale issue.
MAX_OURS_OVER_FLOOR = 1.0
MAX_SCALING = 1.2
MAX_EDIT_OVER_NOOP = 2.0
MAX_RSS_MB = 1536.0

_READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)", re.MULTILINE)
_WRITING = re.compile(r"^writing output\.\.\. \[\s*\d+%\] (\S+)", re.MULTILINE)

PACKAGES = [
    "sphinx",
    "docutils",
    "myst-parser",
    "pydata-sphinx-theme",
    "sphinx-design",
    "jieba",
    "Jinja2",
    "PyYAML",
    "jsonschema",
    "shufa",
]


# --- one build ------------------------------------------------------------------------------


class Snapshot:
    """conf.py, docs/ and ext/shufa as they were when the run started.

    Other developers change them while a run takes its minutes; every build of a run
    uses this copy (the plugins through PYTHONPATH, ahead of the editable install).
    """

    def __init__(self, root: Path) -> None:
        if root.exists():
            shutil.rmtree(root)
        ignore = shutil.ignore_patterns(
            "reports", "years", "provinces", "topics", "metrics", "_build", "__pycache__", "*.pyc"
        )
        shutil.copytree(REPO / "docs", root / "docs", ignore=ignore)
        shutil.copytree(REPO / "ext" / "shufa", root / "ext" / "shufa", ignore=ignore)
        shutil.copy(REPO / "conf.py", root / "conf.py")
        self.root = root
        self.docs = root / "docs"
        self.conf = root / "conf.py"
        self.ext = root / "ext" / "shufa"
        self.env = {**os.environ, "PYTHONPATH": str(root / "ext")}

    def fingerprint(self) -> str:
        """A digest of the snapshot (conf.py, docs/, ext/shufa), to tell runs of the same code."""
        digest = hashlib.sha1()
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(self.root).as_posix().encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()[:12]

    def extensions(self) -> list[str]:
        namespace: dict[str, Any] = {"__file__": str(self.conf)}
        exec(compile(self.conf.read_text(encoding="utf-8"), str(self.conf), "exec"), namespace)
        return list(namespace.get("extensions", []))


def run_build(args: list[str], log: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one sphinx-build child; its wall and CPU time, peak RSS, re-read and written docs."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    with open(log.with_suffix(".out"), "w") as out, open(log.with_suffix(".err"), "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=REPO, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = log.with_suffix(".out").read_text(encoding="utf-8", errors="replace")
    stderr = log.with_suffix(".err").read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {' '.join(args)}\n{stderr[-3000:]}")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "rss_mb": round(usage.ru_maxrss / 1024, 1),
        "reread": _READING.findall(stdout),
        "written": len(_WRITING.findall(stdout)),
        "warnings": stderr.count("WARNING"),
        "load_before": round(load, 2),
    }


def sphinx_args(src: Path, out: Path, *, jobs: int = 1, quiet: bool, data: Path | None = None) -> list[str]:
    args = [str(SPHINX_BUILD), "-b", "html", "--no-color", "-j", str(jobs)]
    if quiet:
        args.append("-q")
    args += [str(src), str(out)]
    if data is not None:
        args += ["-D", f"shufa_data_dir={data}"]
    return args


def set_aside(folder: Path) -> None:
    """*folder* (what an earlier run left) moved out of the way, removed when this run ends.

    Removing it now would slow the builds measured next: on ext4 without a journal (this
    machine's disk) a new file's inode is allocated past every inode freed in the last five
    minutes, each looked up in turn (``recently_deleted``). The hub's run at N = 20,000 (171,000
    new files) took 4.7 s of system CPU on a quiet disk and 32 to 47 s just after its earlier
    output was removed; an earlier run's 350,000 files weigh on every build measured next."""
    if folder.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        folder.rename(TRASH / f"{folder.name}-{time.time_ns()}")


def empty_trash() -> None:
    """What :func:`set_aside` moved out of the way, removed (the measuring is over)."""
    if TRASH.exists():
        shutil.rmtree(TRASH)


def ours_source(dest: Path, docs: Path = REPO / "docs", conf: Path = REPO / "conf.py") -> Path:
    """docs/ without the generated folders, with the project's conf.py (as the tests build)."""
    if dest.exists():
        shutil.rmtree(dest)
    generated = ("reports", "years", "provinces", "topics", "metrics", "_build")
    shutil.copytree(docs, dest, ignore=shutil.ignore_patterns(*generated))
    shutil.copy(conf, dest / "conf.py")
    return dest


def search_bytes(out: Path) -> int:
    """The search index on disk: searchindex.js and any other search index under _static/
    (shufa.search's, split by term, under _static/search/; a reader downloads a small part)."""
    files = [
        out / "searchindex.js",
        *(out / "_static").glob("searchindex*.js"),
        *(out / "_static/search").rglob("*.js"),
    ]
    return sum(p.stat().st_size for p in files if p.is_file())


def largest_pages(out: Path, count: int = 5) -> dict[str, int]:
    pages = sorted(out.rglob("*.html"), key=lambda p: -p.stat().st_size)[:count]
    return {p.relative_to(out).as_posix(): p.stat().st_size for p in pages}


def report_html(out: Path) -> list[Path]:
    """The report pages, ``reports/<county>/<kind>/<year>.html`` (not the series' pages beside them)."""
    return sorted(p for p in (out / "reports").glob("*/*/*.html") if p.stem.isdigit())


# --- one size --------------------------------------------------------------------------------


#: Cold phrase queries per size for the search's cost (bench/search_bytes.py, in chromium).
SEARCH_QUERIES = 20


def search_cost(site: Path, seed: int) -> dict[str, Any]:
    """What a search costs a reader of *site*: bench/search_bytes.py's cold queries in chromium.

    ``search_query_bytes_gz`` is the median of the index bytes (gzip) a query downloads
    until its first results are shown; ``search_recall`` and ``search_precision`` the lowest
    recall and precision of the queries (every page that holds the phrase found; every page
    found holds it); ``search_recall_pressed`` the lowest recall a reader gets pressing
    继续查找 / 下一页 until the search is exhausted, and ``search_first_screen_complete`` the
    share of queries whose first screen already shows all it can (no 继续查找 offered).
    """
    if not Path(search_script.CHROMIUM).exists():
        print(f"  search: not measured ({search_script.CHROMIUM} is missing: apt-get install chromium)")
        return {
            "search_query_bytes_gz": None,
            "search_recall": None,
            "search_recall_pressed": None,
            "search_precision": None,
        }
    # (a process of its own: Playwright's sync API cannot run where an event loop already runs)
    out = site.parent / f"{site.name}-search.json"
    args = [sys.executable, str(HERE / "search_bytes.py"), str(site), "--queries", str(SEARCH_QUERIES)]
    subprocess.run([*args, "--seed", str(seed), "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
    measured = json.loads(out.read_text(encoding="utf-8"))
    print(
        f"  search         {measured['median_index_bytes']:>8,.0f} B gzip per query (median of "
        f"{len(measured['queries'])}, max {measured['max_index_bytes']:,}), first results "
        f"{measured['median_first_results_ms']:.0f} ms, recall {measured['recall']:.2f} "
        f"(pressing 继续查找 to the end {search_script.pressed_summary(measured)}; first screen complete in "
        f"{measured['first_screen_complete']:.0%} of queries), precision {measured['precision']:.2f}",
        flush=True,
    )
    return {
        "search_query_bytes_gz": measured["median_index_bytes"],
        "search_query_bytes_gz_max": measured["max_index_bytes"],
        "search_first_results_ms": measured["median_first_results_ms"],
        "search_recall": measured["recall"],
        "search_recall_pressed": measured["recall_pressed"],
        "search_first_screen_complete": measured["first_screen_complete"],
        # queries pressed to the end (the others stopped at search_press_limit presses, each
        # checked to show the engine's first results: search_bounded_in_engine_order)
        "search_pressed_to_end": measured["pressed_to_end"],
        "search_press_limit": measured["press_limit"],
        "search_bounded_in_engine_order": measured["bounded_in_engine_order"],
        "search_precision": measured["precision"],
        "search_queries": [
            {
                k: q[k]
                for k in (
                    "query",
                    "index_bytes",
                    "first_results_ms",
                    "holding",
                    "recall",
                    "recall_pressed",
                    "presses",
                    "pressed_to_end",
                    "in_engine_order",
                    "first_screen_complete",
                    "precision",
                )
            }
            for q in measured["queries"]
        ],
    }


def bench_size(n: int, seed: int, repeat: int, snap: Snapshot, j2: bool = True) -> dict[str, Any]:
    root = WORK / f"n{n}"
    set_aside(root)
    root.mkdir(parents=True)
    logs = root / "logs"
    data = root / "data"
    print(f"\n== N = {n}: generating into {root}", flush=True)
    t = time.perf_counter()
    files = generate.generate(data, n, seed)
    generate_s = time.perf_counter() - t
    t = time.perf_counter()
    floor_pages = floor.write_floor(data, root / "floor-src", snap.docs, snap.conf, snap.ext)
    floor_write_s = time.perf_counter() - t
    builds: dict[str, dict[str, Any]] = {}

    def full(name: str, make_args) -> dict[str, Any]:
        """The best of *repeat* fresh full builds (fresh source copy and output each time)."""
        best = None
        for i in range(repeat):
            args, out = make_args()
            if out.exists():
                shutil.rmtree(out)
            result = run_build(args, logs / f"{name}-{i}", snap.env)
            print(f"  {name:<14} {result['wall_s']:8.1f} s  {result['rss_mb']:7.0f} MB", flush=True)
            if best is None or result["wall_s"] < best["wall_s"]:
                best = result
        builds[name] = best
        return best

    def ours(jobs: int, name: str):
        def make():
            src = ours_source(root / f"{name}-src", snap.docs, snap.conf)
            return sphinx_args(
                src, root / f"{name}-html", jobs=jobs, quiet=True, data=data
            ), root / f"{name}-html"

        return make

    def floor_build():
        return sphinx_args(root / "floor-src", root / "floor-html", quiet=True), root / "floor-html"

    full("ours", ours(1, "ours"))
    full("floor", floor_build)
    if j2:
        full("ours_j2", ours(2, "ours_j2"))

    def again(name: str) -> dict[str, Any]:
        args = sphinx_args(root / "ours-src", root / "ours-html", quiet=False, data=data)
        result = run_build(args, logs / name, snap.env)
        builds[name] = result
        print(
            f"  {name:<14} {result['wall_s']:8.1f} s  {result['rss_mb']:7.0f} MB"
            f"  re-read {len(result['reread'])}",
            flush=True,
        )
        return result

    again("noop")
    edited = files[len(files) // 2]
    generate.append_sentence(edited)
    again("edit_one")
    first = files[0].relative_to(data).parts  # county, kind, year.yaml
    years = sorted(int(p.stem) for p in (data / first[0] / first[1]).glob("*.yaml"))
    added = generate.add_report(data, first[0], first[1], years[-1] + 1, seed)
    again("add_year")
    floor_noop = run_build(
        sphinx_args(root / "floor-src", root / "floor-html", quiet=False), logs / "floor_noop", snap.env
    )
    builds["floor_noop"] = floor_noop

    ours_html = report_html(root / "ours-html")
    page, page_bytes = largest_file(root / "ours-html", "*.html")
    file, file_bytes = largest_file(root / "ours-html")
    floor_html = report_html(root / "floor-html")
    result: dict[str, Any] = {
        "n": n,
        "partitioned": False,
        "workers": 1,
        "counties": len({p.relative_to(data).parts[0] for p in files}),
        "largest_page": page,
        "largest_page_bytes": page_bytes,
        "largest_file": file,
        "largest_file_bytes": file_bytes,
        "ours_full_s": builds["ours"]["wall_s"],
        "ours_full_j2_s": builds["ours_j2"]["wall_s"] if j2 else None,
        "floor_full_s": builds["floor"]["wall_s"],
        "noop_s": builds["noop"]["wall_s"],
        "edit_one_s": builds["edit_one"]["wall_s"],
        "edit_one_reread": len(builds["edit_one"]["reread"]),
        "edit_one_reread_docs": builds["edit_one"]["reread"],
        "edit_one_file": str(edited.relative_to(data)),
        "add_year_s": builds["add_year"]["wall_s"],
        "add_year_reread": len(builds["add_year"]["reread"]),
        "add_year_reread_docs": builds["add_year"]["reread"],
        "add_year_file": str(added.relative_to(data)),
        "noop_reread": len(builds["noop"]["reread"]),
        "floor_noop_s": floor_noop["wall_s"],
        "peak_rss_mb": max(builds[b]["rss_mb"] for b in ("ours", "noop", "edit_one", "add_year")),
        "peak_rss_mb_j2_per_process": builds["ours_j2"]["rss_mb"] if j2 else None,
        "floor_peak_rss_mb": builds["floor"]["rss_mb"],
        "ours_full_cpu_s": builds["ours"]["cpu_s"],
        "floor_full_cpu_s": builds["floor"]["cpu_s"],
        "html_bytes_per_report": round(sum(p.stat().st_size for p in ours_html) / max(1, len(ours_html))),
        "floor_html_bytes_per_report": round(
            sum(p.stat().st_size for p in floor_html) / max(1, len(floor_html))
        ),
        # Ours: Sphinx's searchindex.js (titles, objects) plus shufa.search's own index.
        "searchindex_bytes": search_bytes(root / "ours-html"),
        "searchindex_js_bytes": (root / "ours-html" / "searchindex.js").stat().st_size,
        "floor_searchindex_bytes": search_bytes(root / "floor-html"),
        "floor_pages": floor_pages,
        "ours_html_files": sum(1 for _ in (root / "ours-html").rglob("*.html")),
        "ours_largest_pages": largest_pages(root / "ours-html"),
        "floor_largest_pages": largest_pages(root / "floor-html"),
        "generate_s": round(generate_s, 2),
        "floor_write_s": round(floor_write_s, 2),
        "warnings": {name: b["warnings"] for name, b in builds.items()},
        "builds": {name: {k: v for k, v in b.items() if k != "reread"} for name, b in builds.items()},
    }
    result["ours_over_floor"] = round(result["ours_full_s"] / result["floor_full_s"], 3)
    result["ours_over_floor_cpu"] = round(result["ours_full_cpu_s"] / result["floor_full_cpu_s"], 3)
    if j2:
        result["j2_over_j1"] = round(result["ours_full_j2_s"] / result["ours_full_s"], 3)
    result["s_per_report"] = round(result["ours_full_s"] / n, 5)
    result["cpu_s_per_report"] = round(result["ours_full_cpu_s"] / n, 5)
    result["floor_s_per_report"] = round(result["floor_full_s"] / n, 5)
    result["edit_over_noop"] = round(result["edit_one_s"] / result["noop_s"], 3)
    result.update(search_cost(root / "ours-html", seed))
    return result


# --- a partitioned size --------------------------------------------------------------------------

#: Sizes from this many reports up are built in partitions (`shufa build`, as `make html` does).
PARTITIONED_FROM = 10_000
#: Counties to a province (a partition each) in the generated national-scale archive.
PER_PROVINCE = 90
WORKERS = 2


def largest_file(out: Path, pattern: str = "*") -> tuple[str, int]:
    """The largest file of the site in *out* (Sphinx's doctrees, kept there by a plain build, are not)."""
    files = (p for p in out.rglob(pattern) if p.is_file() and ".doctrees" not in p.relative_to(out).parts)
    found = max(files, key=lambda p: p.stat().st_size)
    return found.relative_to(out).as_posix(), found.stat().st_size


def run_shufa_build(root: Path, data: Path, snap: Snapshot, log: Path, workers: int) -> dict[str, Any]:
    """`shufa build` of *data* (partitions on a LocalCluster of *workers*), as a child process."""
    args = [
        sys.executable, "-m", "shufa", "build", "--data", str(data), "--out", str(root / "site"),
        "--work", str(root / "work"), "--docs", str(root / "src"), "--conf", str(snap.root),
        "--workers", str(workers), "--sphinx-options=-q",
    ]  # fmt: skip
    result = run_build(args, log, snap.env)
    record = json.loads((root / "work" / "last-build.json").read_text(encoding="utf-8"))
    runs = [*record["partitions"], record["hub"]]
    result["runs_cpu_s"] = round(sum(r["cpu_seconds"] for r in runs), 2)
    result["worker_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in runs), 1)
    result["built"] = sorted(r["name"] for r in record["partitions"] if r["status"] == "built")
    result["hub_s"] = round(record["hub"]["seconds"], 2)
    print(
        f"  {log.name:<14} {result['wall_s']:8.1f} s  CPU {result['runs_cpu_s']:8.1f} s  "
        f"largest run {result['worker_peak_rss_mb']:6.0f} MB  partitions built {len(result['built'])}",
        flush=True,
    )
    return result


def bench_partitioned(n: int, seed: int, snap: Snapshot, workers: int = WORKERS) -> dict[str, Any]:
    """A national-scale size: generated with ~90 counties to a province, built in partitions."""
    root = WORK / f"n{n}"
    set_aside(root)
    root.mkdir(parents=True)
    data = root / "data"
    print(f"\n== N = {n} (partitioned, {workers} workers): generating into {root}", flush=True)
    t = time.perf_counter()
    files = generate.generate(data, n, seed, per_province=PER_PROVINCE)
    generate_s = time.perf_counter() - t
    ours_source(root / "src", snap.docs, snap.conf)
    logs = root / "logs"
    full = run_shufa_build(root, data, snap, logs / "full", workers)
    noop = run_shufa_build(root, data, snap, logs / "noop", workers)
    edited = files[len(files) // 2]
    generate.append_sentence(edited)
    edit = run_shufa_build(root, data, snap, logs / "edit_one", workers)
    site = root / "site"
    page, page_bytes = largest_file(site, "*.html")
    file, file_bytes = largest_file(site)
    provinces = len(list((site / "provinces").glob("*.html")))
    result: dict[str, Any] = {
        "n": n,
        "partitioned": True,
        "workers": workers,
        "counties": len({p.relative_to(data).parts[0] for p in files}),
        "partitions": provinces,
        "ours_full_s": full["wall_s"],
        "ours_full_cpu_s": full["cpu_s"],
        "runs_cpu_s": full["runs_cpu_s"],
        "peak_rss_mb": max(b["worker_peak_rss_mb"] for b in (full, noop, edit)),
        "orchestrator_rss_mb": max(b["rss_mb"] for b in (full, noop, edit)),
        "noop_s": noop["wall_s"],
        "edit_one_s": edit["wall_s"],
        "edit_one_partitions_built": edit["built"],
        "edit_one_file": str(edited.relative_to(data)),
        "largest_page": page,
        "largest_page_bytes": page_bytes,
        "largest_file": file,
        "largest_file_bytes": file_bytes,
        "html_files": sum(1 for _ in site.rglob("*.html")),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "generate_s": round(generate_s, 2),
        "builds": {"full": full, "noop": noop, "edit_one": edit},
    }
    result["s_per_report"] = round(result["ours_full_s"] / n, 5)
    result["cpu_s_per_report"] = round(result["ours_full_cpu_s"] / n, 5)
    result["wall_over_cpu"] = round(result["ours_full_s"] / result["ours_full_cpu_s"], 3)
    result.update(search_cost(site, seed))
    return result


# --- the report -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    memory_kb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kb / 1024**2, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def targets(sizes: dict[str, dict[str, Any]], earlier: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each target of the issue, measured, with met true/false.

    The scaling ratio may use *earlier* sizes; every other target is judged on this run.
    """
    out: dict[str, Any] = {}
    partitioned = {k: r for k, r in sizes.items() if r.get("partitioned")}
    sizes = {k: r for k, r in sizes.items() if not r.get("partitioned")}
    earlier = {k: r for k, r in earlier.items() if not r.get("partitioned")}
    out.update(partitioned_targets(partitioned, {**earlier, **sizes}))
    if not sizes:
        return out
    for key, r in sizes.items():
        out[f"ours_le_floor_{key}"] = {
            "ours_over_floor": r["ours_over_floor"],
            "max": MAX_OURS_OVER_FLOOR,
            "met": r["ours_over_floor"] <= MAX_OURS_OVER_FLOOR,
        }
        if r.get("search_recall_pressed") is not None:
            # every page holding the phrase, reached by pressing 继续查找 / 下一页 to the end
            out[f"search_recall_{key}"] = {
                "recall_pressed": r["search_recall_pressed"],
                "recall": r["search_recall"],
                "precision": r["search_precision"],
                "first_screen_complete": r.get("search_first_screen_complete"),
                "pressed_to_end": r.get("search_pressed_to_end"),
                "bounded_in_engine_order": r.get("search_bounded_in_engine_order", True),
                "min": MIN_SEARCH_RECALL,
                "met": min(r["search_recall_pressed"], r["search_recall"], r["search_precision"])
                >= MIN_SEARCH_RECALL
                and r.get("search_bounded_in_engine_order", True),
            }
    both = {**earlier, **sizes}
    ns = sorted(int(k) for k in both)
    if len(ns) >= 2:
        small, large = both[str(ns[0])], both[str(ns[-1])]
        ratio = large["s_per_report"] / small["s_per_report"]
        out["linear"] = {
            "sizes": [ns[0], ns[-1]],
            # False when one size comes from an earlier run of other code (see earlier_sizes)
            "same_code": all(both[str(n)].get("same_code", True) for n in (ns[0], ns[-1])),
            "s_per_report": [small["s_per_report"], large["s_per_report"]],
            "ratio": round(ratio, 3),
            "floor_ratio": round(large["floor_s_per_report"] / small["floor_s_per_report"], 3),
            "max": MAX_SCALING,
            "met": ratio <= MAX_SCALING,
        }
    ns = sorted(int(k) for k in sizes)
    large = sizes[str(ns[-1])]
    out["edit_one"] = {
        "n": ns[-1],
        "edit_over_noop": large["edit_over_noop"],
        "reread": large["edit_one_reread"],
        "max": MAX_EDIT_OVER_NOOP,
        "met": large["edit_over_noop"] <= MAX_EDIT_OVER_NOOP,
    }
    out["peak_rss"] = {
        "n": ns[-1],
        "peak_rss_mb": large["peak_rss_mb"],
        "max_mb": MAX_RSS_MB,
        "met": large["peak_rss_mb"] <= MAX_RSS_MB,
    }
    return out


#: Targets of the national-archive issue, for the partitioned sizes.
MAX_WORKER_RSS_MB = 2048.0
MAX_CPU_PER_REPORT_OVER_SINGLE = 1.1
MAX_WALL_OVER_CPU = 0.6
MAX_EDIT_S = 30.0
MAX_PAGE_BYTES = 300 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_SEARCH_QUERY_BYTES = 300 * 1024
MIN_SEARCH_RECALL = 1.0
MIN_SEARCH_PRECISION = 1.0


def partitioned_targets(partitioned: dict[str, dict[str, Any]], single: dict[str, dict[str, Any]]) -> dict:
    out: dict[str, Any] = {}
    reference = single.get("2000") or (single[max(single, key=int)] if single else None)
    for key, r in partitioned.items():
        checks = {
            "worker_rss": (r["peak_rss_mb"], MAX_WORKER_RSS_MB),
            "wall_over_cpu": (r["wall_over_cpu"], MAX_WALL_OVER_CPU),
            "edit_one_s": (r["edit_one_s"], MAX_EDIT_S),
            "largest_page_bytes": (r["largest_page_bytes"], MAX_PAGE_BYTES),
            "largest_file_bytes": (r["largest_file_bytes"], MAX_FILE_BYTES),
        }
        if r.get("search_query_bytes_gz") is not None:
            checks["search_query_bytes_gz"] = (r["search_query_bytes_gz"], MAX_SEARCH_QUERY_BYTES)
            # (recall and precision as bounds from below: 1 - recall at most 0)
            checks["search_recall_missed"] = (round(1 - r["search_recall"], 4), 1 - MIN_SEARCH_RECALL)
            if r.get("search_recall_pressed") is not None:
                checks["search_recall_pressed_missed"] = (
                    round(1 - r["search_recall_pressed"], 4),
                    1 - MIN_SEARCH_RECALL,
                )
            if r.get("search_bounded_in_engine_order") is not None:
                # (a search stopped at the press bound that skipped one of the engine's results: 1)
                checks["search_bounded_out_of_order"] = (int(not r["search_bounded_in_engine_order"]), 0)
            if r.get("search_precision") is not None:
                checks["search_precision_missed"] = (
                    round(1 - r["search_precision"], 4),
                    1 - MIN_SEARCH_PRECISION,
                )
        if reference is not None and reference.get("cpu_s_per_report"):
            ratio = round(r["cpu_s_per_report"] / reference["cpu_s_per_report"], 3)
            checks["cpu_per_report_over_single"] = (ratio, MAX_CPU_PER_REPORT_OVER_SINGLE)
        for name, (value, most) in checks.items():
            out[f"{name}_{key}"] = {"value": value, "max": most, "met": value <= most}
    return out


ROWS = [
    ("ours full -j1 (s)", "ours_full_s", "{:.1f}"),
    ("ours full -j2 (s)", "ours_full_j2_s", "{:.1f}"),
    ("floor full -j1 (s)", "floor_full_s", "{:.1f}"),
    ("ours / floor", "ours_over_floor", "{:.2f}"),
    ("ours / floor (CPU)", "ours_over_floor_cpu", "{:.2f}"),
    ("-j2 / -j1", "j2_over_j1", "{:.2f}"),
    ("ours s/report", "s_per_report", "{:.4f}"),
    ("floor s/report", "floor_s_per_report", "{:.4f}"),
    ("no-op rebuild (s)", "noop_s", "{:.1f}"),
    ("floor no-op (s)", "floor_noop_s", "{:.1f}"),
    ("edit one file (s)", "edit_one_s", "{:.1f}"),
    ("  documents re-read", "edit_one_reread", "{}"),
    ("  edit / no-op", "edit_over_noop", "{:.2f}"),
    ("add one year (s)", "add_year_s", "{:.1f}"),
    ("  documents re-read", "add_year_reread", "{}"),
    ("peak RSS ours -j1 (MB)", "peak_rss_mb", "{:.0f}"),
    ("peak RSS -j2 per process (MB)", "peak_rss_mb_j2_per_process", "{:.0f}"),
    ("peak RSS floor (MB)", "floor_peak_rss_mb", "{:.0f}"),
    ("html bytes / report", "html_bytes_per_report", "{:,}"),
    ("floor html bytes / report", "floor_html_bytes_per_report", "{:,}"),
    ("search index bytes", "searchindex_bytes", "{:,}"),
    ("partitioned (workers)", "workers", "{}"),
    ("ours full CPU (s)", "ours_full_cpu_s", "{:.1f}"),
    ("CPU s/report", "cpu_s_per_report", "{:.4f}"),
    ("wall / CPU", "wall_over_cpu", "{:.2f}"),
    ("largest page (bytes)", "largest_page_bytes", "{:,}"),
    ("largest file (bytes)", "largest_file_bytes", "{:,}"),
    ("floor search index bytes", "floor_searchindex_bytes", "{:,}"),
    ("search: gzip bytes / query", "search_query_bytes_gz", "{:,.0f}"),
    ("search: recall (lowest)", "search_recall", "{:.2f}"),
    ("search: recall pressing 继续查找", "search_recall_pressed", "{:.2f}"),
    ("search: first screen complete", "search_first_screen_complete", "{:.0%}"),
    ("search: pressed to the end (queries)", "search_pressed_to_end", "{}"),
    ("search: precision (lowest)", "search_precision", "{:.2f}"),
]


def table(sizes: dict[str, dict[str, Any]]) -> str:
    keys = sorted(sizes, key=int)
    width = max(len(label) for label, _, _ in ROWS)
    lines = [f"{'N':<{width}}  " + "  ".join(f"{k:>12}" for k in keys)]
    for label, key, fmt in ROWS:
        cells = [fmt.format(sizes[k][key]) if sizes[k].get(key) is not None else "-" for k in keys]
        lines.append(f"{label:<{width}}  " + "  ".join(f"{c:>12}" for c in cells))
    return "\n".join(lines)


def write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark our plugins against plain Sphinx.")
    parser.add_argument("sizes", nargs="*", type=int, default=[250, 2000], help="numbers of reports")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="full builds per kind; the best counts")
    parser.add_argument(
        "--no-j2", dest="j2", action="store_false", help="skip the -j 2 build of the single-run sizes"
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("jieba") is None:
        # without it Sphinx's zh search indexes no Chinese, and the floor would be another floor
        parser.error("jieba is not installed: pip install -e '.[bench]' (make bench does)")
    sizes_arg = args.sizes if args.sizes else [250, 2000]

    started = dt.datetime.now()
    info = machine()
    snap = Snapshot(WORK / "snapshot")
    code = snap.fingerprint()
    sizes: dict[str, dict[str, Any]] = {}
    for n in sizes_arg:
        if n >= PARTITIONED_FROM:
            sizes[str(n)] = bench_partitioned(n, args.seed, snap)
        else:
            sizes[str(n)] = bench_size(n, args.seed, args.repeat, snap, args.j2)
    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    empty_trash()

    RESULTS.mkdir(exist_ok=True)
    latest = RESULTS / "latest.json"
    earlier: dict[str, dict[str, Any]] = {}
    if len(sizes) < 2 and latest.exists():
        previous = json.loads(latest.read_text(encoding="utf-8"))
        for key, value in previous.get("sizes", {}).items():
            if key not in sizes:
                earlier[key] = {
                    **value,
                    "measured": previous.get("date", ""),
                    "same_code": previous.get("code") == code,
                }
        for key, value in previous.get("earlier_sizes", {}).items():
            if key not in sizes and key not in earlier:
                earlier[key] = value

    result = {
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round((dt.datetime.now() - started).total_seconds(), 1),
        "command": "python bench/run.py " + " ".join(str(n) for n in sizes_arg),
        "seed": args.seed,
        "repeat": args.repeat,
        "machine": info,
        "versions": versions(),
        "code": code,
        "extensions": snap.extensions(),
        "sizes": sizes,
        "earlier_sizes": earlier,
        "targets": targets(sizes, earlier),
    }
    write_json(latest, result)
    dated = RESULTS / f"{started:%Y-%m-%d}-{'-'.join(str(n) for n in sizes_arg)}.json"
    write_json(dated, result)

    print()
    print(table(sizes))
    for key, value in sorted(earlier.items(), key=lambda kv: int(kv[0])):
        same = "same code" if value.get("same_code") else "OTHER CODE: the ratio is not meaningful"
        print(f"\n(scaling uses N = {key} from the run of {value.get('measured', '?')}, {same})")
    print()
    for name, target in result["targets"].items():
        shown = {k: v for k, v in target.items() if k != "met"}
        print(f"{'met   ' if target['met'] else 'MISSED'} {name}: {shown}")
    print(f"\nwritten: {latest.relative_to(REPO)}, {dated.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
