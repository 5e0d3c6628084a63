"""Saved web pages: the report article of a county portal or a WeChat official-account page.

A page saved from a county portal (政务公开 › 法治政府建设) or a WeChat article
is mostly chrome: navigation, breadcrumbs, 字号 大 中 小, 打印本页, 关闭窗口,
分享到, related links, a footer with the 备案号; on WeChat 点击上方蓝字关注 and
the account's name. The reader (on lxml's HTML parser):

1. decodes the bytes as the page declares (``<meta charset>``; GBK and GB2312
   are read as GB18030, their superset), else as detected (see
   :mod:`~shufa.importing.decoding`);
2. lays the visible text of the page out as lines, one per block (``<p>``,
   ``<div>``, ``<li>``, table rows …) and per ``<br>``, joining inline pieces
   (``<span>``, ``<font>``, ``<a>``) of one block;
3. finds the article body: the WeChat body (``#js_content``) when there is
   one, else the element whose paragraphs hold the most sentence text, links
   counting against it (the idea of readability, in a few lines);
4. keeps the article's title (``#activity-name``, the ``<h1>``, or the
   heading that matches ``<title>``) and the body; every other line is
   removed as page chrome and reported with its paragraph number;
5. takes the metadata: the canonical URL (``<link rel=canonical>``,
   ``og:url``, a browser's ``saved from url=`` comment), the publication date
   (``PubDate`` meta, WeChat's publish time) and the source unit
   (``ContentSource`` meta, the WeChat account).

Positions in messages are the page's paragraphs (its lines, counted from 1).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import webencodings

from .artefacts import Artefact
from .decoding import decode, plausibility
from .reading import ImportFailure, SourceText

#: More blocks than this is not an article page (refused before looking for the article).
MAX_BLOCKS = 50_000

_SKIP = {
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "embed",
    "canvas", "audio", "video", "map", "input", "textarea", "img", "link", "meta", "base",
}  # fmt: skip
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "option",
    "p", "pre", "section", "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "button", "legend",
}  # fmt: skip
_SPACE = re.compile(r"[ \t\n\r\f]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,20})""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.I)
#: SingleFile's comment: `` url: https://…`` and `` saved date: Mon Jan 22 2024 10:11:12 GMT+0800 …``.
_SINGLEFILE_URL = re.compile(r"Page saved with SingleFile\s+url:\s*(https?://\S+)", re.I)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SINGLEFILE_SAVED = re.compile(
    rf"Page saved with SingleFile[\s\S]{{0,600}}?saved date:\s*\w{{3}}\s+({'|'.join(_MONTHS)})\s+(\d{{1,2}})\s+(\d{{4}})"
)
_WECHAT_TIME = re.compile(r"""var\s+ct\s*=\s*["'](\d{9,11})["']""")
_WECHAT_NICK = re.compile(r"""var\s+nickname\s*=\s*(?:htmlDecode\()?["']([^"'<>]{1,40})["']""")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
#: Known bodies of article pages (WeChat, TRS and other CMSs of government portals).
_BODY_HINT = re.compile(r"^(?:js_content|zoom|UCAP-CONTENT)$|rich_media_content|TRS_Editor", re.I)
_TITLE_HINT = re.compile(
    r"activity-name|rich_media_title|(?:^|[-_\s])(?:article|news|detail|con|zw)?[-_]?title", re.I
)
_CHROME_HINTS = (
    ("breadcrumb", re.compile(r"bread|crumb|location|position|weizhi|dqwz|current", re.I)),
    (
        "navigation",
        re.compile(r"(?:^|[-_\s])(?:nav|menu|daohang|dh)|topbar|top-bar|header|head(?:er)?$", re.I),
    ),
    ("footer", re.compile(r"foot|copyright|beian|bottom|bq", re.I)),
    ("share and print tools", re.compile(r"share|fenxiang|print|tool|fontsize|zihao", re.I)),
    ("article info", re.compile(r"meta|info|attr|source", re.I)),
    ("related links", re.compile(r"relat|xgxx|xglj|link|list|recommend|more", re.I)),
)
_CHROME_TAGS = {"nav": "navigation", "header": "navigation", "footer": "footer", "aside": "related links"}


@dataclass
class _Block:
    """A line of the page's visible text: its text, the block element it is in, its link text."""

    text: str
    owner: Any
    link_chars: int = 0


def read(path: Path, raw: bytes) -> SourceText:
    """The article of a saved web page, its chrome reported as removed (see the module doc)."""
    text, how = _decode(raw, str(path))
    meta = _comment_meta(text)
    notes: list[str] = []
    try:
        from lxml import html as lxml_html
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportFailure(f"{path}: reading .html needs lxml (pip install lxml)") from None
    # libxml2 turns a NUL into U+FFFD without a word: each one is marked, found in its paragraph
    # and named in the summary instead
    nuls = text.count("\0")
    parser = lxml_html.HTMLParser(huge_tree=True)  # libxml2 stops at depth 256 without it
    try:
        root = lxml_html.document_fromstring(_XML_DECL.sub("", text.replace("\0", _NUL)), parser=parser)
    except Exception as exc:  # lxml raises ParserError for an empty or unparsable document
        raise ImportFailure(f"{path}: not a readable web page ({type(exc).__name__}: {exc})") from None
    _refuse_cut_short(path, parser)
    _unnest_void(root)
    meta.update(_head_meta(root, text))
    blocks = _blocks(root, path)
    if nuls:
        blocks, marked = _without_nuls(blocks)
        notes.append(
            f"{nuls} NUL byte(s) removed from the page, in paragraph(s) {_listed(marked)}: a saved page "
            "holds none (a damaged copy?) — check the text there against the published page"
        )
    if not any(b.text for b in blocks):
        raise ImportFailure(f"{path}: the page shows no text; expected a saved article page")
    body = _article(root, blocks)
    if body is None:
        raise ImportFailure(
            f"{path}: no article found: no part of the page holds paragraphs of sentences; "
            "expected the page of one report (save the article's page, not a list page)"
        )
    inside = set(body.iter())
    title = _title(root, meta, inside)
    lines: list[str] = []
    removed: list[Artefact] = []
    offset = 0
    for block in blocks:
        owner = block.owner
        keep = owner in inside or (title is not None and _within(owner, title))
        if not keep:
            kind = _chrome_kind(owner)
            removed.append(Artefact(kind, block.text, len(lines) + 1, offset, offset + len(block.text)))
        lines.append(block.text)
        offset += len(block.text) + 1
    if title is not None and not meta.get("title"):  # the CMS's title element (div.title …)
        meta["title"] = without_site_name(" ".join(title.text_content().split()))
    if nuls:
        meta = {key: value.replace(_NUL, "") for key, value in meta.items()}
    replaced = [n for n, line in enumerate(lines, 1) if "\ufffd" in line]
    if replaced:
        notes.append(
            f"replacement character(s) U+FFFD in paragraph(s) {_listed(replaced)}: the page as saved had "
            "already lost a character there — check the text against the published page"
        )
    shown = "WeChat article" if _is_wechat(root) else "web page"
    return SourceText(
        text="\n".join(lines),
        read_as=f"{shown} (HTML), {how}",
        unit="paragraph",
        removed=removed,
        meta={k: v for k, v in meta.items() if v},
        notes=notes,
    )


def _without_nuls(blocks: list[_Block]) -> tuple[list[_Block], list[int]]:
    """*blocks* without the marks of NUL bytes, and the paragraphs that held one."""
    kept: list[_Block] = []
    marked: list[int] = []
    for block in blocks:
        had = _NUL in block.text
        block.text = _SPACE.sub(" ", block.text.replace(_NUL, "")).strip()
        if block.text:
            kept.append(block)
        if had:
            marked.append(max(len(kept), 1))
    return kept, sorted(set(marked))


def _listed(numbers: list[int], most: int = 8) -> str:
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


#: What a NUL of the page is while it is parsed: a noncharacter no page holds, which libxml2 keeps.
_NUL = "\ufdd0"

#: Elements that never have content. libxml2 knows the old ones, but parses ``embed``, ``source``,
#: ``track``, ``wbr`` and ``keygen`` as containers: what follows them in the page becomes their
#: content (and an ``embed``'s would be skipped as invisible).
_VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
         "source", "track", "wbr")  # fmt: skip


