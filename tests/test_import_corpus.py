"""The corpus of real-shaped reports (issue 20): `shufa import` → `shufa check` → a strict build.

tests/fixtures/import/real/ holds one file per shape in which counties really publish
(corpus.yaml names each shape): a portal page saved as text, a copy-site text, a
flattened copy out of a PDF viewer, a saved GBK page whose title is only in its
<title>, a text with no title line, labels on their own lines, ASCII punctuation, a
街道's report, and two pages that are not reports. `shufa import real/` on the folder
must write exactly the expected data file of each report (expected/<county>/<kind>/<year>.yaml,
reviewed by hand), refuse the two other pages saying what they are, lose no character
and keep no chrome; with what the copies do not carry added by a keeper (the published
address), the archive passes `shufa check` and one strict Sphinx build.
The results table of the folder import is the one shown in the guide (docs/guide/importing.md).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import IMPORT_FIXTURES, REPO, archive_source, run_sphinx, warnings_of
from shufa.commands import main
from shufa.core.yamlfile import read_yaml
from shufa.importing.artefacts import without
from shufa.importing.pipeline import Options, checked_registries, prepare
from shufa.importing.reading import read_source
from shufa.importing.roundtrip import reading_text, squeeze

CORPUS = IMPORT_FIXTURES / "real"
MANIFEST: dict[str, dict] = yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))
REPORTS = sorted(name for name, entry in MANIFEST.items() if "refused" not in entry)
NOT_REPORTS = sorted(name for name, entry in MANIFEST.items() if "refused" in entry)
GUIDE = REPO / "docs" / "guide" / "importing.md"
#: Words of portal and copy-site chrome that no report of the corpus prints in its text.
CHROME_WORDS = (
    "无障碍", "简体", "繁体", "长者模式", "今天是", "农历", "您所在的位置", "首页", "发布时间",
    "浏览次数", "字体", "字号", "打印本页", "关闭窗口", "上一篇", "下一篇", "主办", "承办", "网站标识码",
    "备案号", "小编", "供大家参考", "网友投稿", "范文", "侵权", "分享到", "相关链接",
)  # fmt: skip


#: The day of import the corpus's runs record (``added``), so that the expected files hold.
IMPORTED_ON = "2026-03-02"


def import_corpus(work: Path) -> SimpleNamespace:
    """`shufa import real` in *work*, as a keeper runs it on the corpus: the sources copied to
    work/real with the day each was saved as its time, the registries to work/data, on the day
    :data:`IMPORTED_ON`."""
    shutil.copytree(CORPUS / "sources", work / "real")
    shutil.copytree(CORPUS / "data", work / "data")
    for name, entry in MANIFEST.items():
        day: dt.date = entry["retrieved"]
        stamp = dt.datetime(day.year, day.month, day.day, 12).timestamp()
        os.utime(work / "real" / name, (stamp, stamp))
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)  # the paths in the table are those a keeper sees: real/…, data/…
        patch.setattr("shufa.importing.pipeline.today", lambda: IMPORTED_ON)
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["import", "real"])
    return SimpleNamespace(work=work, code=code, out=out.getvalue(), err=err.getvalue())


def target_of(name: str) -> str:
    """``wanglan/fzzf/2023.yaml`` for ``wanglan-fzzf-2023-portal.txt``."""
    county, kind, year = name.split("-")[:3]
    return f"{county}/{kind}/{year}.yaml"


def printed_table(out: str) -> str:
    """The results table the command printed after the summaries (header to the total line)."""
    return out[out.index("source ") :].rstrip("\n")


def guide_table() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(
        r"% begin: corpus table\n```text\n\$ shufa import real/\n(.*?)\n```\n% end: corpus table", text, re.S
    )
    assert found, "docs/guide/importing.md lost its corpus table"
    return found.group(1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    return import_corpus(tmp_path_factory.mktemp("corpus"))


def test_the_corpus_has_a_file_for_every_shape():
    assert sorted(p.name for p in (CORPUS / "sources").iterdir()) == sorted(MANIFEST)
    assert len(REPORTS) >= 8 and len(NOT_REPORTS) == 2
    written = sorted(str(p.relative_to(CORPUS / "expected")) for p in (CORPUS / "expected").rglob("*.yaml"))
    assert written == sorted(target_of(name) for name in REPORTS)
    counties = yaml.safe_load((CORPUS / "data" / "counties.yaml").read_text(encoding="utf-8"))
    names = {
        entry["name"][-1] if not entry["name"].endswith("街道") else "街道" for entry in counties.values()
    }
    assert names == {"县", "区", "街道"}
    years = {int(target_of(name).split("/")[2].removesuffix(".yaml")) for name in REPORTS}
    assert years == set(range(2019, 2026))


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_is_imported_exactly_as_expected(name, corpus):
    written = (corpus.work / "data" / target_of(name)).read_text(encoding="utf-8")
    assert written == (CORPUS / "expected" / target_of(name)).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NOT_REPORTS)
def test_a_page_that_is_not_a_report_is_refused_saying_what_it_is(name, corpus):
    line = next(line for line in corpus.err.splitlines() if line.startswith(f"import failed: real/{name}:"))
    assert line.startswith(f"import failed: real/{name}: {MANIFEST[name]['refused']}")
    assert line.endswith("nothing written (if it is a report after all, import it with --force)")
    assert line.count("nothing written") == 1
    row = next(row for row in printed_table(corpus.out).splitlines() if row.startswith(f"real/{name} "))
    assert " refused " in row


def test_a_page_that_is_not_a_report_is_imported_with_force(corpus, capsys):
    page = CORPUS / "sources" / "wanglan-policy-interpretation.txt"
    data = corpus.work / "data"
    assert main(["import", str(page), "--data-dir", str(data), "-o", "-", "--force"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("schema: 1\n") and "would import" in err
    assert "note: imported as a report with --force, although it reads as a policy interpretation" in err


def test_the_folder_import_says_what_it_did(corpus):
    assert corpus.code == 1  # the two pages that are not reports
    total = printed_table(corpus.out).splitlines()[-1]
    keepers = sum(1 for name in REPORTS if MANIFEST[name].get("keeper"))
    assert total == (
        f"{len(REPORTS)} imported, {len(NOT_REPORTS)} refused, 1 to review, "
        f"{keepers} still need a date or source (see each summary)"
    )
    # the text without a title line gets a derived title, listed to review
    assert (
        "title: the text prints none, so it was made from the county, year and kind: "
        "“棠河区2024年度法治政府建设情况报告”" in corpus.out
    )
    assert "split into 16 lines at 12 numbering markers in sequence (一、 （一） 1.)" in corpus.out


def test_the_results_table_in_the_guide_is_what_the_command_prints(corpus):
    assert guide_table() == printed_table(corpus.out)


@pytest.mark.parametrize("name", REPORTS)
def test_nothing_is_lost_and_no_chrome_is_kept(name, tmp_path):
    """Every character of the original is in the data file or in a removal the summary lists."""
    source = CORPUS / "sources" / name
    registries = checked_registries(CORPUS / "data")
    prepared = prepare(source, registries, Options(output=tmp_path / "report.yaml"))
    text = read_source(source).text
    printed = reading_text(prepared.document)
    if prepared.outline.title_from != "text":  # a title the text does not print is none of its text
        printed = printed.removeprefix(prepared.document["title"])
    assert squeeze(printed) == squeeze(without(text, prepared.summary.removed))
    for artefact in prepared.summary.removed:
        assert squeeze(text[artefact.start : artefact.end]) == squeeze(artefact.text)
    kept = [word for word in CHROME_WORDS if word in printed]
    assert kept == []


def test_the_corpus_passes_check_and_a_strict_build(corpus, tmp_path, capsys):
    data = shutil.copytree(corpus.work / "data", tmp_path / "data")
    shutil.copytree(corpus.work / "sources", tmp_path / "sources")
    assert main(["check", str(data)]) == 1
    out, _ = capsys.readouterr()  # what the copies cannot tell: the published address
    assert out.count(": source: no source.url;") == len(REPORTS) - 1 and "date:" not in out
    for name in REPORTS:  # the keeper records it honestly: unknown, or how the copy was obtained
        keeper = MANIFEST[name].get("keeper")
        if keeper:
            source = str(corpus.work / "real" / name)
            assert main(["import", source, "--data-dir", str(data), "--force", *keeper]) == 0
    capsys.readouterr()
    for name in REPORTS:  # nothing but the keeper's record changed: not the day it was added
        written = read_yaml(data / target_of(name)).value
        expected = read_yaml(CORPUS / "expected" / target_of(name)).value
        keeper = MANIFEST[name].get("keeper") or []
        recorded = dict(zip(keeper[::2], keeper[1::2], strict=True))
        assert written["source"] == {
            **expected["source"],
            **{option.removeprefix("--"): value for option, value in recorded.items()},
        }
        assert {k: v for k, v in written.items() if k != "source"} == {
            k: v for k, v in expected.items() if k != "source"
        }
    assert main(["lock", str(data)]) == 0
    capsys.readouterr()
    assert main(["check", str(data)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == f"ok: 7 counties, 2 kinds, 12 topics, {len(REPORTS)} reports\n"
    app = run_sphinx(
        archive_source(tmp_path), confoverrides={"shufa_data_dir": str(data)}, warningiserror=True
    )
    assert app.statuscode == 0 and warnings_of(app) == "", warnings_of(app)
    site = Path(app.outdir)
    for name in REPORTS:
        expected = yaml.safe_load((CORPUS / "expected" / target_of(name)).read_text(encoding="utf-8"))
        page = site / "reports" / target_of(name).replace(".yaml", ".html")
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one("h1").get_text().startswith(expected["title"])
        body = soup.select_one("main") or soup
        assert [
            w for w in ("无障碍", "今天是", "您所在的位置", "小编", "网友投稿") if w in body.get_text()
        ] == []
        # an address nobody can tell is shown as such, and the report cites as [R]
        reference = soup.select_one('details.cite-control[data-anchor=""] .cite-text').get_text()
        keeper = MANIFEST[name].get("keeper") or []
        if keeper:
            assert reference.endswith("[R].") or "[R]. " in reference, reference
            assert ("网址不详" if "unknown" in keeper else keeper[1]) in soup.select_one(
                ".report-meta"
            ).get_text()
        else:
            assert "[R/OL]" in reference
