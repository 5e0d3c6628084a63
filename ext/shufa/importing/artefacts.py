"""Remove what a copy picked up on its way from the document to the user, and say what was removed.

Removed (each reported with its line and text): CMS paywall markers
(``##paidbegin##``, ``$$paidend$$`` …, alone on a line or glued to text), site
chrome (breadcrumbs such as 您所在的位置：, 来源/发布时间/浏览次数 lines, 打印/关闭,
上一篇/下一篇, accessibility bars such as 无障碍 简体｜繁体, date bars such as
今天是：…星期…农历…, a site name and date heading the page; on WeChat
点击上方蓝字关注, 编辑/审核 lines, 阅读原文, 在看), copy-site boilerplate
(下面是小编为大家整理的……，供大家参考。), watermark URLs and site names, page numbers,
a title printed twice (the page's heading, then the article's: everything above the
second copy is the page's header), a site name glued to the title, and invisible
characters (zero-width spaces, control and bidi characters) that no data file may hold.
A 来源 that names no issuing body (来源：网友投稿) is removed but not recorded. Kept: ``（略）`` gaps (reported, so the
user knows the published copy is incomplete) and the text as printed,
full-width or half-width punctuation alike. Stray spaces between Chinese
characters are whitespace: removed and counted.

Every removal is a span of the input, so "the input minus the removed
artefacts" is exact: :func:`without` rebuilds it, and the tests compare it
with the data file.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from .flattened import is_flat, split_flat
from .genre import ends_sentence
from .markers import line_marker


@dataclass(frozen=True)
class Artefact:
    """Something removed: what kind, the text as it was, its line, its span in the input."""

    kind: str
    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """A non-empty line of the cleaned text and the source line it came from."""

    text: str
    number: int
    #: The rest of a source line cut by a removed paywall marker (it may continue a sentence).
    continued: bool = False
    #: The span of the source text the line was cleaned from (-1: not known).
    start: int = field(default=-1, compare=False)
    end: int = field(default=-1, compare=False)
    #: A blank line stands between this line and the previous kept one (a paragraph break).
    blank_before: bool = field(default=False, compare=False)
    #: Stray spaces removed from it (counted in the summary while the line is kept).
    strays: int = field(default=0, compare=False)


@dataclass
class Cleaned:
    """The text without artefacts, as lines, and everything that was removed or noticed."""

    lines: list[Line]
    removed: list[Artefact] = field(default_factory=list)
    #: Lines with a ``（略）`` gap: kept, reported.
    gaps: list[Line] = field(default_factory=list)
    stray_spaces: int = 0
    #: From site chrome: the publication date (YYYY-MM-DD) and the 来源 (source) it names.
    published: str = ""
    source_note: str = ""
    #: What the user is told about how the text was read (a flattened line split again).
    notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --- patterns -------------------------------------------------------------------------

#: How far down a title printed twice is looked for (the page's header lies above it).
HEADER_LINES = 30

_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_PAYWALL = re.compile(r"(?:##|\$\$|@@)\s*paid\s*(?:begin|end|start|stop)?\s*(?:##|\$\$|@@)", re.I)
_URL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|(?<![A-Za-z0-9@.\-])[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*"
    r"\.(?:com|cn|net|org|cc|top|info|xyz)(?:/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?(?![A-Za-z0-9])",
    re.I,
)
_CHROME_LABELS = (
    r"来源|信息来源|文章来源|稿件来源|发布时间|发布日期|发文日期|成文日期|更新时间|时间|日期|作者|编辑|"
    r"责任编辑|浏览次数|浏览量|阅读次数|阅读量|点击数|点击量|点击率|访问量|访问次数|字号|字体|分享到|"
    r"索引号|发布机构|主题分类|文号|审核|初审|复审|终审|校对|排版|美编|供稿|监制|出品|"
    r"主办单位|承办单位|主办|承办|技术支持|维护单位|网站标识码|备案号|公网安备|联系电话|联系地址|邮编"
)
_CHROME_LABEL = re.compile(rf"(?:^|[\s|｜【\[])(?:{_CHROME_LABELS})\s*[:：]")
_CHROME_START = re.compile(rf"^[【\[]?(?:{_CHROME_LABELS})\s*[:：]")
_BREADCRUMB = re.compile(
    r"^(?:[您你]?(?:现在|当前)?(?:所在)?的?(?:位置|所在位置)|当前位置)\s*[:：]|^首页\s*(?:[>＞›»/]|&gt;)"
)
#: Accessibility and language bars of portals: a line of these words only.
_PAGE_TOOLS = re.compile(
    r"^(?:[\s|｜/·•【】\[\]]*(?:无障碍(?:浏览|阅读)?|简体(?:中文|版)?|繁体(?:中文|版)?|繁體|简|繁|长者模式|关怀版|适老化|"
    r"English|ENGLISH|EN|手机版|移动版|网站地图|设为首页|加入收藏|登录|注册|智能问答|网站支持IPv6|IPv6|"
    r"政务微博|政务微信|微博|微信|今日头条|抖音)[\s|｜/·•【】\[\]]*)+$"
)
#: A portal's date bar: 今天是：2024年3月5日 星期二 农历正月廿五.
_DATE_BAR = re.compile(
    r"^(?:今天是|今天|今日)\s*[:：]?\s*(?:\d{4}|[〇一二三四五六七八九零]{4})\s*年|星期[一二三四五六日天][\s\S]{0,20}农历"
)
#: The site name and the date heading a page (only before the text begins).
_SITE_HEADER = re.compile(
    r"^[\u4e00-\u9fff]{2,24}?(?:人民政府|政府|门户网站|网站|政府网|网)\s*"
    r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?(?:\s*星期[一二三四五六日天])?$"
)
#: Copy-site boilerplate around a pasted document.
_BOILERPLATE = re.compile(
    r"^(?:下面|以下|下文|本文)[^。！]{0,12}(?:小编|编者|本站)[^。！]{0,80}(?:参考|阅读|帮助|借鉴|学习)[^。！]{0,12}[。！!]?$"
    r"|^(?:以上|上文)[^。！]{0,6}(?:小编|本站)[^。！]{0,80}[。！!]?$"
    r"|^(?:本文|文章)?(?:由|为)?(?:网友|用户)(?:投稿|上传|整理|分享)[^。]{0,40}(?:侵权|删除)[^。]{0,20}[。！!]?$"
)
#: A copy site's tags and buttons, alone on a line.
_SITE_TAGS = re.compile(
    r"^[\s【】\[\]|｜]*(?:范文|精选|精选范文|范文大全|推荐|热门|热门推荐|相关推荐|猜你喜欢|原创|精品|"
    r"全文阅读|展开全文|阅读全文|收起全文|下载文档|免费下载|立即下载|复制全文|举报)[\s【】\[\]|｜]*$"
)
#: A copy site's name printed between paragraphs as a watermark.
_SITE_NAME = re.compile(
    r"^[\u4e00-\u9fff]{0,8}(?:范文|文库|文档|公文|写作|资料|文秘|文稿)[\u4e00-\u9fff]{0,4}(?:网|站|之家|大全|中心)$"
)
#: 来源 values that name no issuing body: not recorded as the report's source.
_NO_SOURCE = re.compile(
    r"^(?:网友投稿|网友上传|用户上传|投稿|网络|互联网|网络转载|转载|本站原创|本站整理|原创|整理|佚名|未知)$"
)
_ACTIONS = re.compile(
    r"^[\s【】\[\]|｜/·•]*(?:(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回列表|返回|收藏本页|收藏|"
    r"分享到|分享|保存本页|保存|纠错|字号|字体|默认|扫一扫在手机打开当前页|扫一扫|在手机打开当前页|"
    r"[大中小])[\s【】\[\]|｜/·•：:]*)+$"
)
_NEIGHBOURS = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|相关链接|相关文章|相关阅读|相关新闻)\s*[:：]")
#: A WeChat article's own chrome, copied or saved with it.
_WECHAT = re.compile(
    r"^[\s▲△↑☝👆⬆·•]*(?:点击上方(?:蓝字|“[^”]{1,20}”)?(?:关注我们|关注)?|点击蓝字关注我们?|关注我们|"
    r"长按(?:识别)?二维码(?:关注)?|长按扫码关注|阅读原文|在看|点赞|分享|赞|"
    r"微信扫一扫(?:关注该公众号|可打开此内容，使用完整服务)?|预览时标签不可点|喜欢此内容的人还喜欢|"
    r"继续滑动看下一个|向上滑动看下一个|轻触阅读原文|写留言|留言|收藏|听全文)[\s▲△↑·•！!。]*$"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|\d{1,3}|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})$"
)
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|发文日期|日期|时间)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
_SOURCE = re.compile(r"(?:信息来源|文章来源|稿件来源|来源)\s*[:：]\s*([^\s|｜【】\[\]]+)")
_TITLE_SITE = re.compile(
    r"^(?P<title>.*报告)\s*(?P<site>[_｜|—–\-]+\s*[^，。；]{0,30}?(?:政府|网|门户|网站|平台|频道|专栏)[^，。；]{0,10})$"
)
_WATERMARK_WORDS = re.compile(
    r"来源|来自|访问|下载|文档|文库|资料|网址|网站|转载|更多|请|浏览|登录|扫码|关注|本文"
)
_FULL_WIDTH_PUNCTUATION = "。，、；：？！”’）》」』】"
_GAP = re.compile(r"[（(]\s*略\s*[)）]")
_SPACE_RUN = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _removable(ch: str) -> bool:
    """Characters no data file may hold and no reader sees: controls, format characters, non-characters."""
    if ch == "\t":
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs"):
        return True
    code = ord(ch)
    return code in (0xFFFE, 0xFFFF) or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x2018 <= code <= 0x201F
        or code in (0x2014, 0x2026, 0xB7)
        or 0x20000 <= code <= 0x3FFFF
    )


# --- the cleaner ------------------------------------------------------------------------


def remove_artefacts(text: str, removed: list[Artefact] | tuple[Artefact, ...] = ()) -> Cleaned:
    """*text* as non-empty lines without artefacts, with every removal reported.

    *removed* are whole lines a reader already found to be artefacts (the page chrome
    around a web article, a PDF's page numbers): they are dropped and reported as given."""
    cleaned = Cleaned(lines=[])
    given = {artefact.line: artefact for artefact in removed}
    raw_lines: list[tuple[int, int, int]] = []  # (number, start, end) of kept source lines
    number, pos = 1, 0
    blank = False
    total = sum(1 for ch in text if not ch.isspace())
    for brk in [*_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if number in given:
            cleaned.removed.append(given[number])
            _chrome_metadata(text[pos:end].strip(), cleaned)
        elif not text[pos:end].strip():
            blank = bool(cleaned.lines)
        else:
            before = len(cleaned.lines)
            _clean_line(text, pos, end, number, cleaned, raw_lines, total)
            if len(cleaned.lines) > before:
                cleaned.lines[before] = dataclasses.replace(cleaned.lines[before], blank_before=blank)
                blank = False
        if brk is None:
            break
        pos, number = brk.end(), number + 1
    _drop_duplicate_titles(text, cleaned, raw_lines)
    cleaned.removed.sort(key=lambda a: a.start)
    return cleaned


def _clean_line(text, start, end, number, cleaned: Cleaned, raw_lines, total: int = 0) -> None:
    line = text[start:end]
    if not line.strip():
        return
    # inline removals, as spans relative to the line; a span overlapping an earlier one is dropped
    spans: list[tuple[int, int, str]] = []

    def take(first: int, last: int, kind: str) -> None:
        if not any(s < last and first < e for s, e, _ in spans):
            spans.append((first, last, kind))

    for m in _PAYWALL.finditer(line):
        take(m.start(), m.end(), "paywall marker")
    run_start = None
    for i, ch in enumerate([*line, ""]):
        if ch and _removable(ch):
            if run_start is None:
                run_start = i
        elif run_start is not None:
            take(run_start, i, "invisible characters")
            run_start = None
    for m in _URL.finditer(line):
        take(m.start(), m.end(), "watermark URL")
    spans.sort()
    kept = _remove_spans(line, spans)
    visible = kept.strip()
    whole = _whole_line_kind(visible, cleaned, spans)
    if whole is not None:
        if whole:
            cleaned.removed.append(Artefact(whole, line.strip(), number, start, end))
        else:  # nothing but removed pieces on this line
            for s, e, kind in spans:
                cleaned.removed.append(Artefact(kind, line[s:e], number, start + s, start + e))
        return
    if not cleaned.lines:
        site = _TITLE_SITE.match(visible)
        if site and len(site.group("title")) >= 6 and not _PAYWALL.search(line):
            at = line.rfind(site.group("site").strip())
            if at >= 0:
                spans.append((at, at + len(site.group("site").strip()), "site name"))
                spans.sort()
    for s, e, kind in spans:
        cleaned.removed.append(Artefact(kind, line[s:e], number, start + s, start + e))
    # a paywall marker glued between two paragraphs is a paragraph break: split the line there
    cuts = [(s, e) for s, e, kind in spans if kind == "paywall marker"]
    bounds = [0] + [x for s, e in cuts for x in (s, e)] + [len(line)]
    segments = list(zip(bounds[::2], bounds[1::2], strict=True))
    flat = _flat_cuts(line, spans, number, cleaned) if is_flat(line, total) else set()
    if flat:
        segments = [
            (a, b)
            for seg_start, seg_end in segments
            for a, b in itertools.pairwise(
                [seg_start, *sorted(c for c in flat if seg_start < c < seg_end), seg_end]
            )
        ]
    for seg_start, seg_end in segments:
        inner = [(s, e, k) for s, e, k in spans if seg_start <= s and e <= seg_end]
        piece = _remove_spans(
            line[seg_start:seg_end], [(s - seg_start, e - seg_start, k) for s, e, k in inner]
        )
        tidy, strays = _tidy(piece)
        if not tidy:
            continue
        cleaned.stray_spaces += strays
        # the rest of a line cut by a paywall marker may continue its sentence; a flattened line's
        # pieces are lines of their own
        continued = bool(cleaned.lines) and cleaned.lines[-1].number == number and seg_start not in flat
        cleaned.lines.append(Line(tidy, number, continued, start + seg_start, start + seg_end, strays=strays))
        raw_lines.append((number, start + seg_start, start + seg_end))
        if _GAP.search(tidy):
            cleaned.gaps.append(Line(tidy, number))


def _flat_cuts(line: str, spans, number: int, cleaned: Cleaned) -> set[int]:
    """Where a line holding a whole flattened report is cut (never inside a removed span)."""
    split = split_flat(line)
    if split is None:
        return set()
    split = dataclasses.replace(
        split, cuts=[c for c in split.cuts if not any(s < c < e for s, e, _ in spans)]
    )
    if split.cuts:
        cleaned.notes.append(split.describe(number))
    return set(split.cuts)


def _remove_spans(line: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for s, e, _ in spans:
        if s >= pos:
            out.append(line[pos:s])
            pos = e
    out.append(line[pos:])
    return "".join(out)


def _whole_line_kind(visible: str, cleaned: Cleaned, spans) -> str | None:
    """The kind of artefact the whole line is ("" when only removed pieces remain), or None."""
    if not visible:
        return "" if spans else None
    if len(visible) <= 200 and _BOILERPLATE.match(visible):
        return "copy-site boilerplate"
    if len(visible) <= 160 and "。" not in visible:
        if _PAGE_TOOLS.match(visible) or _DATE_BAR.search(visible):
            return "site chrome"
        if not cleaned.lines and _SITE_HEADER.match(visible):
            return "site chrome"
        if len(visible) <= 16 and _SITE_NAME.match(visible):
            return "watermark site name"
        if _SITE_TAGS.match(visible):
            return "copy-site chrome"
        if _BREADCRUMB.search(visible) or (
            sum(visible.count(c) for c in ">＞›»") >= 2 and not line_marker(visible)
        ):
            return "site chrome"
        if _ACTIONS.match(visible) or _NEIGHBOURS.match(visible):
            return "site chrome"
        if _CHROME_START.match(visible) or len(_CHROME_LABEL.findall(visible)) >= 2:
            _chrome_metadata(visible, cleaned)
            return "site chrome"
        if _WECHAT.match(visible):
            return "WeChat chrome"
        if _PAGE_NUMBER.match(visible):
            return "page number"
    if any(kind == "watermark URL" for *_, kind in spans):
        rest = _SPACE_RUN.sub("", visible)
        if len(rest) <= 24 and _WATERMARK_WORDS.search(rest) and not line_marker(rest):
            return "watermark URL"  # 更多资料请访问 www…: the line is the watermark
    return None


def _chrome_metadata(visible: str, cleaned: Cleaned) -> None:
    """The publication date and the 来源 a chrome line names, when not known yet."""
    if not (_CHROME_START.match(visible) or len(_CHROME_LABEL.findall(visible)) >= 2):
        return
    published = _PUBLISHED.search(visible)
    if published and not cleaned.published:
        y, m, d = (int(g) for g in published.groups())
        if 1 <= m <= 12 and 1 <= d <= 31:
            cleaned.published = f"{y:04d}-{m:02d}-{d:02d}"
    source = _SOURCE.search(visible)
    if source and not cleaned.source_note and not _NO_SOURCE.match(source.group(1)):
        cleaned.source_note = source.group(1)


def _tidy(piece: str) -> tuple[str, int]:
    """*piece* stripped, with stray spaces between Chinese characters removed (and counted)."""
    piece = piece.strip()
    strays = 0
    short = len(piece) <= 20

    def replace(m: re.Match[str]) -> str:
        nonlocal strays
        before = piece[m.start() - 1]
        after = piece[m.end()] if m.end() < len(piece) else ""
        if (
            not short
            and after
            and (
                (_cjk(before) and (_cjk(after) or after.isdigit()))
                or (before.isdigit() and _cjk(after))
                or after in _FULL_WIDTH_PUNCTUATION  # 32% 。: a line end of the copy, not a space
            )
        ):
            strays += 1
            return ""
        return " " if m.group() != "\u3000" or not short else "\u3000"

    return _SPACE_RUN.sub(replace, piece), strays


def _drop_duplicate_titles(text: str, cleaned: Cleaned, raw_lines) -> None:
    """A title printed twice at the top (page heading and document title): keep one, report the others."""
    head = []
    for index, line in enumerate(cleaned.lines[:HEADER_LINES]):
        if ends_sentence(line.text) or len(line.text) > 80 or line_marker(line.text):
            break
        head.append(index)
    drop: dict[int, str] = {}
    for a in head:
        for b in head:
            if a >= b or a in drop or b in drop:
                continue
            na, nb = _norm(cleaned.lines[a].text), _norm(cleaned.lines[b].text)
            if not na or not nb:
                continue
            if na == nb and len(na) >= 6:
                # the page's heading, then the article's own title (kept, next to its byline):
                # what stands above the second copy is the page's header
                drop.update(
                    {i: "site chrome (above the title printed twice)" for i in range(b) if i not in drop}
                )
                drop[a] = "duplicate title"
            elif "报告" in na and "报告" in nb and min(len(na), len(nb)) >= 8 and (na in nb or nb in na):
                drop[a if len(na) > len(nb) else b] = "duplicate title"
    for index in sorted(drop, reverse=True):
        line = cleaned.lines.pop(index)
        cleaned.stray_spaces -= line.strays
        number, start, end = raw_lines.pop(index)
        # the whole line goes: pieces of it reported before (a site name) are part of it now
        cleaned.removed = [a for a in cleaned.removed if not (start <= a.start and a.end <= end)]
        cleaned.removed.append(Artefact(drop[index], text[start:end].strip(), number, start, end))


def _norm(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def take_line(cleaned: Cleaned, text: str, line: Line, kind: str) -> None:
    """Move a kept *line* of *text* out of the text, listed as removed (a byline going to ``author``);
    pieces of it already listed (invisible characters) are part of the whole line now."""
    cleaned.lines = [kept for kept in cleaned.lines if kept is not line]
    cleaned.stray_spaces -= line.strays
    inside = [a for a in cleaned.removed if line.start <= a.start and a.end <= line.end]
    cleaned.removed = [a for a in cleaned.removed if a not in inside]
    cleaned.removed.append(
        Artefact(kind, text[line.start : line.end].strip(), line.number, line.start, line.end)
    )
    cleaned.removed.sort(key=lambda a: a.start)


def without(text: str, removed: list[Artefact]) -> str:
    """*text* with the spans of *removed* cut out: the input minus its artefacts."""
    out, pos = [], 0
    for artefact in sorted(removed, key=lambda a: a.start):
        if artefact.start >= pos:
            out.append(text[pos : artefact.start])
            pos = artefact.end
        else:
            pos = max(pos, artefact.end)
    out.append(text[pos:])
    return "".join(out)
