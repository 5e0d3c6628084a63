"""The lists of modules written in prose hold to the tree: the README's map of the folders, the
developer guide's tables, and the package docstrings of shufa.core and shufa.importing name
every module of their folder, and nothing that is not there."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from shufa.plugins import PLUGINS

PACKAGE = REPO / "ext" / "shufa"
#: A module in the README's map: its file name, then its description (after spaces or in brackets).
MAP_ENTRY = r"(\w+)\.py(?: {2,}| \()"


def tree(folder: str) -> set[str]:
    """The modules of ext/shufa/<folder> (no package __init__)."""
    return {p.stem for p in (PACKAGE / folder).glob("*.py")} - {"__init__"}


def between(text: str, start: str, end: str) -> str:
    assert start in text and end in text[text.index(start) :], (start, end)
    rest = text[text.index(start) + len(start) :]
    return rest[: rest.index(end)]


@pytest.mark.parametrize("folder", ["core", "importing", "plugins/shared"])
def test_the_package_docstring_names_every_module(folder: str) -> None:
    text = (PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")
    named = set(re.findall(r"^``(\w+)``\s", text, re.MULTILINE))
    assert named == tree(folder)


def test_the_readme_map_names_every_module_of_the_core_and_the_plugins() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    core = between(text, "\n  core/", "\n  importing/")
    plugins = between(text, "\n  plugins/", "\n    shared/")
    shared = between(text, "\n    shared/", "\n    static/")
    assert set(re.findall(MAP_ENTRY, core)) == tree("core")
    assert set(re.findall(MAP_ENTRY, plugins)) == tree("plugins") == set(PLUGINS)
    assert set(re.findall(MAP_ENTRY, shared)) == tree("plugins/shared")
    for folder in ("importing/", "commands/", "sitebuild/", "plugins/"):
        assert f"\n  {folder}" in text


def test_the_developer_guide_names_every_module_of_the_core_and_every_plugin() -> None:
    text = (REPO / "docs" / "guide" / "developing.md").read_text(encoding="utf-8")

    def first_column(table: str) -> set[str]:
        return {
            name
            for row in re.findall(r"^\| ([^|]+) \|", table, re.MULTILINE)
            for name in re.findall(r"`(\w+)`", row)
        }

    assert first_column(between(text, "## core 的模块", "\n## ")) == tree("core")
    assert first_column(between(text, "## 插件\n", "\n## ")) == tree("plugins") == set(PLUGINS)
    shared = between(text, "`plugins/shared/` 中是插件共用的部分", "\n")
    assert set(re.findall(r"`(\w+)`（", shared)) == tree("plugins/shared")
