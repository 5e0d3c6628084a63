"""`shufa import` of reports as they reach users (issue 14): web pages, PDFs, whole folders, and
the original kept beside the data — with hostile inputs bounded before the work (issue 16).

The web pages under tests/fixtures/import/web/ are saved pages of fictional counties (a portal
page in UTF-8, one in GBK, a WeChat article); the PDFs are printed by chromium in the test,
with running headers, page numbers and paragraphs that straddle pages. For every imported file
the round trip holds: the text fields are the source's text minus the removals the summary
lists — and the removed lines are exactly the page's chrome.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup

from conftest import (
    IMPORT_FIXTURES,
    REPO,
    archive_source,
    build_archive,
    files_in,
    only_citation_warnings,
    outline,
    run_import,
    warnings_of,
)
from shufa.commands import main
from shufa.core.formats import FORMATS
from shufa.core.yamlfile import read_yaml
from shufa.importing.artefacts import without
from shufa.importing.pipeline import Options, checked_registries, prepare
from shufa.importing.reading import format_of, read_source, supported
from shufa.importing.roundtrip import reading_text, squeeze

WEB = IMPORT_FIXTURES / "web"


def round_trip(prepared) -> None:
    """The text fields are the source's text minus every removal the summary lists."""
    source = prepared.source_text
    assert squeeze(reading_text(prepared.document)) == squeeze(without(source.text, prepared.cleaned.removed))
    assert len(prepared.summary.removed) == len(prepared.cleaned.removed)


# --- the table of formats ----------------------------------------------------------------------------


def test_formats_are_an_explicit_table(tmp_path):
    assert [f.name for f in FORMATS] == ["txt", "docx", "html", "pdf"]
    assert {format_of(tmp_path / name).reader for name in ("a.html", "b.HTM")} == {"shufa.importing.html"}
    assert format_of(tmp_path / "a.pdf").reader == "shufa.importing.pdf"
    assert format_of(tmp_path / "a.unknown").name == "txt"  # no row: plain text
    assert supported(tmp_path / "a.doc") and not supported(tmp_path / "a.unknown")


#: The reader of a format added by the test below: the file is a plain-text report after a mark.
FAKE_READER = """
from .reading import SourceText


def read(path, raw):
    text = raw.decode("utf-8").removeprefix("FAKE-ODF\\n")
    return SourceText(text=text, read_as="a fake ODF file", unit="paragraph")
"""


def test_a_new_format_is_a_reader_module_and_one_row(tmp_path):
    # the developer guide's recipe, followed in a copy of the package: a reader module in
    # importing/ and one row in core/formats.py; the importer, the data format, the command's
    # help and the report page's 原文 label all know the new format
    ext = tmp_path / "ext"
    shutil.copytree(REPO / "ext" / "shufa", ext / "shufa", ignore=shutil.ignore_patterns("__pycache__"))
    (ext / "shufa" / "importing" / "odt.py").write_text(FAKE_READER, encoding="utf-8")
    table = ext / "shufa" / "core" / "formats.py"
    last = '    Format("pdf", "PDF", (".pdf",), "shufa.importing.pdf"),\n'
    text = table.read_text(encoding="utf-8")
    assert text.count(last) == 1
    row = '    Format("odt", "ODF 文档", (".odt",), "shufa.importing.odt"),\n'
    table.write_text(text.replace(last, last + row), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ext)}

    def python(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], env=env, cwd=tmp_path, capture_output=True, text=True)

    assert python("-c", "import shufa; print(shufa.__file__)").stdout.startswith(str(ext))
    help_text = python("-m", "shufa", "import", "--help").stdout
    assert ".txt, .docx, .html, .pdf or .odt files" in " ".join(help_text.split())
    data = tmp_path / "data"
    shutil.copytree(IMPORT_FIXTURES / "data", data)
    source = tmp_path / "青禾县2020年述法报告.odt"
    source.write_bytes(b"FAKE-ODF\n" + (IMPORT_FIXTURES / "qinghe-shufa-2020.txt").read_bytes())
    done = python("-m", "shufa", "import", str(source), "--data-dir", "data")
    assert done.returncode == 0, done.stderr
    assert "read as: a fake ODF file" in done.stdout
    record = read_yaml(data / "qinghe/shufa/2020.yaml").value["source"]["original"]
    assert record["format"] == "odt" and record["path"] == "sources/qinghe/shufa/2020.odt"
    assert (tmp_path / "sources/qinghe/shufa/2020.odt").read_bytes() == source.read_bytes()
    # the data format takes it (only what the text cannot tell is left: the source's address)
    assert python("-m", "shufa", "lock", "data").returncode == 0
    checked = python("-m", "shufa", "check", "data")
    assert checked.returncode == 1 and only_citation_warnings(checked.stdout), checked.stdout
    shown = python(
        "-c",
        "import json\n"
        "from shufa.core.exportschema import archive_schema\n"
        "from shufa.core.schema import REPORT\n"
        "from shufa.plugins.sources import format_label\n"
        "data = REPORT['properties']['source']['properties']['original']['properties']['format']\n"
        "export = archive_schema()['$defs']['report']['properties']['original']['oneOf'][1]\n"
        "print(json.dumps([data['enum'], export['properties']['format']['enum'], format_label('odt')]))",
    )
    formats = ["txt", "docx", "html", "pdf", "odt"]
    assert json.loads(shown.stdout) == [formats, formats, "ODF 文档"], shown.stderr


