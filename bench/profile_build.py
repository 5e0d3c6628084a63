"""Profile one fresh full build at N: where the time of our build (or the floor's) goes.

    python bench/profile_build.py 250 [--floor] [--top 25]

Uses the data of bench/work/n<N>/ when a benchmark run left it there (else
generates it), builds in-process under cProfile with a gc callback timing every
collection, writes bench/work/n<N>/<ours|floor>.prof (open it with
``python -m pstats`` or snakeviz) and prints:

- the time of the build phases (data loading, page generation, reading,
  resolving and writing, search indexing, jieba, pickling the environment);
- time by package, C functions charged to the package that called them;
- garbage collection time by generation;
- our plugins' functions by cumulative time, and the top functions overall.

cProfile roughly doubles the run time; the shares are what to read.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import floor  # noqa: E402
import generate  # noqa: E402
from run import WORK, ours_source  # noqa: E402

#: Phases: label → (file suffix, function name); cumulative time of the function.
PHASES = [
    ("shufa: load data/ (shufa.data._load)", "shufa/plugins/data.py", "_load"),
    ("shufa: generate pages (shufa.pages._generate)", "shufa/plugins/pages.py", "_generate"),
    ("read sources (Builder.read)", "sphinx/builders/__init__.py", "read"),
    ("  myst parse (MystParser.parse)", "myst_parser/parsers/sphinx_.py", "parse"),
    ("  our report directive (ReportDirective.run)", "shufa/plugins/directives.py", "run"),
    ("  pickle doctrees (write_doctree)", "sphinx/builders/__init__.py", "write_doctree"),
    ("  env-get-outdated handlers (shufa.data._outdated)", "shufa/plugins/data.py", "_outdated"),
    ("write output (Builder.write)", "sphinx/builders/__init__.py", "write"),
    (
        "  resolve references (apply_post_transforms)",
        "sphinx/environment/__init__.py",
        "apply_post_transforms",
    ),
    ("  render pages (StandaloneHTMLBuilder.handle_page)", "sphinx/builders/html/__init__.py", "handle_page"),
    ("  search: feed (IndexBuilder.feed)", "sphinx/search/__init__.py", "feed"),
    ("  search: jieba split (SearchChinese.split)", "sphinx/search/zh.py", "split"),
    (
        "jieba: default dictionary loaded again as a user dictionary (SearchChinese.__init__)",
        "sphinx/search/zh.py",
        "__init__",
    ),
    ("jieba: dictionary load (Tokenizer.initialize)", "jieba/__init__.py", "initialize"),
    ("finish (dump search index, objects.inv)", "sphinx/builders/html/__init__.py", "finish"),
    ("pickle environment (pickle.dump)", "~", "<built-in method _pickle.dump>"),
]


def _package(filename: str) -> str:
    if filename == "~":
        return ""
    path = filename.replace("\\", "/")
    if "/ext/shufa/" in path:
        return "shufa (ours)"
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/lib/python3" in path:
        return "python stdlib"
    return "other"


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """tottime per package; C functions charged to their callers' packages, in proportion."""
    table = stats.stats  # type: ignore[attr-defined]
    out: dict[str, float] = defaultdict(float)

    def charge(key, seconds: float, depth: int = 0) -> None:
        package = _package(key[0])
        if package or depth > 3:
            out[package or "C (unattributed)"] += seconds
            return
        callers = table[key][4]
        total = sum(c[2] for c in callers.values()) or 0.0
        if not callers or total <= 0:
            out["C (unattributed)"] += seconds
            return
        for caller, c in callers.items():
            share = seconds * c[2] / total
            if caller in table:
                charge(caller, share, depth + 1)
            else:
                out["C (unattributed)"] += share

    for key, (_, _, tottime, _, _) in table.items():
        charge(key, tottime)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def phase_times(stats: pstats.Stats) -> list[tuple[str, float]]:
    table = stats.stats  # type: ignore[attr-defined]
    out = []
    for label, suffix, name in PHASES:
        total = 0.0
        for (filename, _, func), (_, _, _, cumtime, _) in table.items():
            if func == name and filename.replace("\\", "/").endswith(suffix):
                total = max(total, cumtime)
        out.append((label, total))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--floor", action="store_true", help="profile the plain-Sphinx floor")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    root = WORK / f"n{args.n}"
    data = root / "data"
    if not data.is_dir():
        generate.generate(data, args.n, args.seed)
    name = "floor" if args.floor else "ours"
    out = root / f"{name}-prof-html"
    if out.exists():
        shutil.rmtree(out)
    if args.floor:
        src = root / "floor-prof-src"
        floor.write_floor(data, src)
        sphinx_args = ["-b", "html", "-q", str(src), str(out)]
    else:
        src = ours_source(root / "ours-prof-src")
        sphinx_args = ["-b", "html", "-q", str(src), str(out)]
        sphinx_args += ["-D", f"shufa_data_dir={data}"]

    gc_seconds: dict[int, float] = defaultdict(float)
    gc_counts: dict[int, int] = defaultdict(int)
    started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            gc_seconds[info["generation"]] += time.perf_counter() - started[0]
            gc_counts[info["generation"]] += 1

    from sphinx.cmd.build import build_main

    profiler = cProfile.Profile()
    gc.callbacks.append(on_gc)
    t0 = time.perf_counter()
    profiler.enable()
    status = build_main(sphinx_args)
    profiler.disable()
    wall = time.perf_counter() - t0
    gc.callbacks.remove(on_gc)
    if status:
        print(f"build failed with status {status}", file=sys.stderr)
        return status
    prof = root / f"{name}.prof"
    profiler.dump_stats(prof)
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]

    print(f"\n{name} build of N = {args.n} under cProfile: {wall:.1f} s wall, {total:.1f} s profiled")
    print(f"profile written to {prof}\n")
    print("phases (cumulative time; nested phases indented):")
    for label, seconds in phase_times(stats):
        print(f"  {label:<60} {seconds:7.1f} s  {100 * seconds / total:5.1f} %")
    gc_total = sum(gc_seconds.values())
    print(f"\ngarbage collection: {gc_total:.1f} s ({100 * gc_total / wall:.1f} % of wall)")
    for generation in sorted(gc_seconds):
        print(f"  generation {generation}: {gc_counts[generation]:6d} runs  {gc_seconds[generation]:6.2f} s")
    print("\ntime by package (C functions charged to their callers):")
    for package, seconds in by_package(stats).items():
        if seconds >= 0.005 * total:
            print(f"  {package:<30} {seconds:7.1f} s  {100 * seconds / total:5.1f} %")
    print(f"\nour plugins, by cumulative time (top {args.top}):")
    ours = [
        (ct, tt, nc, key)
        for key, (_, nc, tt, ct, _) in stats.stats.items()  # type: ignore[attr-defined]
        if _package(key[0]) == "shufa (ours)"
    ]
    for ct, tt, nc, (filename, line, func) in sorted(ours, reverse=True)[: args.top]:
        where = filename.split("/ext/", 1)[-1]
        print(f"  {ct:7.2f} s cum {tt:6.2f} s own {nc:8d} calls  {where}:{line} {func}")
    print(f"\ntop {args.top} functions overall by own time:")
    rows = sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda kv: -kv[1][2],
    )[: args.top]
    for (filename, line, func), (_, nc, tt, ct, _) in rows:
        where = filename.split("site-packages/", 1)[-1].split("/ext/", 1)[-1]
        print(f"  {tt:7.2f} s own {ct:7.2f} s cum {nc:8d} calls  {where}:{line} {func}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
