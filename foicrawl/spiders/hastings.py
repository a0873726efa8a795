"""Hastings Borough Council's own disclosure log.

A full crawl reads every year listing from 2016 to this year, and the category listings: a release
listed in both is one release, fetched once at its canonical date/?id= URL. An incremental crawl
reads this year's listing, and earlier years only until one names a release already held.
"""

from __future__ import annotations

from datetime import date

import scrapy

from foicrawl.parsers import hastings
from foicrawl.spiders.base import CouncilSpider

LISTING_PRIORITY = 10


class HastingsSpider(CouncilSpider):
    name = "hastings"
    first_year = 2016

    def listing_requests(self):
        years = [date.today().year] if self.incremental else range(date.today().year, self.first_year - 1, -1)
        for year in years:
            yield self.year_request(year)
        if not self.incremental:
            yield scrapy.Request(self.url(f"{hastings.LOG_PATH}category/"), callback=self.parse_categories,
                                 priority=LISTING_PRIORITY)  # fmt: skip

    def year_request(self, year: int) -> scrapy.Request:
        return scrapy.Request(self.url(f"{hastings.LOG_PATH}date/?year={year}"), callback=self.parse_listing,
                              cb_kwargs={"year": year}, priority=LISTING_PRIORITY)  # fmt: skip

    def parse_categories(self, response):
        """The category index: each category's listing names releases the year pages also name."""
        for url in hastings.category_urls(self.page_text(response), response.url):
            yield scrapy.Request(url, callback=self.parse_listing, priority=LISTING_PRIORITY)

    def parse_listing(self, response, year: int | None = None):
        listing = self.listing_from(response, hastings.parse_listing)
        if listing is None:
            return
        yield from self.releases_listed(listing)
        reached_held = any(self.is_held(entry.url) for entry in listing.entries)
        if self.incremental and not reached_held and year and year > self.first_year:
            yield self.year_request(year - 1)
