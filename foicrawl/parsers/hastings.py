"""Pages of Hastings Borough Council's own disclosure log (www.hastings.gov.uk).

Pure functions: a page's bytes and URL in, records out. No requests, no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from foicrawl.items import ListingEntry, ListingPage, ReleaseItem
from foicrawl.parsers.html_text import (
    HEADING_TAGS,
    Labels,
    block_text,
    element_text,
    find_heading,
    is_heading,
    label_key,
    link_url,
    links_in,
    main_content,
    parse_html,
    section_after,
    squash,
)

LOG_PATH = "/my-council/freedom-of-information/"
# "FOI request (FOIR-395819655)": the reference is what the heading shows in brackets.
_REF_IN_HEADING = re.compile(r"\(\s*([A-Za-z]{2,6}[-/ ]?[0-9][0-9A-Za-z/-]*)\s*\)")
DATE_LABELS = ("Requested", "Responded")
SECTION_LABELS = {"request", "response"}
_SIDE_BLOCK = re.compile(r"^(The content on this page is the responsibility|Contact us if you have a question)", re.I)

# Raise when a change makes this parser read any page's fields differently (see parsers/__init__).
PARSER_VERSION = 1


def release_ref(url: str) -> str | None:
    """The `id` a release URL carries (date/?id=REF or category/?id=REF)."""
    values = parse_qs(urlsplit(url).query).get("id")
    return values[0].strip() if values else None


def is_release_url(url: str) -> bool:
    path = urlsplit(url).path
    return release_ref(url) is not None and path in (f"{LOG_PATH}date/", f"{LOG_PATH}category/")


def canonical_release_url(url: str) -> str:
    """A release is reachable under date/ and category/; its canonical URL is the date/ one."""
    parts = urlsplit(url)
    ref = release_ref(url)
    if ref is None or not parts.path.startswith(LOG_PATH):
        return url
    return f"{parts.scheme}://{parts.netloc}{LOG_PATH}date/?id={ref}"


def _case_ref(main, labels: Labels) -> str | None:
    h1 = main.find(".//h1")
    if h1 is not None:
        match = _REF_IN_HEADING.search(element_text(h1))
        if match:
            return match[1]
    return labels.value("Case reference") or labels.value("Reference")


def _title(main) -> str | None:
    """The first heading after the h1 that is not a section heading."""
    h1 = main.find(".//h1")
    after_h1 = h1 is None
    for el in main.iter(*HEADING_TAGS):
        if el is h1:
            after_h1 = True
            continue
        if after_h1 and label_key(el.text_content()) not in SECTION_LABELS:
            return element_text(el) or None
    return None


def _is_preamble(el) -> bool:
    """Headings and the date lines that come before the request text."""
    if is_heading(el) or el.xpath(".//h1|.//h2|.//h3|.//h4"):
        return True
    text = element_text(el)
    return any(text.startswith(label) for label in DATE_LABELS)


def _request_elements(main) -> list | None:
    explicit = section_after(main, "Request")
    if explicit is not None:
        return explicit
    heading = find_heading(main, "Response")
    if heading is None:
        return None
    anchor = heading
    while anchor.getprevious() is None and anchor.getparent() is not None and anchor.getparent() is not main:
        anchor = anchor.getparent()
    request = []
    for sib in anchor.itersiblings(preceding=True):
        if not isinstance(sib.tag, str):
            continue
        if _is_preamble(sib):
            break
        request.append(sib)
    return list(reversed(request))


def _response_elements(main) -> list | None:
    section = section_after(main, "Response")
    if section is None:
        return None
    kept = []
    for el in section:
        if _SIDE_BLOCK.match(element_text(el)):
            break
        kept.append(el)
    return kept


def parse_release(body: bytes | str, url: str, council: str = "hastings") -> ReleaseItem:
    """A release page: h1 "FOI request (REF)", the title, "Requested" and "Responded" dates, the
    request text, a "Response" heading and the response text."""
    root = parse_html(body)
    main = main_content(root)
    request = _request_elements(main)
    response = _response_elements(main)
    labels = Labels(main)
    return ReleaseItem(
        council=council,
        url=url,
        case_ref=_case_ref(main, labels),
        title=_title(main),
        requested_on=labels.value("Requested"),
        responded_on=labels.value("Responded"),
        request_text=block_text(request) or None if request is not None else None,
        response_text=block_text(response) or None if response is not None else None,
        response_links=links_in(response or [], url),
        request_links=links_in(request or [], url),
    )


def parse_listing(body: bytes | str, url: str) -> ListingPage:
    """A year (or category) listing: links with `?id=REF`, titled by their title attribute."""
    root = parse_html(body)
    listed = root.xpath("//*[@id='FoiList']")
    scope = listed or [main_content(root)]
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for anchor in scope[0].iter("a"):
        absolute = link_url(anchor.get("href"), url)
        if not absolute or release_ref(absolute) is None:
            continue
        canonical = canonical_release_url(absolute)
        if canonical in seen:
            continue
        seen.add(canonical)
        title = squash(anchor.get("title")) or element_text(anchor) or None
        holder = next((a for a in anchor.iterancestors() if a.tag in ("li", "tr")), anchor.getparent())
        beside = squash(element_text(holder).replace(element_text(anchor), "", 1)) if holder is not None else ""
        entries.append(ListingEntry(url=canonical, title=title, date_text=beside or None))
    return ListingPage(entries=entries, recognised=bool(listed or entries))


def category_urls(body: bytes | str, url: str) -> list[str]:
    """The category index: the web address of each category's listing (`?category=`), in page order."""
    found = []
    for anchor in main_content(parse_html(body)).iter("a"):
        href = link_url(anchor.get("href"), url)
        if href and "category" in parse_qs(urlsplit(href).query) and href not in found:
            found.append(href)
    return found
