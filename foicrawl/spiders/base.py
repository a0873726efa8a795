"""What every council spider shares: where to crawl, in which mode, and how a page becomes an item.

Two modes. `full` (the default) fetches everything its listings name, then, when the whole listing was
read, asks again for every held release it no longer names: a 404 or 410 marks it withdrawn, with the
answer kept in the WARC (the store refuses a mass withdrawal). `incremental` reads the listing until
it reaches a page of releases already held (each platform's spider says exactly where it stops),
fetches the new ones, and rechecks the most recent held releases with conditional requests.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable
from types import ModuleType

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from foicrawl.catalogue.releases import HeldRelease, held_releases
from foicrawl.catalogue.session import session_factory
from foicrawl.codings import page_bytes
from foicrawl.councils import council
from foicrawl.crawling.ledger import LEDGER_META, PageLedger, describe
from foicrawl.crawling.locks import CouncilBusy, take_council_lock
from foicrawl.crawling.process import MODES
from foicrawl.crawling.redirects import PAGE_KIND
from foicrawl.crawling.runs import settle_abandoned, urls_to_retry
from foicrawl.items import ReleaseGone, ReleaseItem, ReleaseNotModified
from foicrawl.parsers import PLATFORMS
from foicrawl.parsers.html_text import decode_html
from foicrawl.spiders.evidence import EvidenceFetching
from foicrawl.urls import normalise_origin, site_key
from foicrawl.warc.capture import CAPTURE_META

ALREADY_RUNNING = 75  # the exit code of a crawl that did not start because one is running (EX_TEMPFAIL)
GONE = (404, 410)
LISTING_PRIORITY = 10  # listing pages before releases: the sooner a walk ends, the less the listing shifts under it
logger = logging.getLogger(__name__)


def failure_reason(error: BaseException) -> str:
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, IgnoreRequest):
        return str(error) or "ignored"
    return f"{type(error).__name__}: {error}".rstrip(": ")


class CouncilSpider(EvidenceFetching, scrapy.Spider):
    """Base of every council spider; subclasses set `name` (the register's slug)."""

    archives = True  # a council crawl keeps WARC files and records its run (warc.capture.archives)

    def __init__(self, base_url: str | None = None, mode: str = "full", run_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.council = council(self.name)
        self.parser: ModuleType = PLATFORMS[self.council.platform]
        self.origin = normalise_origin(base_url or self.council.base_url or self.council.origin)
        self.own_hosts = self.council.own_hosts(self.origin)  # releases and listings come only from these
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.run_id = run_id or uuid.uuid4().hex
        self.setup_evidence(kwargs.get("moderngov_url"), normalise_origin)  # -a moderngov_url=: its stand-in
        self.hold_council_lock()
        self.held: dict[str, HeldRelease] = {}
        self.retry: list[str] = []
        self.requested: set[str] = set()
        self.swept = False
        self.ledger = PageLedger()  # what became of every listing and release page asked for

    def announced_total(self) -> int | None:
        """The number of releases the council's listing says it holds, where it says (progress lines)."""
        return None

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
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
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
            self.retry = urls_to_retry(session, self.name)

    def is_held(self, url: str) -> bool:
        """Whether the catalogue holds this release, live: a withdrawn one listed again is read again."""
        held = self.held.get(site_key(url))
        return held is not None and not held.withdrawn

    # The crawl
    async def start(self):
        self.load_held()
        for request in self.listing_requests():
            yield request
        for url in self.retry:  # what the last run could not read
            if request := self.release_request(url):
                self.crawler.stats.inc_value("foicrawl/retried_from_last_run")
                yield request
        if self.incremental:
            for request in self.recheck_requests():
                yield request

    def listing_requests(self):
        """The first listing pages to read; each spider says where its council lists releases."""
        raise NotImplementedError

    def listing_page_request(self, url: str, callback: Callable, group: object = None, **kwargs) -> scrapy.Request:
        """A request for a listing page (`group`: the walk it belongs to, for spiders that walk again)."""
        kwargs.setdefault("priority", LISTING_PRIORITY)
        return self.page_request("listing", url, callback, group, **kwargs)

    def page_request(self, kind: str, url: str, callback: Callable, group: object = None, **kwargs) -> scrapy.Request:
        """A council page: written in the ledger, marked for the redirect rules, failures to `page_failed`."""
        meta = {PAGE_KIND: kind, LEDGER_META: self.ledger.issue(kind, url, group), **kwargs.pop("meta", {})}
        return scrapy.Request(url, callback=callback, errback=self.page_failed, meta=meta, **kwargs)

    def page_failed(self, failure):
        """A council page that could not be read (retries exhausted, an error status, a redirect off
        the council's hosts or round in a loop): logged and noted; the crawl goes on."""
        request = failure.request
        reason = failure_reason(failure.value)
        page = self.ledger.failed(request.meta.get(LEDGER_META), reason)
        kind = page.kind if page else request.meta.get(PAGE_KIND, "page")
        logger.warning("Could not read %s page %s: %s", kind, request.url, reason)
        self.crawler.stats.inc_value(f"foicrawl/failed_pages/{kind}")
        if kind == "listing":
            yield from self.listing_failed(request, reason) or ()

    def request_dropped(self, request) -> None:
        """Scrapy's duplicate filter dropped a request: a page already asked for (redirects of council
        pages are never dropped: see crawling.redirects)."""
        if request.meta.get(PAGE_KIND):
            logger.debug("Not asking twice for %s", request.url)
            self.ledger.forget(request.meta.get(LEDGER_META))

    def listing_failed(self, request, reason: str):
        """A listing page could not be read; a spider may walk its listing again. Yields requests."""
        return ()

    def failed_pages(self) -> list:
        """Council pages asked for and not read (failed, or lost on the way)."""
        return self.ledger.not_read()

    def listing_problems(self) -> list[str]:
        """Why the listing was not read completely (empty when it was): every listing page asked for
        and not read."""
        return [describe(page) for page in self.ledger.problems("listing")]

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
        return self.page_request("release", self.url(key), self.parse_release, meta=meta, **kwargs)

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
        """At the end of a full sweep: held releases no listing named are asked for directly, once
        the whole listing was read."""
        if self.incremental or self.swept:
            return
        self.swept = True
        unlisted = [h for key, h in self.held.items() if key not in self.requested and not h.withdrawn]
        if not unlisted:
            return
        if self.listing_problems():  # what it did not name may be on the pages it could not read
            logger.warning("The listing was not read completely: not asking for the %d held releases no listing "
                           "named, so none is withdrawn this run", len(unlisted))  # fmt: skip
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
        """Parse a listing page. A page that cannot be parsed, or lists nothing where releases are
        expected (an error page served with 200), is noted as a problem of the listing."""
        try:
            listing = parse(self.page_text(response), response.url)
        except Exception as error:  # noqa: BLE001
            logger.warning("Skipped listing %s: cannot parse it (%s: %s)", response.url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/listing_errors")
            self.ledger.note(response.meta.get(LEDGER_META), f"could not be parsed ({type(error).__name__}: {error})")
            return None
        self.crawler.stats.inc_value("foicrawl/listing_pages")
        if not listing.entries and not self.listing_may_be_empty(listing, response):
            logger.warning("Listing page %s lists no releases: an error page served as a page?", response.url)
            self.ledger.note(response.meta.get(LEDGER_META), "lists no releases (an error page?)")
        return listing

    def listing_may_be_empty(self, listing, response) -> bool:
        """Whether this listing page may rightly list nothing: when it says so itself."""
        return listing.recognised and listing.total == 0
