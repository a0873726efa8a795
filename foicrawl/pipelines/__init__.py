"""The item pipelines, in order: normalise -> validate -> dedupe -> store -> evidence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

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

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A catalogue transaction whose commit waits for the WARC bytes to be durable: the
        archive's ordering rule (the records a commit points at are fsync'd before it). Batching
        commits keeps it for free: one sync before each batch's commit."""
        with self.sessions() as session:
            yield session
            writer = getattr(self.crawler.spider, "warc_writer", None)
            if writer is not None:
                writer.sync()
            session.commit()


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