def test_a_page_saved_with_a_txt_suffix_is_read_as_html(tmp_path):
    copy = tmp_path / "page.txt"
    copy.write_bytes((WEB / "qinghe-fzzf-2023.html").read_bytes())
    assert read_source(copy).read_as.startswith("web page (HTML)")


# --- web pages ----------------------------------------------------------------------------------------

PAGES = {
    "qinghe-fzzf-2023.html": {
        "target": "qinghe/fzzf/2023.yaml",
        "read_as": "web page (HTML), UTF-8 (declared)",
        "url": "https://www.qinghe.example.gov.cn/zwgk/fzzfjs/202402/t20240205_1234.html",
        "note": "青禾县司法局",
        "published": "2024-02-05",
        "removed": [
            "1 page chrome (navigation): 网站首页 | 无障碍 | English",
            "2 page chrome (navigation): 搜索",
            "3 page chrome (navigation): 首页",
            "4 page chrome (navigation): 政务公开",
            "5 page chrome (navigation): 政务服务",
            "6 page chrome (navigation): 互动交流",
            "7 page chrome (navigation): 走进青禾",
            "8 page chrome (breadcrumb): 当前位置：首页 > 政务公开 > 法治政府建设",
            "10 page chrome (article info): 发布时间：2024-02-05 09:30　来源：青禾县司法局　浏览次数：1268 字号：大 中 小",
            "12 byline (→ author): 青禾县人民政府县长　×××",
            "27 page chrome (share and print tools): 分享到：微信 微博",
            "28 page chrome (share and print tools): 【打印本页】 【关闭窗口】",
            "29 page chrome (related links): 相关链接",
            "30 page chrome (related links): 青禾县2022年度法治政府建设情况报告",
            "31 page chrome (related links): 县司法局召开行政执法案卷评查工作会议",
            "32 page chrome (footer): 主办单位：青禾县人民政府办公室　承办单位：青禾县政务服务数据管理局",
            "33 page chrome (footer): 网站标识码：9901210001　江ICP备99012345号　江公网安备 99012102000123号",
        ],
    },
    "chengxi-shufa-2022-gbk.html": {
        "target": "chengxi/shufa/2022.yaml",
        "read_as": "web page (HTML), GB2312 (declared)",
        "url": "http://www.chengxi.example.gov.cn/art/2023/2/10/art_1520_88231.html",
        "note": "澄溪县司法局",
        "published": "2023-02-10",
        "removed": [
            "1 page chrome (navigation): 澄溪县人民政府门户网站",
            "2 page chrome (navigation): 2023年2月10日 星期五",
            "3 page chrome (navigation): 首页",
            "4 page chrome (navigation): 政务公开",
            "5 page chrome (navigation): 法治政府",
            "6 page chrome (navigation): 互动交流",
            "7 page chrome (breadcrumb): 您现在的位置：首页 > 政务公开 > 法治政府",
            "9 page chrome (article info): 信息来源：澄溪县司法局　　发布日期：2023-02-10　　【字体：大 中 小】",
            "22 page chrome (share and print tools): 【打印本页】　【关闭窗口】",
            "23 page chrome (footer): 版权所有：澄溪县人民政府办公室　江ICP备99012400号",
            "24 page chrome (footer): 技术支持：某某信息技术有限公司",
        ],
    },
    "beiting-fzzf-2023-wechat.html": {
        "target": "beiting/fzzf/2023.yaml",
        "read_as": "WeChat article (HTML), UTF-8 (declared)",
        "url": "http://mp.weixin.qq.com/s?__biz=MzA5OTk5OTk5OQ==&mid=2650000001&idx=1&sn=0a1b2c3d",
        "note": "微信公众号“北亭司法”",
        "published": "2024-02-05",
        "removed": [
            "1 duplicate title: 北亭区人民政府2023年法治政府建设年度报告",
            "2 page chrome (article info): 北亭区司法局 北亭司法 2024-02-05 10:30",
            "3 WeChat chrome: 点击上方蓝字关注我们",
            "16 site chrome: 来源：北亭区司法局",
            "17 site chrome: 编辑：林**　审核：钟**",
            "18 page chrome (share and print tools): 阅读原文 阅读 2136 在看",
            "19 page chrome: 微信扫一扫",
            "20 page chrome: 关注该公众号",
        ],
    },
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_saved_page_gives_the_article_and_every_removal_is_listed(name, tmp_path):
    exp = PAGES[name]
    registries = checked_registries(shutil.copytree(IMPORT_FIXTURES / "data", tmp_path / "data"))
    prepared = prepare(WEB / name, registries, Options())
    doc = prepared.document
    assert f"{doc['county']}/{doc['kind']}/{doc['year']}.yaml" == exp["target"]
    assert prepared.summary.read_as == exp["read_as"]
    assert [f"{a.line} {a.kind}: {a.text}" for a in prepared.summary.removed] == exp["removed"]
    round_trip(prepared)
    # the lines of the page are the whole visible page: nothing is dropped unseen
    raw = (WEB / name).read_bytes()
    soup = BeautifulSoup(raw, "lxml")
    for invisible in soup(["script", "style", "head", "title", "noscript"]):
        invisible.decompose()
    assert squeeze(prepared.source_text.text) == squeeze(soup.get_text())
    assert doc["source"]["url"] == exp["url"] and doc["source"]["note"] == exp["note"]
    assert doc["date"]["published"] == exp["published"]
    assert doc["source"]["original"]["format"] == "html"


def test_the_portal_page_reads_like_the_report(tmp_path):
    registries = checked_registries(shutil.copytree(IMPORT_FIXTURES / "data", tmp_path / "data"))
    doc = prepare(WEB / "qinghe-fzzf-2023.html", registries, Options()).document
    assert doc["title"] == "青禾县人民政府关于2023年度法治政府建设情况的报告"
    assert doc["subtitle"] == "——2024年1月26日在县第十八届人民代表大会常务委员会第十五次会议上"
    assert doc["occasion"] == "县第十八届人民代表大会常务委员会第十五次会议"
    assert doc["date"] == {"issued": "2024-01-26", "published": "2024-02-05", "delivered": "2024-01-26"}
    assert doc["author"] == {"role": "县长", "name": "×××", "organization": "青禾县人民政府"}
    assert outline(doc) == [
        "title: 青禾县人民政府关于2023年度法治政府建设情况的报告",
        "preamble: 主任、各位副主任，各位委…",
        "s1 一、 主要工作和成效 <decision-making>",
        "s1-1 （一） [健全依法决策机制。] 全年提请县政府常务会议审…",
        "s1-2 （二） [规范行政执法行为。] 全面落实行政执法三项制度…",
        "s2 二、 依法化解矛盾纠纷 <grassroots-governance>",
        "s2 lead: 全县人民调解组织调解矛盾…",
        "shortcomings 三、 存在的不足和原因",
        "shortcomings-1 一是 部分乡镇法治力量较为薄弱…",
        "shortcomings-2 二是 行政执法人员培训覆盖面还…",
        "next-steps 四、 2024年推进法治政府建设的主要安排",
        "next-steps-1 一是 持续加强法治政府建设督察…",
        "next-steps-2 二是 深化行政执法规范化建设；",
        "next-steps-3 三是 推进公共法律服务体系向村…",
        "signature: ×××",
        "date_line: 2024年1月26日",
    ]
    # numbered closing parts continue the sections' numbering: #s3 and #shortcomings name one part
    assert doc["closing"]["shortcomings"]["ordinal"] == 3 and doc["closing"]["next_steps"]["ordinal"] == 4
    assert "topic" not in doc["closing"]["shortcomings"]
    assert doc["closing"]["next_steps"]["items"][-1]["text"] == "推进公共法律服务体系向村（社区）延伸。"


# --- PDFs printed by chromium ---------------------------------------------------------------------------

REPORT_PARAGRAPHS = [
    "县人大常委会：",
    "2023年，县政府坚持以法治思维统筹发展和安全，持续推进法治政府建设各项任务落地见效。现将有关情况报告如下：",
    "一、主要工作和成效",
    "（一）健全依法决策机制。全年提请县政府常务会议审议的重大行政决策事项8项，全部履行公众参与、专家论证、风险评估、"
    "合法性审查和集体讨论决定程序，县政府法律顾问列席常务会议24次，出具法律意见书63份，审查合同协议146份，"
    "提出修改意见300余条，有效防范了决策风险。",
    "（二）规范行政执法行为。全面落实行政执法公示、执法全过程记录和重大执法决定法制审核三项制度，全年评查行政执法"
    "案卷420卷，优秀率达到92%，对发现的问题逐一督促整改，推动执法部门建立问题清单和整改台账，执法规范化水平不断"
    "提升，全县行政执法案件被复议纠错率下降到3.2%，比上年下降1.4个百分点。",
    "（三）化解矛盾纠纷。全县人民调解组织调解矛盾纠纷2140件，调解成功率98.1%；县政府办理行政复议案件31件，"
    "行政机关负责人出庭应诉率保持100%，行政复议决定全部得到履行，行政争议实质性化解取得新进展，群众对复议工作的"
    "满意度进一步提高，复议作为化解行政争议主渠道的作用更加明显。",
    "二、存在的不足和原因",
    "一是部分乡镇法治力量较为薄弱；二是行政执法人员培训覆盖面还不够广；三是法治宣传的针对性还需增强，"
    "群众参与度有待进一步提升。",
    "三、2024年推进法治政府建设的主要安排",
    "一是持续加强法治政府建设督察；二是深化行政执法规范化建设；三是推进公共法律服务体系建设。",
]
TITLE = "青禾县人民政府关于2023年度法治政府建设情况的报告"
SUBTITLE = "——2024年1月26日在县第十八届人民代表大会常务委员会第十五次会议上"


def report_html(font_size: str = "17pt") -> str:
    body = "".join(f"<p>{p}</p>" for p in REPORT_PARAGRAPHS)
    return (
        '<html><head><meta charset="utf-8"><style>'
        f'body{{font-family:"Noto Serif CJK SC";font-size:{font_size};line-height:1.8}}'
        "h1{text-align:center;font-size:21pt;font-weight:normal;margin:0 0 .5em}"
        ".c{text-align:center;text-indent:0}"
        "p{text-indent:2em;text-align:justify;margin:0}</style></head><body>"
        f'<h1>{TITLE}</h1><p class="c">{SUBTITLE}</p><p class="c">青禾县人民政府县长　×××</p>'
        f'{body}<p style="text-align:right">×××</p><p style="text-align:right">2024年1月26日</p>'
        "</body></html>"
    )


def print_pdf(browser, html: str, path: Path, *, heads: bool = True) -> Path:
    page = browser.new_page()
    try:
        page.set_content(html)
        options = {"path": str(path), "format": "A5", "print_background": True}
        if heads:
            options.update(
                display_header_footer=True,
                header_template='<div style="font-size:9pt;width:100%;text-align:center;'
                'font-family:Noto Serif CJK SC">青禾县人民政府办公室</div>',
                footer_template='<div style="font-size:10pt;width:100%;text-align:center;'
                'font-family:Noto Serif CJK SC">— <span class="pageNumber"></span> —</div>',
                margin={"top": "22mm", "bottom": "20mm", "left": "18mm", "right": "16mm"},
            )
        page.pdf(**options)
    finally:
        page.close()
    return path


@pytest.fixture(scope="module")
def pdfs(browser, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    made = {"report": print_pdf(browser, report_html(), folder / "青禾县2023年法治政府建设报告.pdf")}
    page = browser.new_page(viewport={"width": 700, "height": 1000})
    try:
        page.set_content(report_html("14pt"))
        shot = base64.b64encode(page.screenshot(full_page=True)).decode()
    finally:
        page.close()
    scan = f'<html><body style="margin:0"><img style="width:100%" src="data:image/png;base64,{shot}"></body></html>'
    made["scan"] = print_pdf(browser, scan, folder / "scan.pdf", heads=False)
    return made


@pytest.mark.browser
def test_a_pdf_loses_its_page_numbers_and_running_heads_and_keeps_its_paragraphs(pdfs, tmp_path):
    registries = checked_registries(shutil.copytree(IMPORT_FIXTURES / "data", tmp_path / "data"))
    prepared = prepare(pdfs["report"], registries, Options())
    round_trip(prepared)
    source = prepared.source_text
    pages = max(source.where)
    assert pages >= 2 and source.read_as == f"PDF text layer, {pages} pages"
    kinds = [(a.line, a.kind, a.text) for a in prepared.summary.removed]
    assert [k for k in kinds if k[1] == "page number"] == [
        (n, "page number", f"— {n} —") for n in range(1, pages + 1)
    ]
    assert [k for k in kinds if k[1] == "running header"] == [
        (n, "running header", "青禾县人民政府办公室") for n in range(1, pages + 1)
    ]
    # every paragraph is whole again, one that straddles a page break included
    doc = prepared.document
    whole = reading_text(doc)
    for paragraph in REPORT_PARAGRAPHS:
        assert squeeze(paragraph) in squeeze(whole)
    assert any(line == 2 for line in prepared.source_text.where)  # the text goes on over a page
    assert doc["title"] == TITLE and doc["subtitle"] == SUBTITLE
    assert doc["author"]["name"] == "×××" and doc["closing"]["signature"] == "×××"
    items = doc["sections"][0]["items"]
    assert [i["marker"] for i in items] == ["（一）", "（二）", "（三）"]
    for item, paragraph in zip(items, REPORT_PARAGRAPHS[3:6], strict=True):
        assert item["label"] + item["text"] == paragraph.removeprefix(item["marker"])
    assert (doc["closing"]["shortcomings"]["ordinal"], doc["closing"]["next_steps"]["ordinal"]) == (2, 3)
    assert doc["source"]["original"]["format"] == "pdf"
    assert any("radical forms" in note for note in prepared.summary.notes) or all(
        not ("\u2f00" <= ch <= "\u2fdf") for ch in whole
    )


@pytest.mark.browser
def test_a_scan_is_refused_without_ocr(pdfs, data, capsys):
    code, _, err = run_import(capsys, str(pdfs["scan"]), "--data-dir", str(data))
    assert code == 1
    assert err == (
        f"import failed: {pdfs['scan']}: no text layer (2 pages of images: a scan); the importer does "
        "no OCR — import the Word original or a text copy instead (nothing written)\n"
    )
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]
    assert not (data.parent / "sources").exists()


def garbled_pdf(path: Path) -> Path:
    """A PDF whose font has no Unicode mapping: pdfminer reads its glyphs as (cid:…)."""
    content = b"BT /F1 14 Tf 72 700 Td <00210022002300240025002600270028> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /FZFSK /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /FZFSK "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def test_a_pdf_whose_fonts_carry_no_unicode_is_refused_not_imported_as_mojibake(tmp_path, data, capsys):
    source = garbled_pdf(tmp_path / "garbled.pdf")
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert err == (
        f"import failed: {source}: page 1: the text layer is garbled: 8 of 8 characters are glyphs "
        "without a Unicode mapping ((cid:…), U+FFFD); its fonts do not say which characters they draw, "
        "so the text would import as mojibake — import the Word original or a text copy instead "
        "(nothing written)\n"
    )
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


# --- refusals and bounds (issue 16) ------------------------------------------------------------------------


def rebuild_docx(tmp_path: Path, name: str, *, paragraphs: str = "", count: int = 0, rels=None) -> Path:
    base = tmp_path / "base.docx"
    document = docx.Document()
    document.add_paragraph("青禾县2023年度述法报告")
    document.save(str(base))
    target = tmp_path / name
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            raw = zin.read(info.filename)
            if info.filename == "word/document.xml" and count:
                text = raw.decode()
                at = text.index("<w:body>") + len("<w:body>")
                raw = (text[:at] + paragraphs * count + text[at:]).encode()
            if info.filename == "word/_rels/document.xml.rels" and rels:
                raw = rels(raw.decode()).encode()
            zout.writestr(info, raw)
    return target


def external(kind: str):
    def patch(text: str) -> str:
        return re.sub(
            rf'(Type="[^"]*/{kind}" Target=")[^"]*"',
            r'\1https://templates.example.invalid/x.xml" TargetMode="External"',
            text,
        )

    return patch


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda tmp: rebuild_docx(
                tmp, "bomb.docx", paragraphs="<w:p><w:r><w:t>法</w:t></w:r></w:p>", count=3_000_000
            ),
            "{src}: word/document.xml unpacks to 103.0 MB; a part of a Word report is expected to be at most "
            "32 MB (nothing was unpacked)",
        ),
        (
            lambda tmp: rebuild_docx(tmp, "many.docx", paragraphs="<w:p/>", count=25_000),
            "{src}: word/document.xml holds more than 20000 paragraphs; a report is expected to hold a few "
            "hundred (refused before reading it)",
        ),
        (
            lambda tmp: rebuild_docx(tmp, "numbering.docx", rels=external("styles")),
            "{src}: word/_rels/document.xml.rels: the styles part is an external link "
            "(Target=“https://templates.example.invalid/x.xml”), not inside the file; the importer never "
            "follows links out of a file — open the document in Word or WPS and save it again as .docx",
        ),
        (
            lambda tmp: (
                (tmp / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64) and tmp / "report.doc"
            ),
            "{src}: an old Word 97–2003 .doc file, which cannot be read reliably; open it in Word or WPS and "
            "save it as .docx (文件 › 另存为 › Word 文档 .docx), then import the .docx",
        ),
        (
            lambda tmp: (tmp / "notes.pdf").write_bytes(b"just text") and tmp / "notes.pdf",
            "{src}: not a PDF file (no %PDF- header); expected a PDF document",
        ),
        (
            lambda tmp: (
                (tmp / "blank.html").write_bytes(b"<html><body><div> </div></body></html>")
                and tmp / "blank.html"
            ),
            "{src}: the page shows no text; expected a saved article page",
        ),
        (
            lambda tmp: (
                (tmp / "list.html").write_bytes(
                    "<html><body><ul><li><a href='/1'>青禾县2023年度述法报告</a></li></ul></body></html>".encode()
                )
                and tmp / "list.html"
            ),
            "{src}: no article found: no part of the page holds paragraphs of sentences; expected the page of "
            "one report (save the article's page, not a list page)",
        ),
    ],
    ids=[
        "docx-zip-bomb",
        "docx-paragraphs",
        "docx-external-styles",
        "doc",
        "pdf-not-pdf",
        "html-blank",
        "html-list",
    ],
)
def test_broken_inputs_get_their_exact_message_and_nothing_is_written(make, message, tmp_path, data, capsys):
    source = make(tmp_path)
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert err == f"import failed: {message.format(src=source)} (nothing written)\n"
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]
    assert not (data.parent / "sources").exists()


