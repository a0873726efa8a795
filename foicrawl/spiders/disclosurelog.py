"""Base spider for the hosted disclosure-log platform (<council>.disclosurelog.co.uk).

A council on the platform is a subclass with a `name` that is in the register. In a full crawl the
listing is walked page by page, newest first, by its own "Next" links until it ends. Pages shift as releases
are published during a crawl, so identity is the release URL, never its page; when the listing's
announced total changes during a walk (a release withdrawn mid-crawl pulls the rest up a place and
one can slip past), or exceeds what the walk saw,
the walk is repeated, up to `max_walks` times. An incremental crawl reads on while a page names a
release it does not hold, or while the listing's announced total says more are new than it found
(a release published with an earlier date sits deep in the listing); it stops at a page of held
releases only.
"""

from __future__ import annotations

import logging

import scrapy

from foicrawl.crawling.ledger import describe
from foicrawl.parsers import disclosurelog
from foicrawl.spiders.base import CouncilSpider

logger = logging.getLogger(__name__)


class DisclosureLogSpider(CouncilSpider):
    listing_path = "/disclosures?page={page}&sortType=PUBLISHED_DATE_DESCENDING"
    max_walks = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen: set[str] = set()
        self.totals: dict[int, list[int]] = {}  # the total each page of each walk announced
        self.new_listed = 0  # releases an incremental walk found that the catalogue does not hold

    def listing_requests(self):
        yield self.listing_request(self.first_page(), page=1, walk=1)

    def first_page(self) -> str:
        return self.url(self.listing_path.format(page=1))

    def listing_request(self, url: str, page: int, walk: int) -> scrapy.Request:
        return self.listing_page_request(url, self.parse_listing, group=walk, cb_kwargs={"page": page, "walk": walk},
                                         dont_filter=walk > 1)  # fmt: skip

    def parse_listing(self, response, page: int, walk: int):
        listing = self.listing_from(response, disclosurelog.parse_listing)
        if listing is None:
            yield from self.walk_ended(walk)
            return
        self.seen.update(entry.url for entry in listing.entries)
        if listing.total is not None:
            self.totals.setdefault(walk, []).append(listing.total)
        yield from self.releases_listed(listing)
        if self.incremental:
            if listing.next_url and listing.entries and self.more_may_be_new(listing):
                yield self.listing_request(listing.next_url, page + 1, walk)
            return
        if listing.next_url and listing.entries:
            yield self.listing_request(listing.next_url, page + 1, walk)
        else:
            yield from self.walk_ended(walk)

    def more_may_be_new(self, listing) -> bool:
        """Whether an incremental walk reads the next page: while this one names a release not
        held (new ones share dates with held ones, and interleave with them), or while the announced
        total says more are new than found so far (a backdated release)."""
        new_here = sum(1 for entry in listing.entries if not self.is_held(entry.url))
        self.new_listed += new_here
        if new_here:
            return True
        if listing.total is None:
            return False
        expected = listing.total - sum(1 for h in self.held.values() if not h.withdrawn)
        if self.new_listed < expected:
            logger.info("The listing announces %d releases, %d more than held, and %d new were found so far: "
                        "reading on", listing.total, expected, self.new_listed)  # fmt: skip
            return True
        return False

    def walk_ended(self, walk: int):
        """A full walk ended, at its last page or at a page it could not read: walk again while
        pages were lost or moved under it, up to `max_walks` times."""
        if self.incremental or walk >= self.max_walks:
            return
        lost = self.ledger.problems("listing", walk, any_group=False)
        if lost:
            logger.info("Walk %d of the listing lost %d page(s): walking it again", walk, len(lost))
        if lost or self.listing_shifted(walk):
            self.crawler.stats.inc_value("foicrawl/listing_rewalks")
            yield self.listing_request(self.first_page(), 1, walk + 1)

    def listing_failed(self, request, reason: str):
        return self.walk_ended(request.cb_kwargs["walk"])

    def last_walk(self) -> int | None:
        return max((p.group for p in self.ledger.pages.values() if p.kind == "listing"), default=None)

    def failed_pages(self) -> list:
        """Listing pages of an earlier walk were read again by the next one."""
        last = self.last_walk()
        return [p for p in super().failed_pages() if p.kind != "listing" or p.group == last]

    def announced_total(self) -> int | None:
        """The number of releases the listing last said it holds."""
        return next((t[-1] for _, t in sorted(self.totals.items(), reverse=True) if t), None)

    def listing_problems(self) -> list[str]:
        """The last walk's: an earlier one that lost a page was walked again. After a full walk, a
        listing that named fewer releases than it announces was not read completely either."""
        last = self.last_walk()
        if last is None:
            return []
        problems = [describe(page) for page in self.ledger.problems("listing", last, any_group=False)]
        announced = self.announced_total()
        if not self.incremental and announced is not None and len(self.seen) < announced:
            problems.append(f"the listing announces {announced} releases; {len(self.seen)} were listed after "
                            f"{last} walk{'s' if last > 1 else ''}")  # fmt: skip
        return problems

    def listing_shifted(self, walk: int) -> bool:
        """Whether releases came or went during this walk (so pages moved under it), or the walk
        saw fewer releases than the listing announces."""
        totals = self.totals.get(walk, [])
        if not totals:
            return False
        shifted = len(set(totals)) > 1 or len(self.seen) < totals[-1]
        if shifted:
            logger.info("The listing changed during walk %d (totals %d to %d, %d releases seen): walking it again",
                        walk, totals[0], totals[-1], len(self.seen))  # fmt: skip
        return shifted
