"""Pages of the hosted disclosure-log platform (herefordshire.disclosurelog.co.uk and others).

Pure functions: a page's bytes and URL in, records out. No requests, no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from foicrawl.items import ListingEntry, ListingPage, ReleaseItem
from foicrawl.parsers.documents import documents_in
from foicrawl.parsers.html_text import (
    Labels,
    block_text,
    element_text,
    labelled_value,
    link_url,
    links_in,
    main_content,
    parse_html,
    section_after,
    squash,
)

RELEASE_PATH = re.compile(r"^/disclosures/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/?$")
_COUNT = re.compile(r"([\d,]+)\s+disclosures?\b", re.I)
# The platform's closing paragraph, after the last section, names the council: not release text.
_TRAILER = re.compile(r"^This is .{0,120}response to a freedom of information", re.I)
_NO_DOCUMENTS = re.compile(r"there are no documents", re.I)

# Raise when a change makes this parser read any page's fields differently (see parsers/__init__).
PARSER_VERSION = 1


def is_release_url(url: str) -> bool:
    return bool(RELEASE_PATH.match(urlsplit(url).path))


def _without_trailer(elements) -> list:
    kept = []
    for el in elements:
        if _TRAILER.match(element_text(el)):
            break
        kept.append(el)
    return kept


def parse_release(body: bytes | str, url: str, council: str) -> ReleaseItem:
    """A release page: title (h1), "Case reference", "Published", then Request, Response and
    Documents sections. Missing parts come out as None, for the pipelines to judge."""
    root = parse_html(body)
    main = main_content(root)
    h1 = main.find(".//h1")
    if h1 is None:
        h1 = root.find(".//h1")
    request = section_after(main, "Request")
    response = _without_trailer(section_after(main, "Response") or [])
    documents = _without_trailer(section_after(main, "Documents") or [])
    has_documents = documents and not _NO_DOCUMENTS.search(block_text(documents))
    labels = Labels(main)
    return ReleaseItem(
        council=council,
        url=url,
        case_ref=labels.value("Case reference"),
        title=element_text(h1) or None if h1 is not None else None,
        published_on=labels.value("Published"),
        request_text=block_text(request) if request is not None else None,
        response_text=block_text(response) if response else None,
        response_links=links_in(response, url),
        request_links=links_in(request or [], url),
        documents=documents_in(documents, url) if has_documents else [],
    )


def parse_listing(body: bytes | str, url: str) -> ListingPage:
    """A listing page: links to releases (their text is the start of the request), each with
    "Published: <date>", the announced total, and the link to the next page if there is one."""
    root = parse_html(body)
    main = main_content(root)
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for anchor in main.iter("a"):
        href = link_url(anchor.get("href"), url)
        if not href or not is_release_url(href) or href in seen:
            continue
        seen.add(href)
        holder = next((a for a in anchor.iterancestors() if a.tag in ("li", "tr", "article", "div")), None)
        date_text = labelled_value(holder, "Published") if holder is not None else None
        entries.append(ListingEntry(url=href, title=element_text(anchor) or None, date_text=date_text))
    count = _COUNT.search(squash(main.text_content()))
    total = int(count[1].replace(",", "")) if count else None
    return ListingPage(entries=entries, next_url=_next_page(root, url), total=total,
                       recognised=bool(entries) or total is not None)  # fmt: skip


def _next_page(root, url: str) -> str | None:
    for anchor in root.iter("a"):
        rel = (anchor.get("rel") or "").lower().split()
        if "next" in rel or element_text(anchor).lower().startswith("next"):
            href = link_url(anchor.get("href"), url)
            if href:
                return href
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "next" and link_url(link.get("href"), url):
            return link_url(link.get("href"), url)
    return None