def test_external_numbering_is_refused_too(tmp_path):
    source = rebuild_docx(tmp_path, "n.docx", rels=lambda t: t.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'numbering" Target="file:///etc/numbering.xml" TargetMode="External"/></Relationships>',
    ))  # fmt: skip
    with pytest.raises(Exception, match="the numbering part is an external link"):
        read_source(source)


# --- folders, duplicates, provenance ------------------------------------------------------------------


@pytest.mark.browser
def test_a_folder_of_mixed_formats_with_a_duplicate(pdfs, tmp_path, data, capsys):
    inbox = tmp_path / "inbox"
    (inbox / "portal").mkdir(parents=True)
    shutil.copy(WEB / "qinghe-fzzf-2023.html", inbox / "portal" / "qinghe-fzzf-2023.html")
    (inbox / "portal" / "qinghe-fzzf-2023_files").mkdir()  # what a browser saves beside a page
    (inbox / "portal" / "qinghe-fzzf-2023_files" / "frame.html").write_text("<p>x</p>", encoding="utf-8")
    (inbox / "portal" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    shutil.copy(WEB / "chengxi-shufa-2022-gbk.html", inbox / "chengxi.htm")
    shutil.copy(WEB / "chengxi-shufa-2022-gbk.html", inbox / "chengxi-copy.htm")  # identical bytes
    shutil.copy(IMPORT_FIXTURES / "qinghe-shufa-2020.txt", inbox / "qinghe-2020.txt")
    shutil.copy(pdfs["report"], inbox / "qinghe-fzzf-2023.pdf")  # the portal's report again, as a PDF
    (inbox / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    code, out, err = run_import(capsys, str(inbox), "--data-dir", str(data))
    assert code == 1  # something was refused
    assert "[1/6] " in err and "[6/6] " in err
    table = out[out.index("source  ") :]
    rows = {line.split()[0]: line for line in table.splitlines()[2:-1]}
    assert rows[str(inbox / "chengxi-copy.htm")].split()[1] == "imported"
    assert "the same file as" in rows[str(inbox / "chengxi.htm")]
    assert "an old Word 97–2003 .doc file" in rows[str(inbox / "old.doc")]
    assert rows[str(inbox / "qinghe-2020.txt")].split()[1] == "imported"
    assert "would write" in rows[str(inbox / "qinghe-fzzf-2023.pdf")]
    assert "(already written from" in err
    assert "3 imported, 3 refused" in out and "left out: 1 .png" in out
    assert files_in(data.parent / "sources") == [
        "chengxi", "chengxi/shufa", "chengxi/shufa/2022.htm",
        "qinghe", "qinghe/fzzf", "qinghe/fzzf/2023.html", "qinghe/shufa", "qinghe/shufa/2020.txt",
    ]  # fmt: skip
    assert main(["lock", str(data)]) == 0  # the archive's first reports: its lock
    capsys.readouterr()
    assert main(["check", str(data)]) == 1  # only what the texts cannot tell: the source address
    assert only_citation_warnings(capsys.readouterr().out)


def test_the_original_is_kept_and_checked(tmp_path, data, capsys, monkeypatch):
    source = tmp_path / "青禾县2020年述法报告.txt"
    shutil.copy(IMPORT_FIXTURES / "qinghe-shufa-2020.txt", source)
    assert run_import(capsys, str(source), "--data-dir", str(data))[0] == 0
    kept = data.parent / "sources" / "qinghe" / "shufa" / "2020.txt"
    assert kept.read_bytes() == source.read_bytes()
    record = read_yaml(data / "qinghe/shufa/2020.yaml").value["source"]["original"]
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert record == {
        "path": "sources/qinghe/shufa/2020.txt",
        "name": source.name,
        "format": "txt",
        "sha256": digest,
    }
    monkeypatch.chdir(tmp_path)
    # what the keeper adds (a pasted text has no address; without it check warns), and the lock
    # of the archive's first report
    imported = data / "qinghe/shufa/2020.yaml"
    text = imported.read_text(encoding="utf-8")
    imported.write_text(
        text.replace("\nsource:\n", '\nsource:\n  url: "https://www.qinghe.example.gov.cn/a.html"\n', 1)
    )
    if not (data / "anchors.lock").exists():
        assert main(["lock", "data"]) == 0
    assert main(["check", "data"]) == 0
    lines = (data / "qinghe/shufa/2020.yaml").read_text(encoding="utf-8").splitlines()
    path_line = next(n for n, line in enumerate(lines, 1) if line.startswith("    path: "))
    sha_line = next(n for n, line in enumerate(lines, 1) if line.startswith("    sha256: "))
    capsys.readouterr()
    kept.write_bytes(kept.read_bytes() + "改".encode())
    now = hashlib.sha256(kept.read_bytes()).hexdigest()
    assert main(["check", "data"]) == 1
    assert capsys.readouterr().out == (
        f"data/qinghe/shufa/2020.yaml:{sha_line}:13: source.original.sha256: the kept original "
        f"sources/qinghe/shufa/2020.txt has changed since it was imported (its sha256 is now {now[:12]}…, "
        f"recorded {digest[:12]}…); expected the file as received (restore it, or import it again with --force)\n"
    )
    kept.unlink()
    assert main(["check", "data"]) == 1
    assert capsys.readouterr().out == (
        f"data/qinghe/shufa/2020.yaml:{path_line}:11: source.original.path: the kept original "
        "sources/qinghe/shufa/2020.txt is missing; expected the file this report was imported from "
        "(restore it, or import the original again with --force)\n"
    )
    # a different original already kept is never replaced without --force
    kept.write_bytes(b"another file")
    before = (data / "qinghe/shufa/2020.yaml").read_bytes()
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data), "--force")
    assert code == 0 and kept.read_bytes() == source.read_bytes()
    kept.write_bytes(b"another file")
    (data / "qinghe/shufa/2020.yaml").unlink()
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert (
        code == 1 and "sources/qinghe/shufa/2020.txt exists and is a different file; not overwritten" in err
    )
    assert kept.read_bytes() == b"another file" and not (data / "qinghe/shufa/2020.yaml").exists()
    assert before


