"""Sphinx plugin: the anchor lock that makes "links never break" checkable.

At every build the lock (``data/anchors.lock``, :mod:`shufa.core.lock`) is
checked against the model: every locked entry that nothing keeps is reported
as a located warning naming the anchor and the page, and the build fails
(exit status 1) even without ``-W``. In a partitioned build each run checks the
entries of the pages it writes, so together they check every entry once.
``shufa lock`` records new anchors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.lock import KEPT, lock_problems, unbuilt_pages
from ..core.problems import Code
from . import Order, metadata
from .data import data_dir, get_run, warn

logger = logging.getLogger(__name__)


def _check_lock(app: Sphinx) -> None:
    run = get_run(app.env)
    # the hub's archive holds no report: the years come from the partitions' summaries
    years = run.summary.years() if run.scope.is_hub else None
    problems = lock_problems(
        run.result, data_dir(app), run.scope, years=years, keep=Path(app.doctreedir, KEPT)
    )
    for problem in problems:
        warn(problem)
    unbuilt = unbuilt_pages(run.result, data_dir(app), run.scope)
    if unbuilt:
        shown = ", ".join(unbuilt[:5]) + (" …" if len(unbuilt) > 5 else "")
        logger.warning(
            f"{len(unbuilt)} published page(s) cannot be built, their data files having problems (listed "
            f"above): {shown}; expected the problems fixed — a locked page may not go missing",
            type="shufa",
            subtype=Code.ANCHOR_LOCK,
        )
    if problems or unbuilt:
        app.statuscode = 1  # a broken promise fails the build even without -W


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.connect("builder-inited", _check_lock, priority=Order.USE_MODEL)
    return metadata()
