"""Last pipeline: releases into the catalogue, and the crawl's run record.

Each item is committed as it comes, so a crawl stopped halfway keeps what it stored. Every commit
goes through `transaction()`, which keeps the archive's ordering rule: the WARC records a commit
points at are on disk (fsync'd) before the commit. Batching commits keeps the rule for free: one
sync before each batch's commit.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy.exceptions import DropItem
from sqlalchemy.orm import Session

from foicrawl.catalogue.releases import mark_seen, mark_withdrawn, record_release
from foicrawl.config import warc_dir
from foicrawl.items import EvidenceItem, ReleaseGone, ReleaseNotModified
from foicrawl.pipelines import CatalogueStep
from foicrawl.pipelines.rederive import parser_version_of, stored_page_reader

logger = logging.getLogger(__name__)


class StorePipeline(CatalogueStep):
    def open_spider(self) -> None:
        super().open_spider()
        self.reread = stored_page_reader(warc_dir(), self.crawler.spider.name)

    def process_item(self, item):
        if isinstance(item, EvidenceItem):  # stored by the evidence pipeline
            return item
        if not (item.capture or {}).get("warc_record_id"):
            raise DropItem(f"{item.url}: no WARC record holds this answer (the archive could not be written), "
                           "so it is not catalogued", log_level="ERROR")  # fmt: skip
        with self.transaction() as session:
            outcome = store_item(session, item, self.crawler.spider.run_id, self.reread)
        if outcome:
            self.crawler.stats.inc_value(f"foicrawl/releases/{outcome}")
        if outcome == "withdrawn":
            logger.info("Withdrawn: %s %s (%s answered %d)", item.council, item.case_ref, item.url, item.status)
        return item


def store_item(session: Session, item, run_id: str | None, reread=None) -> str | None:
    """One crawled answer into the catalogue, the same way for a crawl and for `reindex`: a release
    page ("new", "changed", "unchanged"), a 304 ("unchanged": a sighting), a 404/410 ("withdrawn").
    None when it changes nothing. Every moment is the WARC record's date."""
    if isinstance(item, ReleaseGone):
        moment = _moment(item.fetched_at)
        marked = mark_withdrawn(session, item.council, item.case_ref, moment.date(), item.capture, item.status, moment)
        return "withdrawn" if marked else None
    if isinstance(item, ReleaseNotModified):
        return "unchanged" if mark_seen(session, item.council, item.case_ref, _moment(item.fetched_at), item.capture) else None
    # Read by today's extraction (this process's parser): recorded on the version it makes.
    record = {**item.to_dict(), "parser_version": parser_version_of(item.council)}
    return record_release(session, record, _moment(item.capture.get("fetched_at")), run_id, reread)


def _moment(iso: str | None) -> datetime:
    return datetime.fromisoformat(iso) if iso else datetime.now(UTC)
