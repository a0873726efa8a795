"""Base spider for councils whose disclosure log is an iCasework portal (<account>portal.icasework.com).

The portal's pages are shells that scripts fill in from the portal's feeds, so they are rendered in a
browser (and only they: robots.txt and the nightly feed request go through Scrapy as usual). A full
crawl renders the public log, whose `getcases` answer names every published case, then each case's
page. An incremental crawl asks the feed for the cases received in the last FOICRAWL_PORTAL_WINDOW_DAYS
instead of rendering the log, renders only the cases not held, and rechecks the most recent ones.

Fields come from the answers the page received, not from the DOM its scripts built. Those answers
are what the council's server sent: they are in the WARC as response records with payload digests, so
`verify` and `reindex` read exactly what the crawl read (through the same parser). Their element names
are iCasework's documented API, where the page's markup is unknown and changes with the portal's look;
and a page whose script breaks (it happens) still has its answers. The rendered DOM and a screenshot
are kept beside them as resource records, for people and for replay.

Documents are fetched in the page's own browser session, while its links' access tokens are fresh;
a link that has expired makes the spider ask the portal for the documents again, for fresh links. A
document's identity is its id (`D<n>`), not its URL.
"""

from __future__ import annotations

import logging

import scrapy

from foicrawl.catalogue.releases import source_entry
from foicrawl.crawling.browser import VISIT_META, PageTimeout, use_browser
from foicrawl.items import ReleaseGone
from foicrawl.parsers import icasework
from foicrawl.spiders.base import CouncilSpider
from foicrawl.urls import site_key
from foicrawl.warc.browser import PAGE_CAPTURE, PAGE_RECORDS

logger = logging.getLogger(__name__)
LISTING_PRIORITY = 10
PAGE_RETRIES = 2  # a page whose details call failed (5xx, no answer) is rendered again, this many times


