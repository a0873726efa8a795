"""Browser traffic as WARC evidence: decoded bodies with their original encodings kept as x-orig-…
headers, digests over the stored bytes, revisits, resource records for what the crawler made; and a
real Chromium page with a cross-origin iframe captured whole."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime

from playwright.async_api import async_playwright
from warcio.archiveiterator import ArchiveIterator

from foicrawl.crawling.browser import launch_options
from foicrawl.replica.portal_pages import COUNCIL_PAGE_PATH, LOG_PATH
from foicrawl.replica.server import serving
from foicrawl.replica.sites import council_page_site, make_site
from foicrawl.warc.browser import BrowserExchange, PageCapture, Snapshot, stored_response_headers, write_page
from foicrawl.warc.prior import PriorCaptures
from foicrawl.warc.reader import read_record, sha1_digest
from foicrawl.warc.writer import RotatingWarcWriter

MOMENT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BODY = b'{"CaseId": "400001"}' * 20


def exchange(url: str, body: bytes | None = BODY, status: int | None = 200, **kwargs) -> BrowserExchange:
    headers = [("Content-Type", "application/json"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"),
               ("Content-Length", str(len(gzip.compress(body or b""))))]  # fmt: skip
    return BrowserExchange(url, "GET", "fetch", MOMENT, [("Accept", "*/*")], b"", status, "OK" if status else "",
                           headers if status else [], body, "127.0.0.1", **kwargs)  # fmt: skip


def records(directory) -> list:
    found = []
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                content = record.content_stream().read()
                found.append((record, iterator.get_record_offset(), content, path))
    return found


def test_stored_headers_describe_the_decoded_body():
    headers = stored_response_headers([("Content-Encoding", "br"), ("transfer-encoding", "chunked"), ("Content-Length", "10"),
                                       ("ETag", '"x"')], 42)  # fmt: skip
    assert headers == [("x-orig-Content-Encoding", "br"), ("x-orig-transfer-encoding", "chunked"), ("x-orig-Content-Length", "10"),
                       ("ETag", '"x"'), ("Content-Length", "42")]  # fmt: skip
    assert stored_response_headers([("Content-Length", "42")], 42) == [("Content-Length", "42")]


def test_a_page_is_written_together_as_pairs_with_digests_of_the_stored_bytes(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "foicrawl-test", {"software": "test"}, max_size=1)  # rotates at every chance
    prior = PriorCaptures(tmp_path)
    page = PageCapture("http://portal/cases?CaseId=1")
    page.exchanges = [
        exchange("http://portal/getcasedetails?CaseId=1"),
        exchange("http://portal/doc?ref=D1&access_token=a"),
        exchange("http://portal/doc?ref=D1&access_token=b"),  # the same bytes under a new token
        exchange("http://portal/favicon.ico", body=None, status=None, error="request failed: net::ERR_ABORTED"),
    ]
    page.snapshots = [Snapshot("urn:dom:http://portal/cases?CaseId=1", "text/html; charset=utf-8", b"<html>DOM</html>", MOMENT)]
    written = write_page(writer, prior, page)
    assert write_page(writer, prior, page) == []  # once only
    writer.close()

    assert len(writer.files_written) == 1  # one page, one file, even past the size limit
    found = records(tmp_path)
    kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r, *_ in found]
    assert kinds == [
        ("warcinfo", None),
        ("response", "http://portal/getcasedetails?CaseId=1"), ("request", "http://portal/getcasedetails?CaseId=1"),
        ("revisit", "http://portal/doc?ref=D1&access_token=a"), ("request", "http://portal/doc?ref=D1&access_token=a"),
        ("revisit", "http://portal/doc?ref=D1&access_token=b"), ("request", "http://portal/doc?ref=D1&access_token=b"),
        ("request", "http://portal/favicon.ico"), ("metadata", "http://portal/favicon.ico"),
        ("resource", "urn:dom:http://portal/cases?CaseId=1"),
    ]  # fmt: skip
    assert all(r.rec_headers.get_header("WARC-Page-ID") == page.page_id for r, *_ in found[1:])
    response, offset, payload, path = found[1]
    assert payload == BODY  # decoded, as the browser received it
    http = response.http_headers
    assert (http.get_header("x-orig-Content-Encoding"), http.get_header("x-orig-Transfer-Encoding")) == ("gzip", "chunked")
    assert http.get_header("Content-Encoding") is None and http.get_header("Transfer-Encoding") is None
    assert http.get_header("Content-Length") == str(len(BODY))
    assert response.rec_headers.get_header("WARC-Payload-Digest") == sha1_digest(BODY)
    checked = read_record(path, offset)
    assert checked.problems == [] and checked.payload == BODY
    # Identical bytes at another URL (a document under a new token) are a revisit of the first copy.
    revisit = found[3][0]
    assert revisit.rec_headers.get_header("WARC-Refers-To") == response.rec_headers.get_header("WARC-Record-ID")
    assert revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") == "http://portal/getcasedetails?CaseId=1"
    assert [c is None for _, c in written] == [False, False, False, True]
    assert b"fetch-error: request failed: net::ERR_ABORTED" in found[8][2]
    resource = found[9][0]
    assert resource.rec_headers.get_header("Content-Type") == "text/html; charset=utf-8" and found[9][2] == b"<html>DOM</html>"


def test_a_real_page_with_a_cross_origin_iframe_is_captured_whole(tmp_path):
    """The council page embeds the portal's log from another origin: the frame's script, its feed
    answer and the frame's own DOM are all kept; the main frame's DOM alone holds no case."""
    site = make_site("hertfordshire", size=25, seed=2)
    first_title = site.dataset.listed()[0].title
    shown = {}

    async def capture(url: str) -> PageCapture:
        page_capture = PageCapture(url)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_options())
            page = await browser.new_page()
            for event, handler in page_capture.handlers().items():
                page.on(event, handler)
            await page.goto(url)
            await page_capture.answered("/getcases")
            await page_capture.quiet()
            await page_capture.drain()
            await page_capture.snapshot(page)
            log = page.frames[1]  # the portal's log: 20 cases a page, the rest behind "Next" (no page URLs)
            shown["first"] = await log.locator("li.case").count()
            before = len(page_capture.exchanges)
            await log.get_by_role("button", name="Next").click()
            shown["next"] = await log.locator("li.case").all_inner_texts()
            await page_capture.quiet()
            shown["asked"] = [x.url for x in page_capture.exchanges[before:]]
            await page.close()
            await browser.close()
        return page_capture

    with serving(site) as portal, serving(council_page_site(site, portal.base_url)) as council:
        page = asyncio.run(capture(council.base_url + COUNCIL_PAGE_PATH))
    urls = [x.url for x in page.exchanges if x.received]
    assert urls[:2] == [council.base_url + COUNCIL_PAGE_PATH, portal.base_url + LOG_PATH]
    assert portal.base_url + "/portal/scripts/disclosure-log.js" in urls and portal.base_url + "/getcases?Format=json" in urls
    doms = {s.uri: s.data.decode() for s in page.snapshots if s.uri.startswith("urn:dom:")}
    assert set(doms) == {f"urn:dom:{council.base_url}{COUNCIL_PAGE_PATH}", f"urn:dom:{portal.base_url}{LOG_PATH}"}
    assert first_title not in doms[f"urn:dom:{council.base_url}{COUNCIL_PAGE_PATH}"]
    assert first_title in doms[f"urn:dom:{portal.base_url}{LOG_PATH}"]
    assert [s.content_type for s in page.snapshots if s.uri.startswith("urn:view:")] == ["image/jpeg"]
    assert shown["first"] == 20 and len(shown["next"]) == 5
    assert site.dataset.listed()[24].title in shown["next"][-1]
    assert shown["asked"] == []  # paging asked the portal nothing more
