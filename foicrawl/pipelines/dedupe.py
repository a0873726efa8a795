"""Third pipeline: one item per (council, case reference) in a crawl.

A release reached under two URLs, or listed twice, is stored once; across crawls the store decides
whether a release is new, changed or unchanged.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from foicrawl.items import ReleaseItem
from foicrawl.pipelines import ReleaseStep

logger = logging.getLogger(__name__)


class DedupePipeline(ReleaseStep):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.seen: dict[tuple[str, str], str] = {}

    def process_release(self, item: ReleaseItem) -> ReleaseItem:
        key = (item.council, item.case_ref)
        if key in self.seen:
            self.crawler.stats.inc_value("foicrawl/duplicates")
            raise DropItem(f"{item.url}: {item.case_ref} already read from {self.seen[key]} in this crawl",
                           log_level="INFO")  # fmt: skip
        self.seen[key] = item.url
        return item