class ICaseworkSpider(CouncilSpider):
    """A council on iCasework: a subclass with the register's `name`."""

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        use_browser(settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.window_days = crawler.settings.getint("FOICRAWL_PORTAL_WINDOW_DAYS")
        spider.document_attempts = crawler.settings.getint("FOICRAWL_PORTAL_DOCUMENT_ATTEMPTS")
        return spider

    # Requests
    def page_request(self, url: str, callback, visit: str, **kwargs) -> scrapy.Request:
        """A page for the browser; `visit` names the spider method that says when it has settled."""
        meta = {"playwright": True, VISIT_META: visit, **kwargs.pop("meta", {})}
        return scrapy.Request(url, callback=callback, errback=self.page_failed, meta=meta, **kwargs)

    def listing_requests(self):
        if self.incremental:
            yield scrapy.Request(self.url(f"{icasework.FEED}?Days={self.window_days}"), callback=self.parse_feed,
                                 priority=LISTING_PRIORITY)  # fmt: skip
        else:
            yield self.page_request(self.url(icasework.LOG_PATH), self.parse_log, "visit_log", priority=LISTING_PRIORITY)

    def release_request(self, url: str, attempt: int = 0, **kwargs) -> scrapy.Request | None:
        key = site_key(url)
        if key in self.requested and not attempt:
            return None
        self.requested.add(key)
        return self.page_request(self.url(key), self.parse_release, "visit_release", meta={"attempt": attempt},
                                 dont_filter=bool(attempt))  # fmt: skip

    def recheck_requests(self):
        """The most recent held releases, rendered again."""
        for held in [h for h in self.held.values() if not h.withdrawn][: self.recheck_count]:
            if (request := self.release_request(held.url)) is not None:
                self.crawler.stats.inc_value("foicrawl/rechecks")
                yield request

    # Visits: what a page must have received before it counts as settled (run inside the page)
    async def visit_log(self, page, capture) -> None:
        await capture.answered(icasework.FEED)

    async def visit_release(self, page, capture) -> None:
        """The case's details and documents answers; then each document, fetched at once in this
        session. A link that fails (its token expired) makes the spider ask for the documents
        answer again, for fresh links."""
        await capture.answered(icasework.DETAILS, icasework.DOCUMENTS)
        for attempt in range(self.document_attempts):
            missing = icasework.documents_to_fetch(self.received(capture))
            if not missing:
                return
            if attempt:
                await capture.fetch(page, capture.last_answer(icasework.DOCUMENTS).url)
                missing = icasework.documents_to_fetch(self.received(capture))
            for document in missing:
                await capture.fetch(page, document.url)

    @staticmethod
    def received(capture) -> list:
        return [x.for_parser() for x in capture.exchanges if x.received]

    # Pages
    def page_failed(self, failure):
        request = failure.request
        if failure.check(PageTimeout):
            logger.warning("Page never settled, skipped: %s (%s)", request.url, failure.value)
        else:
            logger.warning("Browser page failed: %s (%s: %s)", request.url, type(failure.value).__name__, failure.value)
            self.crawler.stats.inc_value("foicrawl/browser/failed_pages")

    def written(self, response) -> list[tuple]:
        """The page's exchanges that got a response, each with where it is in the WARC."""
        for error in response.meta[PAGE_CAPTURE].page_errors:
            logger.warning("Script error on %s: %s", response.url, error)
            self.crawler.stats.inc_value("foicrawl/browser/script_errors")
        return [(x, evidence) for x, evidence in response.meta.get(PAGE_RECORDS) or [] if evidence is not None]

    def parse_log(self, response):
        """The rendered log: its feed answer names every published case (the page shows them
        `max` at a time, paged by its script)."""
        answers = [x for x, _ in self.written(response) if icasework.path_of(x.url) == icasework.FEED and x.status == 200]
        if not answers:
            logger.warning("Skipped listing %s: the page got no answer from the case feed", response.url)
            self.crawler.stats.inc_value("foicrawl/listing_errors")
            return
        yield from self.read_listing(answers[-1].body, answers[-1].url)

    def parse_feed(self, response):
        yield from self.read_listing(response.body, response.url)

    def read_listing(self, body: bytes, url: str):
        try:
            listing = icasework.parse_listing(body, url)
        except Exception as error:  # noqa: BLE001 - an unreadable feed is logged, the crawl goes on
            logger.warning("Skipped listing %s: cannot parse it (%s: %s)", url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/listing_errors")
            return
        self.crawler.stats.inc_value("foicrawl/listing_pages")
        yield from self.releases_listed(listing)

    def parse_release(self, response):
        written = self.written(response)
        exchanges = [x.for_parser() for x, _ in written]
        details, documents = icasework.case_answers(exchanges)
        for name, answer in (("details", details), ("documents", documents)):
            if answer is None or answer.status >= 500:
                reason = f"answered {answer.status}" if answer else "got no answer"
                yield from self.render_again(response, f"the case's {name} call {reason}")
                return
        if details.status in icasework.NOT_PUBLISHED:
            yield from self.not_published(response, details.status, written)
            return
        try:
            item = self.parser.parse_release_exchanges(exchanges, self.name)
        except Exception as error:  # noqa: BLE001 - a bad answer must never stop the crawl
            logger.warning("Dropped %s: cannot read the case (%s: %s)", response.url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/dropped/unparseable")
            return
        roles = self.parser.evidence(exchanges)
        item.capture = {**written[roles[0][1]][1], "sources": [source_entry(role, written[n][1]) for role, n in roles]}
        if missing := [d.id for d in item.documents if d.sha256 is None]:
            logger.warning("Documents of %s could not be fetched: %s", response.url, ", ".join(missing))
            self.crawler.stats.inc_value("foicrawl/documents/not_fetched", len(missing))
        yield item
        yield from self.documents_as_evidence(item, written, exchanges, roles)

    def documents_as_evidence(self, item, written: list[tuple], exchanges: list, roles: list[tuple[str, int]]):
        """Each document fetched in the page's session, described (type, text) like any other
        evidence and linked to the release by its id."""
        for role, n in roles:
            if role != "document":
                continue
            browser_exchange, capture = written[n]
            key = icasework.document_ref(browser_exchange.url)
            headers = {name.lower(): value for name, value in browser_exchange.response_headers}
            yield self.evidence_from_body(key=key, url=icasework.without_token(browser_exchange.url),
                                          body=exchanges[n].body, status=exchanges[n].status, headers=headers,
                                          capture=capture, fetched_url=browser_exchange.url,
                                          cited_by=[item.case_ref])  # fmt: skip

    def render_again(self, response, reason: str):
        attempt = response.meta.get("attempt", 0)
        if attempt < PAGE_RETRIES:
            logger.info("Rendering %s again: %s", response.url, reason)
            yield self.release_request(response.url, attempt=attempt + 1)
        else:
            logger.warning("Dropped %s: %s, %d times", response.url, reason, attempt + 1)
            self.crawler.stats.inc_value("foicrawl/dropped/no_details")

    def not_published(self, response, status: int, written: list[tuple]):
        held = self.held.get(site_key(response.url))
        capture = next((e for x, e in reversed(written) if icasework.path_of(x.url) == icasework.DETAILS), None)
        if held:
            yield ReleaseGone(self.name, held.case_ref, response.url, status, capture and capture["fetched_at"], capture)
        else:
            logger.warning("Listed case %s is not published (its details call answered %d)", response.url, status)
            self.crawler.stats.inc_value("foicrawl/listed_but_gone")
