"""Last pipeline: releases into the catalogue, and the crawl's run record.

Each item is committed as it comes, so a crawl stopped halfway keeps what it stored.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from foicrawl.catalogue.releases import mark_seen, mark_withdrawn, record_release
from foicrawl.catalogue.search import index_release
from foicrawl.items import EvidenceItem, ReleaseGone, ReleaseNotModified
from foicrawl.pipelines import CatalogueStep

logger = logging.getLogger(__name__)


class StorePipeline(CatalogueStep):
    def process_item(self, item):
        if isinstance(item, EvidenceItem):  # stored by the evidence pipeline
            return item
        if isinstance(item, ReleaseGone):
            return self.withdrawn(item)
        if isinstance(item, ReleaseNotModified):
            with self.sessions.begin() as session:
                if mark_seen(session, item.council, item.case_ref, _moment(item.fetched_at)):
                    self.crawler.stats.inc_value("foicrawl/releases/unchanged")
            return item
        # Seen when fetched: the WARC record's date, so a catalogue rebuilt from the archive agrees.
        seen_at = _moment((item.capture or {}).get("fetched_at"))
        with self.sessions.begin() as session:
            outcome = record_release(session, item.to_dict(), seen_at, self.crawler.spider.run_id)
            if outcome != "unchanged":
                index_release(session, item.council, item.case_ref)
        self.crawler.stats.inc_value(f"foicrawl/releases/{outcome}")
        return item

    def withdrawn(self, item: ReleaseGone) -> ReleaseGone:
        with self.sessions.begin() as session:
            if mark_withdrawn(session, item.council, item.case_ref, _moment(item.fetched_at).date()):
                self.crawler.stats.inc_value("foicrawl/releases/withdrawn")
                logger.info("Withdrawn: %s %s (%s answered %d)", item.council, item.case_ref, item.url, item.status)
        return item


def _moment(iso: str | None) -> datetime:
    return datetime.fromisoformat(iso) if iso else datetime.now(UTC)
