"""The stable-link promise: the anchor lock, aliases that rescue old ids, redirects for renamed counties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DATA, archive_source, build_archive, copy_data
from shufa.commands import main
from shufa.core.loading import load_archive
from shufa.core.lock import published_anchors, read_lock
from shufa.plugins.redirects import redirect_pages

SAMPLE = load_archive(DATA).archive


def test_the_shipped_lock_covers_everything_published() -> None:
    locked = {entry for _, entry in read_lock(DATA / "anchors.lock")}
    assert published_anchors(SAMPLE) <= locked
    assert "reports/qinghe/shufa/2023.html#s3-2" in locked
    assert "reports/beiting-xian/fzzf/2022.html#s3-1" in locked, "a URL from before the county's rename"


def test_lock_command_adds_and_never_removes(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    lock = data / "anchors.lock"
    lock.write_text("reports/qinghe/shufa/2023.html#s1\n", encoding="utf-8")
    assert main(["lock", str(data)]) == 0
    entries = [e for _, e in read_lock(lock)]
    assert entries == sorted(entries)
    assert set(entries) == published_anchors(SAMPLE)
    assert "entries added" in capsys.readouterr().err
    assert main(["lock", "--check", str(data)]) == 0


@pytest.fixture
def broken(tmp_path: Path):
    """A copy of the sample whose qinghe 2023 report lost its last section (s6)."""
    src, data = archive_source(tmp_path), copy_data(tmp_path)
    path = data / "qinghe/shufa/2023.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - ordinal: 6\n")
    end = text.index("closing:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return src, data, path


def test_a_dropped_anchor_fails_the_build_naming_it(broken) -> None:
    src, data, _path = broken
    app = build_archive(src, data)
    warnings = app.warning.getvalue()
    assert app.statuscode == 1, "the build fails even without -W"
    assert re.search(
        r"anchors\.lock:\d+:1: WARNING: locked anchor #s6 of page reports/qinghe/shufa/2023\.html no longer exists",
        warnings,
    )
    assert "#s6-1 of page reports/qinghe/shufa/2023.html" in warnings
    assert "Traceback" not in warnings


def test_lock_check_command_names_the_dropped_anchors(broken, capsys) -> None:
    _src, data, _path = broken
    assert main(["lock", "--check", str(data)]) == 1
    out = capsys.readouterr().out
    assert re.search(
        r"anchors\.lock:\d+:1: locked anchor #s6 of page reports/qinghe/shufa/2023\.html no longer exists",
        out,
    )
    before = (data / "anchors.lock").read_text(encoding="utf-8")
    assert main(["lock", str(data)]) == 1, "shufa lock refuses to paper over a dropped anchor"
    assert (data / "anchors.lock").read_text(encoding="utf-8") == before


def test_declared_aliases_rescue_old_ids(broken) -> None:
    src, data, path = broken
    text = path.read_text(encoding="utf-8")
    # section 5 takes over section 6's old ids, as when two sections are merged
    items = SAMPLE.reports["qinghe/shufa/2023"].sections[5].all_items()
    old_ids = ["s6", *[i.anchor for i in items]]
    marker = "  - ordinal: 5\n"
    head, tail = text.split(marker, 1)
    path.write_text(head + marker + f"    aliases: [{', '.join(old_ids)}]\n" + tail, encoding="utf-8")
    app = build_archive(src, data)
    assert app.statuscode == 0
    assert app.warning.getvalue() == ""
    soup = BeautifulSoup(
        (Path(app.outdir) / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert soup.find(id="s6").find_parent("section")["id"] == "s5"


def test_removing_a_county_alias_breaks_its_old_urls(tmp_path: Path) -> None:
    src, data = archive_source(tmp_path), copy_data(tmp_path)
    counties = data / "counties.yaml"
    counties.write_text(
        counties.read_text(encoding="utf-8").replace("  aliases: [beiting-xian]\n", ""), encoding="utf-8"
    )
    app = build_archive(src, data)
    assert app.statuscode == 1
    assert "locked page reports/beiting-xian/fzzf/2022.html no longer exists" in app.warning.getvalue()


def test_redirect_pages_for_former_county_slugs(sample_site: Path) -> None:
    pages = redirect_pages(SAMPLE)
    beiting = SAMPLE.reports_of("beiting")
    assert set(pages) == {"reports/beiting-xian/index.html"} | {
        f"reports/beiting-xian/{r.kind}/{r.year}.html" for r in beiting
    }
    html = (sample_site / "reports/beiting-xian/fzzf/2022.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "../../beiting/fzzf/2022.html"
    assert 'window.location.replace("../../beiting/fzzf/2022.html" + window.location.hash)' in html
    assert soup.find("noscript") is not None and "url=../../beiting/fzzf/2022.html" in html
    link = soup.select_one("main a")
    assert link["href"] == "../../beiting/fzzf/2022.html"
    assert link.get_text() == SAMPLE.reports["beiting/fzzf/2022"].title
    assert soup.find("html")["lang"] == "zh-CN"


def test_comparison_pages_of_a_renamed_county_redirect_too(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    counties = data / "counties.yaml"
    text = counties.read_text(encoding="utf-8")
    counties.write_text(
        text.replace('  code: "990121"\n', '  code: "990121"\n  aliases: [qinghe-old]\n', 1), encoding="utf-8"
    )
    app = build_archive(archive_source(tmp_path), data)
    site = Path(app.outdir)
    comparisons = sorted(p.name for p in (site / "reports/qinghe/shufa/compare").glob("*.html"))
    assert len(comparisons) >= 2
    for name in comparisons:
        html = (site / f"reports/qinghe-old/shufa/compare/{name}").read_text(encoding="utf-8")
        assert (
            f'window.location.replace("../../../qinghe/shufa/compare/{name}" + window.location.hash)' in html
        )


def test_redirect_titles_are_escaped(tmp_path: Path) -> None:
    from shufa.plugins.redirects import render_redirect

    html = render_redirect(
        "reports/a/x/2020.html", "reports/b/x/2020.html", '<script>alert("x")</script>', "注"
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_check_command_includes_the_lock(broken, capsys) -> None:
    _src, data, _path = broken
    assert main(["check", str(data)]) == 1
    assert (
        "locked anchor #s6 of page reports/qinghe/shufa/2023.html no longer exists" in capsys.readouterr().out
    )


# --- the lock cannot be poisoned, lost or misread -------------------------------------------------


def test_an_ordinal_written_as_a_float_never_reaches_the_lock(tmp_path: Path, capsys) -> None:
    """``ordinal: 1.0`` used to pass, lock ``#s1.0`` and crash the build; now it is a data
    problem, so ``shufa lock`` refuses and the lock stays as it was."""
    data = copy_data(tmp_path)
    lock = data / "anchors.lock"
    before = lock.read_bytes()
    path = data / "qinghe/shufa/2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - ordinal: 1\n", "  - ordinal: 1.0\n", 1), encoding="utf-8")
    assert main(["lock", str(data)]) == 1
    out = capsys.readouterr().out
    assert "sections[0].ordinal: found the number 1.0; expected a whole number" in out
    assert lock.read_bytes() == before
    assert "s1.0" not in lock.read_text(encoding="utf-8")


def test_the_lock_writer_refuses_what_is_no_entry(tmp_path: Path) -> None:
    from shufa.core.lock import write_lock

    lock = tmp_path / "anchors.lock"
    for bad in ("reports/q/shufa/2023.html#s1.0", "reports/nanshan\n/index.html", "reports/a b.html"):
        with pytest.raises(ValueError):
            write_lock(lock, ["index.html", bad])
        assert not lock.exists()


def test_a_lock_with_bom_and_crlf_is_read_as_written(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    lock = data / "anchors.lock"
    entries = [e for _, e in read_lock(lock)]
    lock.write_bytes(b"\xef\xbb\xbf" + lock.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    assert [e for _, e in read_lock(lock)] == entries
    assert main(["check", str(data)]) == 0
    assert main(["lock", str(data)]) == 0
    assert [e for _, e in read_lock(lock)] == entries
    assert not lock.read_bytes().startswith(b"\xef\xbb\xbf"), "rewritten as the lock is written"


def test_a_lock_that_is_not_utf8_is_located_and_kept(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    lock = data / "anchors.lock"
    lock.write_bytes(lock.read_bytes() + "reports/青禾.html\n".encode("gbk"))
    before = lock.read_bytes()
    for command in (["check", str(data)], ["lock", str(data)], ["lock", "--check", str(data)]):
        assert main(command) == 1
        out = capsys.readouterr()
        assert re.search(r"anchors\.lock:\d+:\d+: not UTF-8 text \(byte 0x[0-9a-f]{2}\)", out.out), out
        assert "Traceback" not in out.out + out.err
    assert lock.read_bytes() == before, "never rewritten over what could not be read"


def test_a_lost_lock_is_an_error_and_shufa_lock_recreates_it(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    (data / "anchors.lock").unlink()
    assert main(["check", str(data)]) == 1
    assert main(["lock", "--check", str(data)]) == 1
    out = capsys.readouterr().out
    assert (
        "anchors.lock: file not found; expected the anchor lock of an archive with published reports" in out
    )
    assert "`shufa lock`" in out
    assert main(["lock", str(data)]) == 0
    assert {e for _, e in read_lock(data / "anchors.lock")} == published_anchors(SAMPLE)
    assert main(["check", str(data)]) == 0


def test_a_lenient_build_of_a_broken_locked_report_fails_all_the_same(tmp_path: Path) -> None:
    # without -W, warnings pass; a published page that cannot be built must not
    from conftest import archive_source, build_archive, copy_data

    data = copy_data(tmp_path)
    path = data / "qinghe/shufa/2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ordinal: 1", "ordinal: 0", 1), encoding="utf-8")
    app = build_archive(archive_source(tmp_path), data)
    warnings = app.warning.getvalue()
    assert app.statuscode == 1
    assert "published page(s) cannot be built" in warnings and "reports/qinghe/shufa/2023.html" in warnings
    assert not (Path(app.outdir) / "reports/qinghe/shufa/2023.html").exists()
