"""The item pipelines, in order: normalise -> validate -> dedupe -> store -> evidence."""

from __future__ import annotations

from foicrawl.items import ReleaseItem
from foicrawl.pipelines.batch import batch_for


class CatalogueStep:
    """A pipeline step that writes to the catalogue, in its crawl's batch (see pipelines.batch)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.batch = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.batch = batch_for(self.crawler)
        self.batch.start_timer()

    def close_spider(self) -> None:
        self.batch.close()


class ReleaseStep:
    """A pipeline step that works on releases; markers (not modified, gone) pass straight through
    to the store."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        return self.process_release(item) if isinstance(item, ReleaseItem) else item

    def process_release(self, item: ReleaseItem) -> ReleaseItem:
        raise NotImplementedError
