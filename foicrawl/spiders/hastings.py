"""Hastings Borough Council's own disclosure log.

Every year listing from 2016 to this year, and the category listings: a release listed in both is
one release, fetched once at its canonical date/?id= URL.
"""

from __future__ import annotations

from datetime import date

import scrapy

from foicrawl.parsers import hastings
from foicrawl.parsers.html_text import main_content, parse_html
from foicrawl.spiders.base import CouncilSpider

LISTING_PRIORITY = 10


class HastingsSpider(CouncilSpider):
    name = "hastings"
    first_year = 2016

    async def start(self):
        for year in range(date.today().year, self.first_year - 1, -1):
            yield scrapy.Request(self.url(f"{hastings.LOG_PATH}date/?year={year}"), callback=self.parse_listing,
                                 priority=LISTING_PRIORITY)  # fmt: skip
        yield scrapy.Request(self.url(f"{hastings.LOG_PATH}category/"), callback=self.parse_categories,
                             priority=LISTING_PRIORITY)  # fmt: skip

    def parse_categories(self, response):
        """The category index: each category's listing names releases the year pages also name."""
        root = main_content(parse_html(self.page_text(response)))
        for href in root.xpath(".//a/@href"):
            if "category=" in href:
                yield response.follow(href, callback=self.parse_listing, priority=LISTING_PRIORITY)

    def parse_listing(self, response):
        listing = self.listing_from(response, hastings.parse_listing)
        if listing is None:
            return
        self.crawler.stats.inc_value("foicrawl/listing_pages")
        for entry in listing.entries:
            yield scrapy.Request(entry.url, callback=self.parse_release)

    def parse_release(self, response):
        item = self.release_from(response, hastings.parse_release)
        if item is not None:
            yield item