def _unnest_void(root: Any) -> None:
    """Put what the parser nested in a void element back after it, where the page has it."""
    for element in list(root.iter(*_VOID)):
        children = list(element)
        if not element.text and not children:
            continue
        text, tail = element.text or "", element.tail or ""
        element.text = None
        if not children:
            element.tail = text + tail
            continue
        element.tail = text
        last = element
        for child in children:
            last.addnext(child)  # moves it, with its tail
            last = child
        last.tail = (last.tail or "") + tail


def _refuse_cut_short(path: Path, parser: Any) -> None:
    """Refuse a page the parser stopped reading (a fatal error): the text after it would be lost."""
    for error in parser.error_log:
        if error.level_name != "FATAL":
            continue
        if "depth" in error.message.lower():
            limit = re.search(r"\d+", error.message)
            raise ImportFailure(
                f"{path}: line {error.line}: elements nested more than {limit.group() if limit else 'too many'} "
                "levels deep; a report page nests a few dozen — the parser stops there and the rest of the "
                "page would be lost (refused)"
            )
        raise ImportFailure(
            f"{path}: line {error.line}: the page cannot be read to its end ({error.message.strip()}); "
            "the text after it would be lost (refused)"
        )


# --- decoding ---------------------------------------------------------------------------------


def _decode(raw: bytes, shown: str) -> tuple[str, str]:
    """The page as text: as declared in ``<meta charset>`` when that names an encoding of the web
    and decodes it, else detected. Only the WHATWG Encoding Standard's labels are used (a page
    declaring ``punycode`` or ``utf-7`` is not decoded with Python's codec of that name), and a
    page whose bytes are UTF-8 under a single-byte declaration is read as UTF-8, and said so."""
    declared = _CHARSET.search(raw[:8192])
    if not declared or raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(raw, shown)
    label = declared.group(1).decode("ascii")
    encoding = webencodings.lookup(label)
    if encoding is None or encoding.name == "replacement":
        text, how = decode(raw, shown)
        return (
            text,
            f"{how}; the page declares “{label}”, which is no encoding of the web, so it was not used",
        )
    # the HTML standard's own rules for a declaration in <meta>
    name = {"utf-16le": "utf-8", "utf-16be": "utf-8", "x-user-defined": "windows-1252"}.get(
        encoding.name, encoding.name
    )
    codec = "gb18030" if name in ("gbk", "gb18030") else webencodings.lookup(name).codec_info.name
    try:
        text: str | None = raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = None
    if codec != "utf-8" and not raw.isascii():
        try:
            utf8 = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if text is None or plausibility(utf8) > plausibility(text):
                return utf8, (
                    f"UTF-8 (detected; the page declares {label.upper()}, but its bytes are UTF-8: "
                    "read as declared they would be mojibake)"
                )
    if text is None:
        text, how = decode(raw, shown)
        return text, f"{how}; the page declares {label.upper()}, which does not decode it"
    return text, f"{label.upper()} (declared)"


