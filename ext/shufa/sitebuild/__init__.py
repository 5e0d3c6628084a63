"""The partitioned build of the archive: ``shufa build`` (what ``make html`` runs).

An archive of one partition (one province, or no data/provinces.yaml) is built in
one Sphinx run, as ``sphinx-build -c . docs _build/html`` builds it. A larger one
is built in partitions (:mod:`shufa.core.partitions`): each partition is a Sphinx
run of the same conf.py and plugins with its own environment, run as a task on Dask
— a LocalCluster of this machine's cores by default, or the cluster whose scheduler
address is given — then the hub's run builds what spans the partitions from their
summaries, and :mod:`.merge` makes one site of the outputs. Nothing here imports
Sphinx: every run is a ``python -m sphinx`` child process.

The workers must see the build folder (this machine's, or a shared folder such as
NFS for a remote cluster): they write each partition's output there, and the site
is made from it here. A partition whose inputs are unchanged is not built again.

The site and the work folder are the command's own (:mod:`.folders`): a folder of anything
else is refused before it is touched, and one build at a time holds them. A scheduler that
does not answer, or has no worker, ends the build with a message within a bound.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..core.lock import KEPT, split_lock
from ..core.partitions import HUB
from ..core.problems import visible
from .folders import Refused, check, claim, held, overlapping
from .merge import MARK, SINGLE, Publication, invalidate, output_files, unpublish, write_list
from .plan import Plan, Spec, hub_fingerprint, make_plan
from .tasks import Outcome, build_partition, run_sphinx, up_to_date

__all__ = ["Options", "build"]


@dataclass
class Options:
    confdir: Path
    docs: Path
    datadir: Path
    site: Path
    workdir: Path
    sphinx_options: list[str] = field(default_factory=list)
    #: a Dask scheduler's address (``tcp://host:8786``); empty: a LocalCluster of this machine
    scheduler: str = ""
    #: workers of the LocalCluster (default: the CPU count)
    workers: int = 0
    #: memory per worker in bytes (0: Dask's default share of this machine's memory)
    memory_limit: int = 0
    #: seconds to wait for a worker of the scheduler given by address (it may be starting)
    wait_for_workers: float = 60.0
    #: seconds the scheduler given by address has to answer (Dask's connect timeout, retried within it)
    connect_timeout: float = 10.0


def build(options: Options, say: Callable[[str], None] = print) -> int:
    """Build the site; returns the exit status (0: built; 1: a run reported problems, or the
    build could not start or go on, which the last message says, with what to do)."""
    try:
        with _own_folders(options, say):
            return _build(options, say)
    except Refused as exc:
        say(f"shufa: {visible(str(exc))}")  # (a file name it quotes may hold control characters)
        return 1


#: The work folder's mark (:mod:`.folders`); the site's is :data:`.merge.MARK`.
WORK_MARK = ".shufa-work"


@contextlib.contextmanager
def _own_folders(options: Options, say: Callable[[str], None]) -> Iterator[None]:
    """The work folder and the site, refused unless they are new, empty or this command's (nothing
    touched then), claimed and held for this build: a second build of them waits."""
    clash = overlapping(
        {"--out": options.site, "--work": options.workdir},
        {"--data": options.datadir, "--docs": options.docs},
    )
    if clash:
        raise Refused(
            f"{clash[0]} overlap; expected separate folders (the build writes into --out and --work, "
            "and removes files it wrote there)"
        )
    check(options.workdir, WORK_MARK, "--work")
    check(options.site, MARK, "--out")
    with contextlib.ExitStack() as stack:
        claim(options.workdir, WORK_MARK, "--work")
        stack.enter_context(held(options.workdir, WORK_MARK, say))
        claim(options.site, MARK, "--out")
        stack.enter_context(held(options.site, MARK, say))
        yield


def _build(options: Options, say: Callable[[str], None]) -> int:
    started = time.monotonic()
    # what the runs write from now on has a later change time (less a margin: the file system's
    # clock is coarser than this one)
    since_ns = time.time_ns() - 1_000_000_000
    plan = make_plan(
        options.confdir.resolve(),
        options.docs.resolve(),
        options.datadir.resolve(),
        options.workdir.resolve(),
        options.sphinx_options,
        options.memory_limit,
    )
    if plan.problems:
        for problem in plan.problems:
            say(problem)
        say("the registries have problems: fix them first (`make check` lists them)")
        return 1
    if len(plan.specs) <= 1:
        return _single(options, say)
    say(f"shufa: {len(plan.specs)} partitions, {sum(s.reports for s in plan.specs):,} reports")
    # Before any run: the site's record goes (a run may replace a file the site links), so that
    # a build killed from here on leaves the site to be made whole by the next one.
    publication = Publication(options.site, plan.archive, options.workdir / "runs", since_ns)
    _forget_old_partitions(options.workdir, {s.name for s in plan.specs})
    # the lock read once here for the partitions' runs, not once in each
    split_lock(
        options.datadir.resolve(), plan.archive, {s.name: Path(s.doctreedir, KEPT) for s in plan.specs}
    )
    outcomes = run_partitions(plan, options, say)
    record: dict = {"partitions": [o.to_dict() for o in outcomes], "hub": None, "files": 0}
    for outcome in outcomes:
        for line in outcome.warnings:
            say(line)
    failed = [o.name for o in outcomes if o.status == "failed"]
    if failed:
        _record(options, record, started)
        say(f"shufa: partition(s) with problems: {', '.join(failed)}; the site is not updated")
        return 1
    plan.hub.fingerprint = hub_fingerprint(plan, options.sphinx_options)
    # The hub's run uses one core; the partitions' files are placed in the site meanwhile.
    hub_result: list[dict] = []
    hub_run = threading.Thread(target=lambda: hub_result.append(build_partition(plan.hub.to_json())))
    hub_run.start()
    built = {o.name for o in outcomes if o.status == "built"}
    publication.publish({s.name: Path(s.outdir) for s in plan.specs}, built)
    hub_run.join()
    hub = Outcome(**hub_result[0]) if hub_result else Outcome(HUB, "failed", ["hub: the run did not start"])
    record["hub"] = hub.to_dict()
    for line in hub.warnings:
        say(line)
    if hub.status == "failed":
        _record(options, record, started)
        say(
            "shufa: the hub's run reported problems; the pages across provinces are not updated "
            "(the partitions' pages are: the next build makes the site whole again)"
        )
        return 1
    publication.publish({HUB: Path(plan.hub.outdir)}, {HUB} if hub.status == "built" else set())
    files, placed, removed = publication.close()
    record["files"] = files
    _record(options, record, started)
    say(
        f"shufa: site {options.site}: {files:,} files ({placed:,} updated, {removed:,} removed) "
        f"in {record['seconds']:.1f} s"
    )
    return 0


def _forget_old_partitions(workdir: Path, names: set[str]) -> None:
    """The folders of partitions the data no longer has (a province gone or regrouped): the hub
    must not merge their summaries. (Their files leave the site when the publication closes.)"""
    for folder in ("partitions", "sources", "doctrees"):
        root = workdir / folder
        for old in root.iterdir() if root.is_dir() else ():
            if old.is_dir() and old.name not in names and old.name != HUB:
                shutil.rmtree(old)


def _record(options: Options, record: dict, started: float) -> None:
    """``last-build.json`` in the work folder: what each run did (the benchmark reads it)."""
    record["seconds"] = round(time.monotonic() - started, 2)
    (options.workdir / "last-build.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


def _single(options: Options, say: Callable[[str], None]) -> int:
    """One Sphinx run of the whole archive straight into the site's folder.

    The files an earlier partitioned build placed go first (those its runs' lists name): they are
    hard links to the runs' outputs, which this run would otherwise write through. What this run
    leaves in the site is listed as the files of run :data:`.merge.SINGLE`, so that a partitioned
    build after it removes those no run gives."""
    runs = options.workdir / "runs"
    unpublish(options.site, runs, keep=SINGLE)
    for folder in ("partitions", "hub"):
        shutil.rmtree(options.workdir / folder, ignore_errors=True)
    invalidate(runs)
    for old in runs.iterdir() if runs.is_dir() else ():
        if old.is_dir() and old.name != SINGLE:
            shutil.rmtree(old)
    spec = Spec(
        name="",
        confdir=str(options.confdir.resolve()),
        docsdir=str(options.docs.resolve()),
        datadir=str(options.datadir.resolve()),
        srcdir=str(options.docs.resolve()),
        outdir=str(options.site.resolve()),
        doctreedir=str((options.workdir / "single" / "doctrees").resolve()),
        workdir=str((options.workdir / "single").resolve()),
        sphinx_options=options.sphinx_options,
    )
    outcome = run_sphinx(spec, fresh=False)
    write_list(runs, SINGLE, (rel for rel in output_files(options.site) if rel != MARK))
    for line in outcome.warnings:
        say(line)
    say(
        f"shufa: {'built' if outcome.status == 'built' else 'problems in'} {options.site} in {outcome.seconds:.1f} s"
    )
    return 0 if outcome.status == "built" else 1


def run_partitions(plan: Plan, options: Options, say: Callable[[str], None]) -> list[Outcome]:
    """Every partition's run, as tasks on Dask; progress is said as each one ends.

    Partitions whose inputs are unchanged are told apart first and not sent at all (each task
    checks again, under the partition's lock). With no scheduler given, a single partition to
    build runs here, without a cluster: starting one costs more than it gives for one task."""
    total = len(plan.specs)
    outcomes = [Outcome(s.name, "skipped") for s in plan.specs if up_to_date(s)]
    for done, outcome in enumerate(outcomes, 1):
        say(f"[{done}/{total}] {outcome.name}: unchanged, not built again")
    unchanged = {o.name for o in outcomes}
    # The largest partitions first: the last to start are then the quickest to end.
    specs = sorted((s for s in plan.specs if s.name not in unchanged), key=lambda s: -s.reports)
    if not specs:
        return outcomes
    if len(specs) == 1 and not options.scheduler:
        spec = specs[0]
        # held to the share of memory a worker of the local cluster would have
        spec.memory_limit = spec.memory_limit or _worker_share(options)
        outcome = Outcome(**build_partition(spec.to_json()))
        say(_progress(total, total, specs[0], outcome))
        return [*outcomes, outcome]
    return [*outcomes, *_on_dask(specs, options, say, len(outcomes), total)]


#: Dask settings of the local cluster. The workers do not sample their own stacks (Dask's
#: profiler, 4 % of a core each, which nothing here reads), and the cluster's own timers tick
#: slower than Dask's defaults, which suit many short tasks, not a few runs of a minute: the
#: event loop's 20 ms tick, the 0.5 s system monitor and the 0.1 s memory monitor kept an idle
#: cluster of two workers at 7 % of a core (2.05 CPU s in 30 s: the scheduler and nannies in
#: this process and the two worker processes); at 1 s, 5 s and 1 s it is 0.5 CPU s. The memory
#: monitor watches the worker process itself, which stays small: a Sphinx child is held to the
#: memory limit by :func:`.tasks.run_sphinx`. Which worker builds what is decided by sending
#: partitions as workers free up (:func:`_on_dask`).
LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def _local_workers(options: Options) -> int:
    """Workers of the local cluster: as many as asked, else one per core."""
    return options.workers or os.cpu_count() or 1


def _worker_share(options: Options) -> int:
    """This machine's memory divided among the workers a LocalCluster would start (as Dask's
    ``memory_limit="auto"`` does)."""
    import psutil

    return int(psutil.virtual_memory().total / _local_workers(options))


def local_cluster(workers: int) -> object:
    """The LocalCluster a build without a scheduler address runs on: *workers* single-threaded
    worker processes on 127.0.0.1."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            # the worker's share of this machine; its Sphinx runs are held to it, or to the
            # memory limit given (the worker process itself is small: Sphinx runs in a child)
            memory_limit="auto",
            host="127.0.0.1",  # nothing of a local build listens beyond this machine
            dashboard_address=None,  # no dashboard: on a port nobody is told of, it only took CPU
            # the scheduler's HTTP routes (health, metrics) on a free port, not on 8787, which a
            # build beside this one (or a user's own cluster) holds: Dask warned then
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


def _on_dask(
    specs: list[Spec], options: Options, say: Callable[[str], None], before: int, total: int
) -> list[Outcome]:
    from distributed import Client, as_completed

    cluster = None
    if options.scheduler:
        client = _connect(options)
    else:
        cluster = local_cluster(min(_local_workers(options), len(specs)))
        client = Client(cluster)
    try:
        _check_shared_folder(client, options.workdir)
        # As many partitions in flight as the cluster has threads, the next (largest left) sent
        # as one ends: submitted all at once, the scheduler placed them on workers up front and
        # left a worker idle for a minute at a time (N = 20,000: 1,015 and 875 s of builds on
        # the two workers in 1,253 s).
        capacity = max(1, sum(client.nthreads().values()))  # type: ignore[attr-defined]
        # Keys of this build's own: a scheduler holds one task per key, so a second build on the
        # same scheduler at the same time (another archive, partitions of the same names) was
        # handed the first one's task and its outcome, its own partition never built.
        run = secrets.token_hex(6)
        waiting = list(specs)
        futures: dict = {}
        running = as_completed()

        def send(spec: Spec) -> None:
            future = client.submit(
                build_partition, spec.to_json(), key=f"partition-{spec.name}-{run}", retries=2, pure=False
            )
            futures[future] = spec
            running.add(future)

        for spec in waiting[:capacity]:
            send(spec)
        waiting = waiting[capacity:]
        outcomes = []
        for done, future in enumerate(running, before + 1):
            spec = futures[future]
            if waiting:
                send(waiting.pop(0))
            try:
                outcome = Outcome(**future.result())
            except Exception as exc:  # the task could not run at all, even on retry
                outcome = Outcome(spec.name, "failed", [f"{spec.name}: the build task failed: {exc}"])
            outcomes.append(outcome)
            say(_progress(done, total, spec, outcome))
        return outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(options: Options) -> object:
    """A client of the scheduler at ``options.scheduler`` that has at least one worker, or
    :class:`Refused` saying which is missing and what to do."""
    from distributed import Client

    address = options.scheduler
    try:
        client = Client(address, timeout=options.connect_timeout)
    except (OSError, ValueError, TypeError) as exc:  # refused, unreachable, or not an address
        raise Refused(
            f"no Dask scheduler answers at {address} ({exc}); expected the address of a running "
            "scheduler (`dask scheduler` prints it: tcp://host:8786), or none (no --scheduler, "
            "DASK_SCHEDULER empty) to build on this machine's cores"
        ) from None
    try:
        client.wait_for_workers(1, timeout=options.wait_for_workers)
    except TimeoutError:  # distributed's WorkerStartTimeoutError
        client.close()
        raise Refused(
            f"the Dask scheduler at {address} has no worker after {options.wait_for_workers:g} s; "
            f"expected at least one: start workers with `dask worker {address}` on machines that "
            "see the build folder, or wait longer for them with --wait-for-workers SECONDS"
        ) from None
    return client


def _progress(done: int, total: int, spec: Spec, outcome: Outcome) -> str:
    what = {
        "built": f"built in {outcome.seconds:.1f} s (CPU {outcome.cpu_seconds:.1f} s, peak {outcome.peak_rss_mb:.0f} MB)",
        "skipped": "unchanged, not built again",
        "failed": "problems (listed below)",
    }[outcome.status]
    where = f" on {outcome.worker}" if outcome.worker and outcome.status != "skipped" else ""
    return f"[{done}/{total}] {spec.name}: {spec.reports:,} reports, {what}{where}"


def _check_shared_folder(client: object, workdir: Path) -> None:
    """Every worker must see the build folder: it writes the partitions' outputs there."""
    workdir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    probe = workdir / ".shared-folder-probe"
    probe.write_text(token, encoding="utf-8")
    try:
        seen = client.run(_sees, str(probe.resolve()), token)  # type: ignore[attr-defined]
    finally:
        probe.unlink(missing_ok=True)
    blind = sorted(worker for worker, ok in seen.items() if not ok)
    if blind:
        raise Refused(
            f"worker(s) {', '.join(blind)} do not see the build folder {workdir.resolve()}; expected a "
            "folder every worker shares (a network file system mounted at the same path)"
        )


def _sees(path: str, token: str) -> bool:
    try:
        return Path(path).read_text(encoding="utf-8") == token
    except OSError:
        return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run `shufa build` (or `make html`)")
