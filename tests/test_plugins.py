"""The umbrella extension ``shufa``: one table sets every plugin up, the plugins' former names
(``shufa.data`` …) keep working in other projects' conf.py and imports, every plugin gives the
package's version, and the handler orders are named in one table."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

import shufa
from conftest import DATA, REPO, archive_source, run_sphinx
from shufa.plugins import PLUGINS
from shufa.plugins.theme import DESIGNED

#: conf.py's extensions before the plugins moved into shufa.plugins (as other projects list them).
FORMER_CONF = [
    "myst_parser",
    "sphinx_design",
    *(
        f"shufa.{name}"
        for name in [
            "data",
            "pages",
            "domain",
            "directives",
            "listings",
            "crossyear",
            "compare",
            "metrics",
            "anchors",
            "redirects",
            "theme",
            "schemadoc",
            "memory",
            "citation",
            "sources",
            "search",
            "export",
            "series",
            "feeds",
        ]
    ),
]
PLUGINS_DIR = REPO / "ext" / "shufa" / "plugins"


def listeners(app: SphinxTestApp) -> dict[str, int]:
    return {event: len(found) for event, found in app.events.listeners.items()}


def test_the_umbrella_sets_up_every_plugin_once_with_the_package_version(sample_build: SphinxTestApp) -> None:
    assert set(PLUGINS) == {p.stem for p in PLUGINS_DIR.glob("*.py")} - {"__init__"}
    ours = {name: ext for name, ext in sample_build.extensions.items() if name.startswith("shufa")}
    assert set(ours) == {"shufa", "shufa.plugins", *(f"shufa.plugins.{name}" for name in PLUGINS)}
    assert shufa.__version__ == importlib.metadata.version("shufa") != "1"
    assert {name: ext.version for name, ext in ours.items() if ext.version != shufa.__version__} == {}
    # one handler per plugin and event: the model is loaded once
    loads = [x for x in sample_build.events.listeners["builder-inited"] if x.handler.__name__ == "_load"]
    assert len(loads) == 1


def test_a_conf_py_that_names_the_plugins_by_their_former_names_builds_the_same_site(
    tmp_path: Path, sample_build: SphinxTestApp, sample_site: Path
) -> None:
    src = archive_source(tmp_path, guide=True)
    conf = src / "conf.py"
    umbrella = 'extensions = ["myst_parser", "sphinx_design", "shufa"]'
    text = conf.read_text(encoding="utf-8")
    assert umbrella in text
    conf.write_text(text.replace(umbrella, f"extensions = {FORMER_CONF!r}"), encoding="utf-8")
    app = run_sphinx(src, confoverrides={"shufa_data_dir": str(DATA)})
    assert app.statuscode == 0
    assert set(FORMER_CONF) <= set(app.extensions)
    assert {f"shufa.plugins.{name}" for name in PLUGINS} <= set(app.extensions)
    # each plugin set up once, though named both ways (the plugins name each other by the new name)
    assert listeners(app) == listeners(sample_build)
    out = Path(app.outdir)
    compared = 0
    for page in sorted(sample_site.rglob("*.html")):
        rel = page.relative_to(sample_site)
        assert (out / rel).read_bytes() == page.read_bytes(), rel
        compared += 1
    assert compared > 100


def test_a_former_name_is_the_plugin_for_imports_too() -> None:
    former = importlib.import_module("shufa.data")
    plugin = importlib.import_module("shufa.plugins.data")
    assert former.get_archive is plugin.get_archive and former.Run is plugin.Run
    from shufa.search import SearchChinese

    assert SearchChinese is importlib.import_module("shufa.plugins.search").SearchChinese
    with pytest.raises(AttributeError):
        former.no_such_thing  # noqa: B018
    # only plugins have former names: no helper, no module that never was
    for name in ("shufa.shared", "shufa.envstore", "shufa.no_such_plugin", "shufa.plugins.no_such_plugin"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(name)


def test_handler_orders_are_named_in_one_table() -> None:
    # no plugin connects a handler with a number of its own: each names its point in Order
    numbered = []
    for path in sorted(PLUGINS_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "connect":
                for keyword in node.keywords:
                    if keyword.arg == "priority" and not isinstance(keyword.value, ast.Attribute):
                        numbered.append(f"{path.name}:{node.lineno}")
    assert numbered == []


def test_plugins_read_their_options_one_way() -> None:
    # config.get(app.config), checked once at config-inited; never app.config.shufa_… directly
    def is_config(node: ast.AST) -> bool:
        return getattr(node, "attr", getattr(node, "id", None)) == "config"

    direct = []
    for path in sorted(PLUGINS_DIR.rglob("*.py")):
        if path.name == "config.py":  # the one reader
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr.startswith("shufa_") and is_config(node.value):
                direct.append(f"{path.name}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "getattr"
                and is_config(node.args[0])
            ):
                direct.append(f"{path.name}:{node.lineno}")
    assert direct == []


def test_options_read_through_config_get_are_the_checked_ones(sample_build: SphinxTestApp) -> None:
    from shufa.plugins import config

    options = config.get(sample_build.config)
    assert options is config.get(sample_build.config)  # kept from config-inited
    assert options.data_dir == str(DATA) and options.scope.is_whole and options.feed_length == 50


def test_sphinx_design_works_on_the_pages_that_use_it_only(tmp_path: Path) -> None:
    """Its post-transforms and its new-tab handler skip a page whose source names none of its
    directives or roles (every report page), and still make the pages that do."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_design", "shufa.plugins.theme"]\n'
        'html_theme = "pydata_sphinx_theme"\nmyst_enable_extensions = ["colon_fence"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# 首页\n\n```{toctree}\nplain\nrst\n```\n\n"
        ":::{dropdown} 展开看看\n里面的话。\n:::\n\n"
        "```{button-link} https://example.org/\n:new-tab:\n外部链接\n```\n",
        encoding="utf-8",
    )
    (src / "plain.md").write_text("# 普通页面\n\n没有组件的页面，像每一份报告。\n", encoding="utf-8")
    (src / "rst.rst").write_text(
        "reST 页面\n=========\n\n.. dropdown:: 也能展开\n\n   reST 的下拉框。\n", encoding="utf-8"
    )
    app = run_sphinx(src)
    assert app.statuscode == 0, app._warning.getvalue()
    assert getattr(app.env, DESIGNED) == {"index": True, "plain": False, "rst": True}
    design = [t for t in app.registry.post_transforms if "sphinx_design" in str(t.__mro__[1])]
    assert len(design) >= 3 and all(getattr(t, "_shufa_gated", False) for t in design), design
    out = Path(app.outdir)
    index = (out / "index.html").read_text(encoding="utf-8")
    # the dropdown made by its post-transform (a <details>), the link opening in a new tab
    assert '<details class="sd-sphinx-override sd-dropdown' in index
    assert 'target="_blank"' in index and 'rel="noreferrer noopener"' in index
    assert '<details class="sd-sphinx-override sd-dropdown' in (out / "rst.html").read_text(encoding="utf-8")
