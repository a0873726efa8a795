"""What every council spider shares: where to crawl, in which mode, and how a page becomes an item.

Two modes. `full` (the default) fetches everything its listings name, then asks again for every held
release they no longer name: a 404 or 410 marks it withdrawn, with the answer kept in the WARC.
`incremental` walks the listing only until it reaches releases already held, fetches the new ones,
and rechecks the most recent held releases with conditional requests.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable
from types import ModuleType

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from foicrawl.catalogue.releases import HeldRelease, held_releases
from foicrawl.catalogue.session import session_factory
from foicrawl.codings import page_bytes
from foicrawl.councils import council
from foicrawl.crawling.locks import CouncilBusy, take_council_lock
from foicrawl.crawling.process import MODES
from foicrawl.crawling.runs import settle_abandoned
from foicrawl.items import ReleaseGone, ReleaseItem, ReleaseNotModified
from foicrawl.parsers import PLATFORMS
from foicrawl.parsers.html_text import decode_html
from foicrawl.spiders.evidence import EvidenceFetching
from foicrawl.urls import normalise_origin, site_key
from foicrawl.warc.capture import CAPTURE_META

ALREADY_RUNNING = 75  # the exit code of a crawl that did not start because one is running (EX_TEMPFAIL)
GONE = (404, 410)
logger = logging.getLogger(__name__)


class CouncilSpider(EvidenceFetching, scrapy.Spider):
    """Base of every council spider; subclasses set `name` (the register's slug)."""

    def __init__(self, base_url: str | None = None, mode: str = "full", run_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.council = council(self.name)
        self.parser: ModuleType = PLATFORMS[self.council.platform]
        self.origin = normalise_origin(base_url or self.council.base_url or self.council.origin)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.run_id = run_id or uuid.uuid4().hex
        self.setup_evidence(kwargs.get("moderngov_url"), normalise_origin)  # -a moderngov_url=: its stand-in
        self.hold_council_lock()
        self.held: dict[str, HeldRelease] = {}
        self.requested: set[str] = set()
        self.swept = False

    def hold_council_lock(self) -> None:
        """One crawl of a council at a time. Holding the lock, whatever a dead crawl of this council
        left behind (a run marked running, a WARC file never closed) is settled first."""
        try:
            self.council_lock = take_council_lock(self.name)
        except CouncilBusy as busy:
            print(f"foicrawl: {busy}; not starting another.", file=sys.stderr)
            sys.exit(ALREADY_RUNNING)
        settle_abandoned(self.name, "the crawl process ended without closing (killed, or the machine stopped)")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        spider.recheck_count = crawler.settings.getint("FOICRAWL_RECHECK_COUNT")
        spider.configure_evidence(crawler.settings)
        return spider

    @property
    def incremental(self) -> bool:
        return self.mode == "incremental"

    def url(self, path: str) -> str:
        return self.origin + path

    def load_held(self) -> None:
        with session_factory()() as session:
            self.held = {site_key(h.url): h for h in held_releases(session, self.name)}

    def is_held(self, url: str) -> bool:
        return site_key(url) in self.held

    # The crawl
    async def start(self):
        self.load_held()
        for request in self.listing_requests():
            yield request
        if self.incremental:
            for request in self.recheck_requests():
                yield request

    def listing_requests(self):
        """The first listing pages to read; each spider says where its council lists releases."""
        raise NotImplementedError

    def releases_listed(self, listing):
        """Requests for the releases a listing names. An incremental crawl leaves out those it
        holds: the rechecks look at the recent ones."""
        for entry in listing.entries:
            if self.incremental and self.is_held(entry.url):
                continue
            if request := self.release_request(entry.url):
                yield request

    def release_request(self, url: str, **kwargs) -> scrapy.Request | None:
        """A request for a release page, or None when this crawl has asked for it already."""
        key = site_key(url)
        if key in self.requested:
            return None
        self.requested.add(key)
        meta = {"handle_httpstatus_list": [304, *GONE], **kwargs.pop("meta", {})}
        return scrapy.Request(self.url(key), callback=self.parse_release, meta=meta, **kwargs)

    def recheck_requests(self):
        """The most recent held releases, asked again with If-None-Match / If-Modified-Since."""
        recent = [h for h in self.held.values() if not h.withdrawn][: self.recheck_count]
        prior = getattr(self, "prior_captures", None)
        for held in recent:
            url = self.url(site_key(held.url))
            headers = prior.validators(url) if prior else {}
            request = self.release_request(url, headers=headers)
            if request is not None:
                self.crawler.stats.inc_value("foicrawl/rechecks")
                yield request

    def spider_idle(self) -> None:
        """At the end of a full sweep: held releases no listing named are asked for directly."""
        if self.incremental or self.swept:
            return
        self.swept = True
        unlisted = [h for key, h in self.held.items() if key not in self.requested and not h.withdrawn]
        if not unlisted:
            return
        logger.info("%d held releases were not listed: asking for each directly", len(unlisted))
        for held in unlisted:
            request = self.release_request(held.url)
            if request is not None:
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    # Pages
    def page_text(self, response) -> str:
        """The page as the archive's readers see it: a coding Scrapy could not undo (named, or left
        over by a server that compressed twice) goes through the same decoder as verify's."""
        body = page_bytes(response.body, b", ".join(response.headers.getlist("Content-Encoding")))
        return decode_html(body, response.headers.get("Content-Type"))

    def parse_release(self, response):
        held = self.held.get(site_key(response.url))
        capture = response.meta.get(CAPTURE_META)
        fetched_at = (capture or {}).get("fetched_at")
        if response.status == 304:
            if held:
                yield ReleaseNotModified(self.name, held.case_ref, response.url, fetched_at, capture)
        elif response.status in GONE:
            if held:
                yield ReleaseGone(self.name, held.case_ref, response.url, response.status, fetched_at, capture)
            else:
                logger.warning("Listed release %s answered %d", response.url, response.status)
                self.crawler.stats.inc_value("foicrawl/listed_but_gone")
        else:
            item = self.release_from(response, self.parser.parse_release)
            if item is not None:
                yield item
                yield from self.evidence_for(item, response)

    def release_from(self, response, parse: Callable[..., ReleaseItem]) -> ReleaseItem | None:
        """Parse a release page. A page the parser cannot read is logged and counted, and the
        crawl goes on; the page itself is already in the WARC."""
        try:
            item = parse(self.page_text(response), response.url, self.name)
        except Exception as error:  # noqa: BLE001 - a bad page must never stop the crawl
            logger.warning("Dropped %s: cannot parse the page (%s: %s)", response.url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/dropped/unparseable")
            return None
        item.capture = response.meta.get(CAPTURE_META)
        return item

    def listing_from(self, response, parse: Callable):
        try:
            listing = parse(self.page_text(response), response.url)
        except Exception as error:  # noqa: BLE001
            logger.warning("Skipped listing %s: cannot parse it (%s: %s)", response.url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/listing_errors")
            return None
        self.crawler.stats.inc_value("foicrawl/listing_pages")
        return listing
