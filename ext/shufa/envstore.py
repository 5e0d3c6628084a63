"""What plugins keep in the Sphinx environment: dicts that live across builds, per-document
stores that follow Sphinx's purges and parallel merges, and the pages plugins write themselves."""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def env_dict(env: BuildEnvironment, attribute: str) -> dict:
    """The dict the environment keeps as ``env.<attribute>`` (a new one if it has none)."""
    value = getattr(env, attribute, None)
    if not isinstance(value, dict):
        value = {}
        setattr(env, attribute, value)
    return value


def note_extra_pages(env: BuildEnvironment, owner: str, pages: dict[str, str]) -> None:
    """Name the pages a plugin writes itself (html-collect-pages), with their titles.

    They are no Sphinx documents; search (by title) and the sitemap list them too."""
    env_dict(env, "shufa_extra_pages")[owner] = dict(pages)


def extra_pages(env: BuildEnvironment) -> dict[str, str]:
    """Every page named by :func:`note_extra_pages`: page name → title."""
    found: dict[str, str] = {}
    for pages in getattr(env, "shufa_extra_pages", {}).values():
        found.update(pages)
    return found


def per_document_store(app: Sphinx, attribute: str) -> None:
    """Keep ``env.<attribute>``, a docname → value dict, in step with Sphinx: created at
    builder-inited, purged with its document, merged from parallel readers."""

    def create(app: Sphinx) -> None:
        env_dict(app.env, attribute)

    def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        getattr(env, attribute).pop(docname, None)

    def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        mine, theirs = getattr(env, attribute), getattr(other, attribute)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    app.connect("builder-inited", create, priority=250)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


#: The output files claimed in each build (by application: one build each).
_CLAIMED: weakref.WeakKeyDictionary[Sphinx, set[str]] = weakref.WeakKeyDictionary()


def claim(app: Sphinx, path: Path | str) -> None:
    """Say that this build wrote (or keeps) the output file *path*: files under the generated
    folders that no plugin claims, and no page is written to, are removed when the build ends."""
    _CLAIMED.setdefault(app, set()).add(os.path.abspath(path))


def claimed(app: Sphinx) -> set[str]:
    """Every output file claimed in this build (absolute paths)."""
    return _CLAIMED.get(app, set())
