"""Helpers shared by the platform parsers: page text as a reader sees it, found by its labels.

Parsers key on visible labels and headings ("Case reference", "Request", "Response"), never on
CSS classes, because the real markup differs from any copy we have and changes without notice.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html
from lxml.html import HtmlElement

# Raise when a change to these helpers, documents.py, dates.py or pipelines/normalise.py makes any
# page's fields read differently: every platform's extraction version includes it.
TEXT_HELPERS_VERSION = 1
INVISIBLE_TAGS = {"script", "style", "noscript", "template"}
# Page furniture that never belongs to a release's text.
SKIPPED_TAGS = INVISIBLE_TAGS | {"form", "nav", "aside", "footer", "button"}
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "address", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
    "thead", "tbody", "tfoot", "caption", "hr",
}  # fmt: skip
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")


_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.I)


def parse_html(body: bytes | str) -> HtmlElement:
    """Parse a page; bytes are decoded by lxml from the page's own declaration. An XHTML page's XML
    declaration is dropped from decoded text (lxml refuses text that still names an encoding)."""
    if isinstance(body, str):
        body = _XML_DECLARATION.sub("", body, count=1)
    return lxml_html.document_fromstring(body)


def squash(text: str | None) -> str:
    """Collapse runs of whitespace (no-break spaces too) to one space and strip."""
    return _SPACES.sub(" ", text or "").strip()


def element_text(el: HtmlElement) -> str:
    """The element's visible text on one line (scripts and styles left out)."""
    if tag(el) in INVISIBLE_TAGS:
        return ""
    parts = [el.text or ""]
    for child in el:
        parts.append(element_text(child) if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return squash(" ".join(parts)) if any(tag(c) in BLOCK_TAGS for c in el) else squash("".join(parts))


def main_content(root: HtmlElement) -> HtmlElement:
    """The page's main region (<main>, role=main, #content), else the body."""
    for path in ("//main", "//*[@role='main']", "//*[@id='main-content']", "//*[@id='content']"):
        found = root.xpath(path)
        if found:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


def tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def is_heading(el) -> bool:
    return tag(el) in HEADING_TAGS


class _Blocks:
    """Collects text as lines; a block element starts a new paragraph, <br> a new line."""

    def __init__(self) -> None:
        self.paragraphs: list[list[str]] = []
        self.line: list[str] = []
        self.lines: list[str] = []

    def add(self, text: str) -> None:
        if text:
            self.line.append(text)

    def newline(self) -> None:
        text = squash("".join(self.line))
        if text:
            self.lines.append(text)
        self.line = []

    def paragraph(self) -> None:
        self.newline()
        if self.lines:
            self.paragraphs.append(self.lines)
        self.lines = []

    def text(self) -> str:
        self.paragraph()
        return "\n\n".join("\n".join(lines) for lines in self.paragraphs)


def _walk(el, out: _Blocks, list_item_prefix: str | None = None) -> None:
    name = tag(el)
    if name in SKIPPED_TAGS or not name:
        return  # the caller adds the tail
    block = name in BLOCK_TAGS
    if name in ("li", "tr"):
        out.newline()
    elif name in ("td", "th"):
        if out.line:
            out.add(" | ")
    elif block:
        out.paragraph()
    if name == "br":
        out.newline()
    if list_item_prefix:
        out.add(list_item_prefix)
    out.add(el.text or "")
    number = 0
    for child in el:
        if tag(child) == "li":
            number += 1
            prefix = f"{number}. " if name == "ol" else "- "
            _walk(child, out, prefix)
        else:
            _walk(child, out)
        out.add(child.tail or "")
    if name in ("ol", "ul", "table"):
        out.paragraph()
    elif name in ("li", "tr", "dt", "dd"):
        out.newline()
    elif block:
        out.paragraph()


def block_text(elements) -> str:
    """Text of a run of elements as plain text a reader would copy.

    Paragraphs are separated by a blank line; list items and <br> start a new line; items of an
    ordered list are numbered "1. ", of an unordered list "- "; table cells are joined by " | ".
    """
    out = _Blocks()
    for el in elements:
        if isinstance(el, str):
            out.add(el)
        else:
            _walk(el, out)
            out.add(el.tail or "")
    return out.text()


LINK_SCHEMES = ("http", "https")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def link_url(href: str | None, base_url: str) -> str | None:
    """The absolute web address an href points at, read as a browser reads it (leading and trailing
    spaces and control characters dropped, tabs and newlines inside removed, entities already
    decoded by the parser); None unless it is http(s). So `JaVaScRiPt:`, ` java&#9;script:`,
    `data:`, `mailto:` and a bare `#fragment` are never links, however they are spelled."""
    cleaned = _TAB_OR_NEWLINE.sub("", href or "").strip(_C0_OR_SPACE)
    if not cleaned or cleaned.startswith("#"):
        return None
    absolute = urljoin(base_url, cleaned)
    try:
        scheme = urlsplit(absolute).scheme
    except ValueError:  # e.g. a malformed IPv6 host: not an address anyone can follow
        return None
    return absolute if scheme in LINK_SCHEMES else None


def links_in(elements, base_url: str) -> list[dict]:
    """Every web link in a run of elements, in reading order: absolute URL and link text."""
    found = []
    for el in elements:
        if isinstance(el, str) or tag(el) in SKIPPED_TAGS:
            continue
        anchors = [el] if tag(el) == "a" else el.iter("a")
        for a in anchors:
            url = link_url(a.get("href"), base_url)
            if url:
                found.append({"url": url, "text": element_text(a)})
    return found


def label_key(text: str) -> str:
    """Text reduced for comparing with a label: lower case, no trailing colon."""
    return squash(text).rstrip(":").strip().lower()


def find_heading(root: HtmlElement, label: str) -> HtmlElement | None:
    """The first heading whose whole text is the label (case and a trailing colon ignored)."""
    wanted = label_key(label)
    for el in root.iter(*HEADING_TAGS):
        if label_key(el.text_content()) == wanted:
            return el
    return None


def heading_level(el) -> int:
    return int(tag(el)[1]) if is_heading(el) else 0


def _section_siblings(start: HtmlElement, level: int):
    """Yield the siblings after `start` up to a heading of the same or a higher level."""
    for sib in start.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if is_heading(sib) and heading_level(sib) <= level:
            return
        yield sib


def section_after(root: HtmlElement, label: str) -> list[HtmlElement] | None:
    """The content under a heading such as "Request": its following siblings up to the next
    heading. Where the heading sits alone in a wrapper (a <header> or <div> around the <h2>), the
    wrapper's siblings are the content. None when the page has no such heading."""
    heading = find_heading(root, label)
    if heading is None:
        return None
    anchor = heading
    while True:
        content = list(_section_siblings(anchor, heading_level(heading)))
        parent = anchor.getparent()
        if content or parent is None or tag(parent) in ("body", "main", "article"):
            return content
        anchor = parent


def _starts_with_label(text: str, label: str) -> bool:
    key = label.lower()
    low = text.lower()
    return low.startswith(key) and (len(low) == len(key) or not low[len(key)].isalnum())


def _after_label(text: str, label: str) -> str:
    return text[len(label):].lstrip(" :\u2013-").strip()


class Labels:
    """Values a part of a page shows beside labels ("Case reference FOI2022/00092").

    The visible text of every element is built once, bottom-up (the same text as element_text), so
    looking up several labels costs one pass over the page, not one text build per element and label.
    Handles the label and value in one element (<p>Case reference <b>X</b></p>), a label element
    followed by its value (<dt>/<dd>, <th>/<td>, <span>/<span>), and a trailing colon.
    """

    def __init__(self, root: HtmlElement):
        self.texts: dict[HtmlElement, str] = {}
        self._fill(root)
        furniture = tag(root) in SKIPPED_TAGS or any(tag(a) in SKIPPED_TAGS for a in root.iterancestors())
        self.readable = [] if furniture else list(self._readable(root))

    def _fill(self, el: HtmlElement) -> str:
        if tag(el) in INVISIBLE_TAGS:
            text = ""
        else:
            parts, block = [el.text or ""], False
            for child in el:
                if isinstance(child.tag, str):
                    parts.append(self._fill(child))
                    block = block or tag(child) in BLOCK_TAGS
                parts.append(child.tail or "")
            text = squash(" ".join(parts) if block else "".join(parts))
        self.texts[el] = text
        return text

    def _readable(self, el: HtmlElement):
        """Elements in document order, page furniture (nav, forms, footers...) and what it holds left out."""
        yield el
        for child in el:
            if isinstance(child.tag, str) and tag(child) not in SKIPPED_TAGS:
                yield from self._readable(child)

    def text(self, el: HtmlElement) -> str:
        return self.texts[el] if el in self.texts else element_text(el)

    def value(self, label: str) -> str | None:
        for el in self.readable:
            if not _starts_with_label(self.texts[el], label):
                continue
            # Descend to the smallest element that still starts with the label.
            deepest = el
            while True:
                child = next((c for c in deepest if isinstance(c.tag, str)
                              and _starts_with_label(self.texts[c], label)), None)  # fmt: skip
                if child is None:
                    break
                deepest = child
            for candidate in (deepest, *deepest.iterancestors()):
                value = _after_label(self.text(candidate), label)
                if value:
                    return value
                following = candidate.getnext()
                while following is not None and not isinstance(following.tag, str):
                    following = following.getnext()
                if following is not None:
                    return self.text(following) or None
                if candidate is el:
                    break
            return None
        return None


def labelled_value(root: HtmlElement, label: str) -> str | None:
    """The value beside one label (see Labels; build one Labels to look up several)."""
    return Labels(root).value(label)


def decode_html(body: bytes, content_type: str | bytes | None = None) -> str:
    """A page's text, decoded as Scrapy decodes it (HTTP charset, then the page's own declaration,
    then a guess), so that a crawl and a re-parse of the archived bytes read the same text."""
    from w3lib.encoding import html_to_unicode

    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    _, text = html_to_unicode(content_type, body)
    return text
