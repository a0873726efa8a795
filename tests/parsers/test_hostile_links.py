"""A link is a web address (http or https) whatever a page puts in its href: `javascript:` in any
case or spelling, `data:`, `vbscript:`, `mailto:` are never links, in release text, documents,
listings, next-page links or Hastings' category index."""

import pytest

from foicrawl.parsers import disclosurelog, hastings
from foicrawl.parsers.documents import documents_in
from foicrawl.parsers.html_text import link_url, links_in, parse_html

BASE = "https://councillors.herefordshire.gov.uk/foi/page"
# As they appear in the HTML source (attribute values, entities as written).
NOT_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "   javascript:alert(1)",
    "&#1;&#31; javascript:alert(1)",
    "\x01\x1fjavascript:alert(1)",
    "&#106;&#97;vascript:alert(1)",
    "&#x6A;avascript&#x3A;alert(1)",
    "javascript&colon;alert(1)",
    "java\tscript:alert(1)",
    "java&#9;script:alert(1)",
    "java&Tab;scr&NewLine;ipt:alert(1)",
    "jav\nascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
    "mailto:foi@example.org",
    "#top",
    "   ",
]
LINKS = {
    "/files/answer.pdf": "https://councillors.herefordshire.gov.uk/files/answer.pdf",
    "  other.pdf\n": "https://councillors.herefordshire.gov.uk/foi/other.pdf",
    "//cdn.example.org/a.pdf": "https://cdn.example.org/a.pdf",
    "HTTP://Example.org/x": "HTTP://Example.org/x",
    "ht\ttps://example.org/y": "https://example.org/y",
}


def anchors(hrefs) -> str:
    return "".join(f'<li><a href="{href}">link {n}</a></li>' for n, href in enumerate(hrefs))


@pytest.mark.parametrize("href", NOT_LINKS)
def test_no_script_or_other_scheme_is_a_link(href):
    root = parse_html(f"<html><body><p>{anchors([href])}</p></body></html>")
    assert links_in([root.find("body")], BASE) == []
    assert link_url(root.find(".//a").get("href"), BASE) is None


def test_web_links_are_kept_as_a_browser_reads_them():
    root = parse_html(f"<html><body><ul>{anchors(LINKS)}</ul></body></html>")
    assert [link["url"] for link in links_in([root.find("body")], BASE)] == list(LINKS.values())


def test_documents_list_only_web_links():
    root = parse_html(f"<html><body><ul>{anchors(NOT_LINKS)}<li><a href='/d/a.pdf'>Answer</a> (PDF, 2 KB)</li></ul></body></html>")
    [document] = documents_in([root.find("body")], BASE)
    assert (document.url, document.title, document.size) == ("https://councillors.herefordshire.gov.uk/d/a.pdf", "Answer", 2048)


def test_listings_take_only_web_links_to_releases():
    uuid = "0b8e7c57-1c4d-4bbf-9f0e-2c6f8d6a0b11"
    good = f"/disclosures/{uuid}"
    hostile = [f"javascript:location='{good}'", f"JaVaScRiPt&colon;//x/disclosures/{uuid}"]
    page = f"""<html><head><link rel="next" href="javascript:next()"></head><body><main>
      <p>Showing 1 of 1</p><ul>{anchors(hostile)}<li><a href="{good}">Good</a></li></ul>
      <a rel="next" href=" JavaScript:void(0)">Next</a></main></body></html>"""
    listing = disclosurelog.parse_listing(page, BASE)
    assert [entry.url for entry in listing.entries] == [f"https://councillors.herefordshire.gov.uk{good}"]
    assert listing.next_url is None


def test_hastings_listing_and_categories_take_only_web_links():
    base = "https://www.hastings.gov.uk/my-council/freedom-of-information/date/?year=2024"
    items = anchors(["javascript:x('?id=FOIR-1')", " JAVASCRIPT:?id=FOIR-2", "?id=FOIR-123456789"])
    page = f"<html><body><main><ul>{items}</ul></main></body></html>"
    listing = hastings.parse_listing(page, base)
    assert [hastings.release_ref(entry.url) for entry in listing.entries] == ["FOIR-123456789"]
    items = anchors(["javascript:go('?category=a')", "java\tscript:?category=b", "?category=planning", "?category=planning"])
    categories = f"<html><body><main><ul>{items}</ul></main></body></html>"
    assert hastings.category_urls(categories, base) == [
        "https://www.hastings.gov.uk/my-council/freedom-of-information/date/?category=planning"
    ]