# --- the page's lines ---------------------------------------------------------------------------


def _blocks(root: Any, path: Path) -> list[_Block]:
    """The visible text of the page as lines, in document order (an explicit stack: no recursion)."""
    blocks: list[_Block] = []
    owners: list[Any] = [root]
    current: list[str] = []
    link_chars = 0
    links = 0

    def add(text: str | None) -> None:
        nonlocal link_chars
        if text:
            current.append(text)
            if links:
                link_chars += len(text.strip())

    def cut() -> None:
        nonlocal link_chars
        line = _SPACE.sub(" ", "".join(current)).strip()
        current.clear()
        if line:
            blocks.append(_Block(line, owners[-1], link_chars))
            if len(blocks) > MAX_BLOCKS:
                raise ImportFailure(
                    f"{path}: the page has more than {MAX_BLOCKS} blocks of text; a report page is "
                    "expected to have a few hundred (refused)"
                )
        link_chars = 0

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if closing:
            if tag == "a":
                links -= 1
            if tag in _BLOCK:
                cut()
                owners.pop()
            add(element.tail)
            continue
        if tag is None or tag in _SKIP:  # comments, processing instructions, invisible elements
            add(element.tail)
            continue
        if tag == "br":
            cut()
            add(element.tail)
            continue
        if tag in _BLOCK:
            cut()
            owners.append(element)
        if tag == "a":
            links += 1
        add(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    cut()
    return blocks


# --- the article ----------------------------------------------------------------------------------


def _article(root: Any, blocks: list[_Block]) -> Any | None:
    """The element that holds the article's paragraphs, or None."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        names = f"{element.get('id', '')} {element.get('class', '')}".strip()
        if names and any(_BODY_HINT.search(name) for name in names.split()):
            inside = set(element.iter())
            if sum(len(_CJK.findall(b.text)) for b in blocks if b.owner in inside) >= 50:
                return element
    scores: dict[Any, float] = {}
    text_chars: dict[Any, int] = {}
    link_chars: dict[Any, int] = {}
    for block in blocks:
        for element in _ancestors(block.owner):
            text_chars[element] = text_chars.get(element, 0) + len(block.text)
            link_chars[element] = link_chars.get(element, 0) + block.link_chars
        cjk = len(_CJK.findall(block.text))
        if cjk < 10 or block.link_chars * 2 > len(block.text):
            continue
        points = 1 + min(cjk, 300) / 10 + sum(block.text.count(c) for c in "，。；：、")
        weight = 1.0
        for depth, element in enumerate(_ancestors(block.owner)):
            if depth > 2:
                break
            scores[element] = scores.get(element, 0.0) + points * weight
            weight /= 2
    best, best_score = None, 0.0
    for element, score in scores.items():
        density = link_chars.get(element, 0) / max(text_chars.get(element, 1), 1)
        final = score * (1 - density)
        if final > best_score:
            best, best_score = element, final
    return best if best_score >= 5 else None


def _ancestors(element: Any):
    while element is not None:
        yield element
        element = element.getparent()


def _within(element: Any, container: Any) -> bool:
    return any(a is container for a in _ancestors(element))


def _title(root: Any, meta: dict[str, str], inside: set[Any]) -> Any | None:
    """The element printing the article's title outside the body, or None."""
    wanted = _squeeze(meta.get("title", ""))
    candidates = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element in inside:
            continue
        tag = element.tag.lower()
        names = f"{element.get('id', '')} {element.get('class', '')}"
        if tag in ("h1", "h2", "h3") or (tag in ("div", "p", "td", "span") and _TITLE_HINT.search(names)):
            text = _squeeze(element.text_content())
            if 4 <= len(text) <= 120:
                candidates.append((element, text, tag))
    for element, text, _tag in candidates:
        if wanted and (text == wanted or (len(text) >= 8 and text in wanted)):
            return element
    for element, _text, tag in candidates:
        if tag == "h1" or "activity-name" in (element.get("id") or ""):
            return element
    return None


def _chrome_kind(owner: Any) -> str:
    for element in _ancestors(owner):
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in _CHROME_TAGS:
            return f"page chrome ({_CHROME_TAGS[tag]})"
        names = f"{element.get('id', '')} {element.get('class', '')}".strip()
        for what, hint in _CHROME_HINTS:
            if names and any(hint.search(name) for name in names.split()):
                return f"page chrome ({what})"
    return "page chrome"


def _is_wechat(root: Any) -> bool:
    return bool(root.xpath("//*[@id='js_content' or @id='activity-name']"))


# --- metadata -------------------------------------------------------------------------------------


_TITLE_PARTS = re.compile(r"\s*[_｜|]\s*|\s+[-—–]+\s+")
_SITE = re.compile(r"(?:人民政府|政府|政府网|门户网站|门户|网站|网|平台|频道|专栏|首页|公众号)$")


def without_site_name(title: str) -> str:
    """A page title without the site's name (``…报告_青屿区人民政府``, ``青屿区政府网 - …报告``)."""
    parts = [part for part in _TITLE_PARTS.split(title) if part.strip()]
    if len(parts) < 2:
        return title
    reports = [part for part in parts if "报告" in part]
    if reports:
        return max(reports, key=len)
    named = [part for part in parts if not (len(part) <= 24 and _SITE.search(part))]
    return named[0] if named else parts[0]


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _comment_meta(text: str) -> dict[str, str]:
    """What a browser's or SingleFile's comment at the top says: the page's URL, the day saved."""
    head = text[:4096]
    meta: dict[str, str] = {}
    found = _SAVED_FROM.search(head) or _SINGLEFILE_URL.search(head)
    if found:
        meta["url"] = found.group(1)
    saved = _SINGLEFILE_SAVED.search(head)
    if saved:
        month, day, year = saved.groups()
        with contextlib.suppress(ValueError):  # an impossible date is no date
            meta["saved"] = dt.date(int(year), _MONTHS.index(month) + 1, int(day)).isoformat()
    return meta


def _head_meta(root: Any, text: str) -> dict[str, str]:
    meta: dict[str, str] = {}

    def content(*names: str) -> str:
        for name in names:
            for attr in ("name", "property", "itemprop"):
                found = root.xpath(f"//meta[translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                                   f"'abcdefghijklmnopqrstuvwxyz')='{name}']/@content")  # fmt: skip
                if found and found[0].strip():
                    return " ".join(found[0].split())
        return ""

    canonical = root.xpath("//link[translate(@rel, 'CANOIL', 'canoil')='canonical']/@href")
    for url in [*(canonical[:1]), content("og:url"), content("url")]:
        url = (url or "").strip()
        if _URL.match(url):
            meta["url"] = url.replace("&amp;", "&")
            break
    title = content("articletitle", "og:title", "twitter:title")
    if not title:
        found = root.xpath("//title")
        title = " ".join(found[0].text_content().split()) if found else ""
    meta["title"] = without_site_name(title)
    published = content(
        "pubdate", "publishdate", "article:published_time", "og:release_date", "firstpublishedtime"
    )
    match = _DATE.search(published)
    if not match:
        wechat = _WECHAT_TIME.search(text)
        if wechat:
            day = dt.datetime.fromtimestamp(int(wechat.group(1)), tz=dt.timezone(dt.timedelta(hours=8)))
            meta["published"] = day.date().isoformat()
        else:
            shown = root.xpath("//*[@id='publish_time']")
            match = _DATE.search(shown[0].text_content()) if shown else None
    if match:
        with contextlib.suppress(ValueError):  # an impossible date is no date
            meta["published"] = dt.date(*(int(g) for g in match.groups())).isoformat()
    source = content("contentsource", "source")
    if not source and _is_wechat(root):
        name = root.xpath("//*[@id='js_name']")
        nick = " ".join(name[0].text_content().split()) if name else ""
        if not nick:
            found = _WECHAT_NICK.search(text)
            nick = found.group(1) if found else ""
        source = f"微信公众号“{nick}”" if nick else "微信公众号"
    meta["source"] = source
    return meta
