"""Everything that reaches a built file is escaped — registry names and labels too, whichever template
prints them — and an incremental build after an interruption or a deletion gives what a clean build does."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DATA, archive_source, build_archive, copy_data

#: Closes an attribute, then opens an element with a handler; and a script element.
IMG = '"><img src=x onerror=alert(1)>'
SCRIPT = "<script>alert(2)</script>"
PAYLOAD = f"{IMG}{SCRIPT}"


def _poison(data: Path) -> None:
    """The payload in every text field of every registry."""

    def edit(name: str, fields: tuple[str, ...]) -> None:
        path = data / name
        registry = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in registry.values():
            for field in fields:
                if field in entry:
                    entry[field] = f"{entry[field]}{PAYLOAD}"
        path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")

    edit("counties.yaml", ("name", "city", "note"))
    edit("provinces.yaml", ("name",))
    edit("kinds.yaml", ("name", "label", "author"))
    edit("topics.yaml", ("label",))
    edit("metrics.yaml", ("label",))
    # counties name their province by its name: follow the new name
    counties = yaml.safe_load((data / "counties.yaml").read_text(encoding="utf-8"))
    for county in counties.values():
        county["province"] = "jianglan"
        county["type"] = "县"  # a name that ends in the payload tells no unit type
    (data / "counties.yaml").write_text(
        yaml.safe_dump(counties, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("poisoned")
    data = copy_data(root)
    _poison(data)
    app = build_archive(archive_source(root), data, html_baseurl="https://example.org/")
    # the payload makes no data problem: names and labels are free text
    assert "WARNING" not in app.warning.getvalue().replace("shufa.citation", ""), app.warning.getvalue()
    return Path(app.outdir)


def test_no_registry_text_becomes_markup_in_any_built_file(poisoned_site: Path) -> None:
    # (JSON and script files carry the exact strings as data; the code that shows them escapes)
    checked = 0
    for path in poisoned_site.rglob("*"):
        if not path.is_file() or path.suffix not in {".html", ".xml"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        checked += 1
        assert "<img src=x onerror" not in text, path
        assert "<script>alert(2)" not in text, path
        if path.suffix == ".html":
            soup = BeautifulSoup(text, "html.parser")
            assert not [t for t in soup.find_all(True) if "onerror" in t.attrs], path
            for script in soup.find_all("script"):
                if script.get("type") == "application/json":
                    # data for the page's script: the exact text, nothing that could end the element
                    assert "</" not in script.string, path
                    json.loads(script.string)
                else:
                    assert "alert(2)" not in (script.string or ""), path
    assert checked > 50


def test_the_payload_is_shown_as_text(poisoned_site: Path) -> None:
    # the topic page prints the topic's label (once the domain index's raw group key)
    soup = BeautifulSoup((poisoned_site / "topics/index.html").read_text(encoding="utf-8"), "html.parser")
    assert IMG in soup.get_text()
    county = BeautifulSoup(
        (poisoned_site / "reports/qinghe/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert f"青禾县{PAYLOAD}" in county.find("h1").get_text()


# --- incremental builds that end like clean ones -------------------------------------------------------

BUILD_DATE = "1764460800"


def _site(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo"
    }


def _sphinx(src: Path, out: Path, data: Path) -> list[str]:
    return [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(src), str(src), str(out), "-q",
            "-D", f"shufa_data_dir={data}"]  # fmt: skip


def _clean_build(root: Path, data: Path) -> dict[str, bytes]:
    src = archive_source(root / "clean")
    out = root / "clean-out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_DATE}
    subprocess.run(_sphinx(src, out, data), check=True, env=env, capture_output=True)
    return _site(out)


def _differences(mine: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    found = [f"only here: {n}" for n in sorted(set(mine) - set(clean))]
    found += [f"missing: {n}" for n in sorted(set(clean) - set(mine))]
    found += [f"differs: {n}" for n in sorted(set(mine) & set(clean)) if mine[n] != clean[n]]
    return found


#: Appended to the test's copy of conf.py: with STOP_WRITING set, the build stops itself (SIGSTOP)
#: as it writes its first page, so that the test kills it mid-write for certain (watching its
#: progress output raced: a busy machine let the build finish its few pages before the kill).
STOP_HOOK = """

def setup(app):
    import os
    import signal

    def stop(app, pagename, templatename, context, doctree):
        if os.environ.pop("STOP_WRITING", None):
            os.kill(os.getpid(), signal.SIGSTOP)

    app.connect("html-page-context", stop)
"""


def test_a_build_killed_while_writing_is_made_good_by_the_next(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    src = archive_source(tmp_path)
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(STOP_HOOK)
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_DATE}
    subprocess.run(_sphinx(src, out, data), check=True, env=env, capture_output=True)
    path = data / "qinghe/shufa/2023.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('title: "', 'title: "（修订）', 1), encoding="utf-8"
    )
    # the next build stops as it writes its first page, is shown to be mid-write by its marker,
    # and is killed
    process = subprocess.Popen(
        _sphinx(src, out, data), env={**env, "STOP_WRITING": "1"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "the build stopped itself while writing pages"
    assert (out / ".doctrees/shufa-writing.json").exists()
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    subprocess.run(_sphinx(src, out, data), check=True, env=env, capture_output=True)
    assert not (out / ".doctrees/shufa-writing.json").exists()
    assert _differences(_site(out), _clean_build(tmp_path, data)) == []


def test_deleting_a_report_and_renaming_a_county_leave_nothing_stale(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    src = archive_source(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_DATE}
    subprocess.run(_sphinx(src, out, data), check=True, env=env, capture_output=True)
    # a report that was never published goes (its lock lines with it), and chengxi becomes chengnan
    (data / "qinghe/shufa/2021.yaml").unlink()
    lock = data / "anchors.lock"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if "reports/qinghe/shufa/2021.html" not in ln and "years/2021.html" not in ln]
    lock.write_text("".join(kept), encoding="utf-8")
    counties = (data / "counties.yaml").read_text(encoding="utf-8")
    counties = counties.replace("chengxi:", "chengnan:\n  aliases: [chengxi]", 1)
    (data / "counties.yaml").write_text(counties, encoding="utf-8")
    shutil.move(data / "chengxi", data / "chengnan")
    for path in (data / "chengnan").rglob("*.yaml"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("county: chengxi", "county: chengnan"), encoding="utf-8"
        )
    subprocess.run(_sphinx(src, out, data), check=True, env=env, capture_output=True)
    assert _differences(_site(out), _clean_build(tmp_path, data)) == []
    assert not (out / "reports/qinghe/shufa/2021.html").exists()
    assert "chengnan" in (out / "reports/chengxi/index.html").read_text(encoding="utf-8"), (
        "the old slug redirects"
    )


def test_the_interrupted_write_marker_is_gone_after_a_good_build(tmp_path: Path) -> None:
    app = build_archive(archive_source(tmp_path), DATA)
    assert not (Path(app.doctreedir) / "shufa-writing.json").exists()
