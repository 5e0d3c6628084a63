"""What a worker runs: one Sphinx run of a partition (or of the hub), as a child process.

:func:`build_partition` is the Dask task. It runs ``python -m sphinx`` for the
partition in a child process that dies with the worker (so a retry on another
worker never races a build left running), watches its memory, and records the
outcome in the partition's ``state.json``: a partition whose last build did not
finish is built afresh (``-E``), whatever that build left behind. Data problems
come back as Sphinx's located warnings (``file:line:col: …``), never as a
traceback; the task itself raises only when the worker cannot run Sphinx at all,
which Dask then retries elsewhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.files import write_if_changed
from ..core.partitions import HUB
from .plan import STATE, Spec, read_state, scaffold


@dataclass
class Outcome:
    """What a run did: ``built``, ``skipped`` (unchanged since its last build) or ``failed``."""

    name: str
    status: str
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    worker: str = ""
    fresh: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def _die_with_parent() -> None:
    # Linux: the child gets SIGKILL when the worker that started it dies (PR_SET_PDEATHSIG);
    # elsewhere a killed worker may leave its child running to the end.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def run_sphinx(spec: Spec, fresh: bool) -> Outcome:
    """Run the Sphinx build of *spec* in a child process and wait for it; its CPU time and
    peak memory come from the kernel's accounting of that child (``wait4``)."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        process = subprocess.Popen(
            spec.command(fresh),
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=_die_with_parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        over_limit = threading.Event()
        if spec.memory_limit:
            watch = (process, spec.memory_limit, over_limit)
            threading.Thread(target=_watch_memory, args=watch, daemon=True).start()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        warnings = [line.rstrip() for line in err if line.strip()]
    if over_limit.is_set():
        warnings.append(
            f"{spec.name}: stopped after passing the memory limit of {spec.memory_limit / 2**20:.0f} MB; "
            "expected a partition that fits (give the workers more memory, or split the partition in "
            "data/provinces.yaml)"
        )
    ok = process.returncode == 0 and not over_limit.is_set()
    return Outcome(
        spec.name,
        "built" if ok else "failed",
        warnings,
        time.monotonic() - started,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        fresh=fresh,
    )


def _watch_memory(process: subprocess.Popen, limit: int, over: threading.Event) -> None:
    import psutil

    try:
        child = psutil.Process(process.pid)
        while process.poll() is None:
            if child.memory_info().rss > limit:
                over.set()
                process.kill()
                return
            time.sleep(0.25)
    except psutil.Error:
        return


def up_to_date(spec: Spec, state: dict | None = None) -> bool:
    """Whether the last build of *spec* finished with the inputs it has now (and left what it
    hands on: a partition's summary, the hub's output)."""
    state = read_state(Path(spec.workdir)) if state is None else state
    handed = Path(spec.outdir, "_shufa", "summary.json") if spec.name != HUB else Path(spec.outdir)
    return bool(
        spec.fingerprint
        and state.get("status") == "built"
        and state.get("fingerprint") == spec.fingerprint
        and handed.exists()
    )


def build_partition(payload: str) -> dict:
    """The Dask task: build one partition (a :class:`Spec` as JSON) unless it is up to date.

    Returns an :class:`Outcome` as a dict. Two tasks of one partition never build at once
    (a lock file), and a build that did not finish is followed by a fresh one."""
    spec = Spec(**json.loads(payload))
    spec.memory_limit = spec.memory_limit or _worker_memory_limit()
    workdir = Path(spec.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    worker = _worker_name()
    with open(workdir / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state(workdir)
        if up_to_date(spec, state):
            return Outcome(spec.name, "skipped", worker=worker).to_dict()
        fresh = state.get("status") == "building"  # the last build was killed before it finished
        write_if_changed(workdir / STATE, json.dumps({"status": "building", "fingerprint": spec.fingerprint}))
        if spec.name != HUB:
            scaffold(Path(spec.docsdir), Path(spec.srcdir))
        outcome = run_sphinx(spec, fresh)
        outcome.worker = worker
        final = {
            "status": outcome.status,
            "fingerprint": spec.fingerprint if outcome.status == "built" else "",
        }
        write_if_changed(workdir / STATE, json.dumps(final))
        return outcome.to_dict()


def _worker_memory_limit() -> int:
    """The memory limit of the Dask worker running this task (``dask worker --memory-limit``, or the
    LocalCluster's share of this machine), which the Sphinx child is then held to; 0 outside Dask."""
    if "distributed" not in sys.modules:
        return 0  # not in a Dask worker (the hub's run, or a single partition run here)
    try:
        from distributed import get_worker

        return int(get_worker().memory_manager.memory_limit or 0)
    except (ImportError, ValueError, AttributeError):
        return 0


def _worker_name() -> str:
    if "distributed" not in sys.modules:
        return "local"
    try:
        from distributed import get_worker

        return str(get_worker().name)
    except (ImportError, ValueError):
        return "local"
