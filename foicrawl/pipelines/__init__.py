"""The item pipelines, in order: normalise -> validate -> dedupe -> store -> evidence."""

from __future__ import annotations

from foicrawl.catalogue.session import session_factory
from foicrawl.items import ReleaseItem


class CatalogueStep:
    """A pipeline step that writes to the catalogue, one transaction an item."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.sessions = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.sessions = session_factory()


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