def test_with_output_elsewhere_no_original_is_kept(tmp_path, data, capsys):
    out_file = tmp_path / "out.yaml"
    assert (
        run_import(
            capsys,
            str(IMPORT_FIXTURES / "qinghe-shufa-2020.txt"),
            "--data-dir",
            str(data),
            "-o",
            str(out_file),
        )[0]
        == 0
    )
    assert "original" not in read_yaml(out_file).value.get("source", {})
    assert not (data.parent / "sources").exists()


def test_the_report_page_offers_the_original(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    assert run_import(capsys, str(WEB / "chengxi-shufa-2022-gbk.html"), "--data-dir", str(data))[0] == 0
    app = build_archive(archive_source(tmp_path), data)
    assert warnings_of(app) == ""
    site = Path(app.outdir)
    page = (site / "reports/chengxi/shufa/2022.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    line = soup.select_one("p.report-original")
    digest = hashlib.sha256((WEB / "chengxi-shufa-2022-gbk.html").read_bytes()).hexdigest()
    # the format and the checksum, never the name the file was received under
    assert line.get_text() == f"原文：网页原件的文字（SHA-256 {digest}）下载原件"
    view, download = line.select("a")
    assert view["href"] == "2022.source.html" and "download" not in view.attrs
    assert download["href"] == "2022.original.html.txt"
    assert download["download"] == "chengxi-shufa-2022.original.html.txt"
    published = site / "reports/chengxi/shufa/2022.original.html.txt"
    assert published.read_bytes() == (WEB / "chengxi-shufa-2022-gbk.html").read_bytes()
    assert not (site / "reports/chengxi/shufa/2022.original.html").exists()
    assert published.stat().st_mode & 0o777 == 0o644
    assert (site / "reports/chengxi/shufa/2022.source.html").stat().st_mode & 0o777 == 0o644
    assert soup.select_one("h1").get_text().startswith("澄溪县县长2022年度述法报告")
