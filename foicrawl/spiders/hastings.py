"""Hastings Borough Council's own disclosure log.

A full crawl reads every year listing from 2016 to this year, and the category listings: a release
listed in both is one release, fetched once at its canonical date/?id= URL. An incremental crawl
reads every year listing too (they are few, and a release can be published with an earlier date)
and fetches only the releases it does not hold.
"""

from __future__ import annotations

from datetime import date

import scrapy

from foicrawl.parsers import hastings
from foicrawl.spiders.base import CouncilSpider


class HastingsSpider(CouncilSpider):
    name = "hastings"
    first_year = 2016

    def listing_requests(self):
        for year in range(date.today().year, self.first_year - 1, -1):
            yield self.year_request(year)
        if not self.incremental:
            yield self.listing_page_request(self.url(f"{hastings.LOG_PATH}category/"), self.parse_categories)

    def year_request(self, year: int) -> scrapy.Request:
        return self.listing_page_request(self.url(f"{hastings.LOG_PATH}date/?year={year}"), self.parse_listing,
                                         cb_kwargs={"year": year})  # fmt: skip

    def parse_categories(self, response):
        """The category index: each category's listing names releases the year pages also name."""
        for url in hastings.category_urls(self.page_text(response), response.url):
            yield self.listing_page_request(url, self.parse_listing)

    def listing_may_be_empty(self, listing, response) -> bool:
        """A year with no releases (this year's page in early January, a quiet year) still shows a
        year listing's own markup; an error page served with 200 does not."""
        return listing.recognised and response.cb_kwargs.get("year") is not None

    def parse_listing(self, response, year: int | None = None):
        listing = self.listing_from(response, hastings.parse_listing)
        if listing is not None:
            yield from self.releases_listed(listing)
