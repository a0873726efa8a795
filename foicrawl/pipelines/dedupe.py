"""Third pipeline: one item per (council, case reference) in a crawl.

A release reached under two URLs, or listed twice, is stored once; across crawls the store decides
whether a release is new, changed or unchanged.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from foicrawl.items import ReleaseItem

logger = logging.getLogger(__name__)


class DedupePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.seen: dict[tuple[str, str], str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: ReleaseItem) -> ReleaseItem:
        if not isinstance(item, ReleaseItem):
            return item  # markers (not modified, gone) go straight to the store
        key = (item.council, item.case_ref)
        if key in self.seen:
            self.crawler.stats.inc_value("foicrawl/duplicates")
            raise DropItem(f"{item.url}: {item.case_ref} already read from {self.seen[key]} in this crawl",
                           log_level="INFO")  # fmt: skip
        self.seen[key] = item.url
        return item
