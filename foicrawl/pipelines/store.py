"""Last pipeline: releases into the catalogue, and the crawl's run record.

Each item is committed as it comes, so a crawl stopped halfway keeps what it stored.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from foicrawl.db.catalogue import record_release
from foicrawl.db.session import session_factory
from foicrawl.items import ReleaseItem

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.sessions = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.sessions = session_factory()

    def process_item(self, item: ReleaseItem) -> ReleaseItem:
        spider = self.crawler.spider
        # Seen when fetched: the WARC record's date, so a catalogue rebuilt from the archive agrees.
        fetched_at = (item.capture or {}).get("fetched_at")
        seen_at = datetime.fromisoformat(fetched_at) if fetched_at else datetime.now(timezone.utc)
        with self.sessions.begin() as session:
            outcome = record_release(session, item.to_dict(), seen_at, spider.run_id)
        self.crawler.stats.inc_value(f"foicrawl/releases/{outcome}")
        return item
