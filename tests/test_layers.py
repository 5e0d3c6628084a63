"""The layers hold: the core, the importer, the commands and the site build never load Sphinx or
docutils, each layer imports only the layers below it, the folders of ext/shufa/ are the layers,
and no module of ext/ imports, directly or through others, a module that imports it back."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ext" / "shufa"


def modules(folder: str = "") -> list[str]:
    """Dotted names of every module under ext/shufa/<folder>."""
    root = PACKAGE / folder
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append(".".join(parts))
    return found


def loaded_after_importing(names: list[str]) -> list[str]:
    """The Sphinx and docutils modules loaded in a fresh interpreter that imports *names*."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "from shufa.commands import parser\n"
        "parser()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("layer", ["core", "importing", "commands", "sitebuild"])
def test_layer_loads_no_sphinx_and_no_docutils(layer: str) -> None:
    names = modules(layer)
    assert len(names) > 3, names
    assert loaded_after_importing(names) == []


def test_a_plugin_does_load_sphinx() -> None:
    # the check above can fail: importing a plugin loads Sphinx
    assert "sphinx.application" in loaded_after_importing(["shufa.plugins.directives"])


def imports_of(module: str) -> set[str]:
    """The modules of the package that *module* imports anywhere in its code (functions included)."""
    path = PACKAGE.parent / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    known = set(modules())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known and name != module}


def test_no_import_cycle() -> None:
    graph = {name: imports_of(name) for name in modules()}
    assert graph["shufa.core.loading"] >= {"shufa.core.building", "shufa.core.checks"}
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycles.append([*stack[stack.index(other) :], other])
            elif other not in state:
                visit(other)
        stack.pop()
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name)
    assert cycles == []


#: What each layer may import of the package (besides ``shufa`` itself: its version).
ALLOWED = {
    "core": ("shufa.core",),
    "importing": ("shufa.core", "shufa.importing"),
    "sitebuild": ("shufa.core", "shufa.sitebuild"),
    "commands": ("shufa.core", "shufa.importing", "shufa.commands", "shufa.sitebuild"),
    "plugins": ("shufa.core", "shufa.plugins"),
}
#: Named exceptions, each with its reason: the page of an original's text shows it as the importer
#: reads it (removals marked), by the one reader that made the data file (docs: 开发者指南).
EXCEPTIONS = {"shufa.plugins.sources": {"shufa.importing.reading"}}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer: str) -> None:
    # the plugins build on the core, never on the commands, the importer or the site build; the
    # core, the importer, the commands and the site build never import a plugin
    allowed = {name for name in modules() if name.startswith(ALLOWED[layer])} | {"shufa"}
    found = {name: imports_of(name) - allowed - EXCEPTIONS.get(name, set()) for name in modules(layer)}
    assert {name: sorted(wrong) for name, wrong in found.items() if wrong} == {}


def test_the_folders_alone_tell_the_layers_apart() -> None:
    # at the top of the package: the package itself, `python -m shufa` and one folder per layer
    top = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()}
    assert top == {"__init__.py", "__main__.py", *ALLOWED}
    # every module directly in plugins/ is a plugin (the former names depend on it); their helpers
    # are in plugins/shared/
    for path in sorted((PACKAGE / "plugins").glob("*.py")):
        assert path.name == "__init__.py" or "\ndef setup(app" in path.read_text(encoding="utf-8"), path.name
    for path in sorted((PACKAGE / "plugins" / "shared").glob("*.py")):
        assert "\ndef setup(app" not in path.read_text(encoding="utf-8"), path.name


def test_no_two_modules_share_a_file_name() -> None:
    names: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name != "__init__.py":
            names.setdefault(path.name, []).append(str(path.relative_to(PACKAGE)))
    assert len(names) > 80
    assert {name: paths for name, paths in names.items() if len(paths) > 1} == {}


def test_python_m_shufa_knows_every_command(tmp_path: Path) -> None:
    # under -m the command table is the package's own: no registry filled by imports
    out = subprocess.run(
        [sys.executable, "-m", "shufa", "lock", "--help"], capture_output=True, text=True, check=True
    )
    assert "anchors.lock" in out.stdout
    data = tmp_path / "missing"
    done = subprocess.run([sys.executable, "-m", "shufa", "check", str(data)], capture_output=True, text=True)
    assert done.returncode == 1 and "data folder not found" in done.stdout


def test_browser_code_takes_the_rules_from_the_core() -> None:
    # the digit table, the closing headings and the unit of search terms are written into
    # _static/shufa-rules.js from the core at build time, never copied into the scripts
    from shufa.plugins.assets import rules

    written = rules()
    assert written["numerals"][105] == "一百零五" and ["shortcomings", "存在的不足"] in written["closing"]
    for script in (PACKAGE / "plugins" / "static").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        for copy in ("零一二三", "存在的不足", "下一步打算", "[0-9]+(?:"):
            assert copy not in text, (script.name, copy)


def test_every_warning_code_written_in_the_code_is_one_of_the_enum() -> None:
    # Problem(...) and doc.problem(...) take their code as text or as Code.X; every literal must be
    # a Code (an unknown one is a ValueError at run time, on the one input that reaches it)
    from shufa.core.problems import Code

    known = {c.value for c in Code}
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            literal = None
            if name == "Problem" and len(node.args) >= 5 and isinstance(node.args[4], ast.Constant):
                literal = node.args[4].value
            for keyword in node.keywords:
                if keyword.arg in ("code", "subtype") and isinstance(keyword.value, ast.Constant):
                    literal = keyword.value.value
            if literal is not None:
                found[literal] = path.name
    assert len(found) >= 5
    assert {code: where for code, where in found.items() if code not in known} == {}


def test_the_registries_have_one_class_and_one_loader() -> None:
    # the importer reads the registries with the core's loader, into the core's class
    defined: dict[str, list[str]] = {"Registries": [], "load_registries": []}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in defined:
                defined[node.name].append(str(path.relative_to(PACKAGE)))
    assert defined == {"Registries": ["core/registries.py"], "load_registries": ["core/registries.py"]}


def test_the_tests_share_their_helpers_through_one_module() -> None:
    # conftest.py holds what several test files need: no test file imports another, puts bench/
    # on sys.path itself (pyproject's pytest pythonpath does), or defines a helper another defines
    tests = Path(__file__).parent
    helpers: dict[str, list[str]] = {}
    found = []
    for path in sorted(tests.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("test_"):
                found.append(f"{path.name} imports {node.module}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and getattr(node.value, "id", "") == "sys"
            ):
                found.append(f"{path.name} changes sys.path")
        for node in tree.body:
            fixture = any("fixture" in ast.unparse(d) for d in getattr(node, "decorator_list", []))
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("test_") and not fixture:
                helpers.setdefault(node.name, []).append(path.name)
    assert found == []
    assert {name: files for name, files in helpers.items() if len(files) > 1} == {}
