"""Base spider for the hosted disclosure-log platform (<council>.disclosurelog.co.uk).

A council on the platform is a subclass with a `name` that is in the register. The listing is
walked page by page, newest first, by its own "Next" links until it ends. Pages shift as releases
are published during a crawl, so identity is the release URL, never its page; when the listing's
announced total exceeds what a walk saw (a release withdrawn mid-crawl pulls the rest up a place),
the walk is repeated, up to `max_passes`.
"""

from __future__ import annotations

import logging

import scrapy

from foicrawl.parsers import disclosurelog
from foicrawl.spiders.base import CouncilSpider

logger = logging.getLogger(__name__)
LISTING_PRIORITY = 10  # listing pages before releases: the sooner the walk ends, the less it shifts


class DisclosureLogSpider(CouncilSpider):
    listing_path = "/disclosures?page={page}&sortType=PUBLISHED_DATE_DESCENDING"
    max_passes = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen: set[str] = set()
        self.announced_total = 0

    async def start(self):
        yield self.listing_request(self.url(self.listing_path.format(page=1)), page=1, walk=1)

    def listing_request(self, url: str, page: int, walk: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, cb_kwargs={"page": page, "walk": walk},
                              priority=LISTING_PRIORITY, dont_filter=walk > 1)  # fmt: skip

    def parse_listing(self, response, page: int, walk: int):
        listing = self.listing_from(response, disclosurelog.parse_listing)
        if listing is None:
            return
        self.crawler.stats.inc_value("foicrawl/listing_pages")
        for entry in listing.entries:
            if entry.url not in self.seen:
                self.seen.add(entry.url)
                yield scrapy.Request(entry.url, callback=self.parse_release)
        if listing.total is not None:
            self.announced_total = listing.total
        complete = walk > 1 and len(self.seen) >= self.announced_total
        if listing.next_url and listing.entries and not complete:
            yield self.listing_request(listing.next_url, page + 1, walk)
        elif len(self.seen) < self.announced_total and walk < self.max_passes:
            logger.info("The listing announces %d releases but the walk saw %d: walking it again",
                        self.announced_total, len(self.seen))  # fmt: skip
            self.crawler.stats.inc_value("foicrawl/listing_rewalks")
            yield self.listing_request(self.url(self.listing_path.format(page=1)), 1, walk + 1)

    def parse_release(self, response):
        item = self.release_from(response, disclosurelog.parse_release)
        if item is not None:
            yield item
