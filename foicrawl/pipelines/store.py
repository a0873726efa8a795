"""Last pipeline: releases into the catalogue.

Each release is committed as it comes, so a crawl stopped halfway keeps what it stored. Withdrawals
wait for the end of the crawl: a run that would withdraw more than a plausible few (a site answering
404 to everything, a listing that moved) withdraws none and fails as "mass withdrawal suspected".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from foicrawl.catalogue.conflicts import record_conflict
from foicrawl.catalogue.releases import mark_seen, mark_withdrawn, record_release
from foicrawl.catalogue.session import session_factory
from foicrawl.items import ReleaseConflict, ReleaseGone, ReleaseNotModified

logger = logging.getLogger(__name__)
MASS_WITHDRAWAL = "mass withdrawal suspected"


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.sessions = None
        self.gone: list[ReleaseGone] = []  # withdrawn at the end of the crawl, unless too many

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.sessions = session_factory()

    def process_item(self, item):
        if isinstance(item, ReleaseGone):
            self.gone.append(item)
            return item
        if isinstance(item, ReleaseConflict):
            with self.sessions.begin() as session:
                record_conflict(session, item.release.to_dict(), item.catalogued_url,
                                _moment((item.release.capture or {}).get("fetched_at")), self.crawler.spider.run_id)  # fmt: skip
            return item
        if isinstance(item, ReleaseNotModified):
            with self.sessions.begin() as session:
                if mark_seen(session, item.council, item.case_ref, _moment(item.fetched_at)):
                    self.crawler.stats.inc_value("foicrawl/releases/unchanged")
            return item
        # Seen when fetched: the WARC record's date, so a catalogue rebuilt from the archive agrees.
        seen_at = _moment((item.capture or {}).get("fetched_at"))
        with self.sessions.begin() as session:
            outcome = record_release(session, item.to_dict(), seen_at, self.crawler.spider.run_id)
        self.crawler.stats.inc_value(f"foicrawl/releases/{outcome}")
        return item

    def close_spider(self) -> None:
        if not self.gone:
            return
        settings = self.crawler.settings
        held = getattr(self.crawler.spider, "held", {})
        live = sum(1 for h in held.values() if not h.withdrawn)
        share, floor = settings.getfloat("FOICRAWL_MASS_WITHDRAWAL_SHARE"), settings.getint("FOICRAWL_MASS_WITHDRAWAL_MIN")
        allowed = max(floor, int(share * live))
        if len(self.gone) > allowed:
            logger.warning("Mass withdrawal suspected: %d of %d held releases answered 404/410, more than the %d "
                           "allowed (FOICRAWL_MASS_WITHDRAWAL_SHARE %s, FOICRAWL_MASS_WITHDRAWAL_MIN %d); none withdrawn",
                           len(self.gone), live, allowed, share, floor)  # fmt: skip
            self.crawler.stats.set_value("foicrawl/verdict", MASS_WITHDRAWAL)
            return
        for item in self.gone:
            self.withdrawn(item)

    def withdrawn(self, item: ReleaseGone) -> ReleaseGone:
        with self.sessions.begin() as session:
            if mark_withdrawn(session, item.council, item.case_ref, _moment(item.fetched_at).date()):
                self.crawler.stats.inc_value("foicrawl/releases/withdrawn")
                logger.info("Withdrawn: %s %s (%s answered %d)", item.council, item.case_ref, item.url, item.status)
        return item


def _moment(iso: str | None) -> datetime:
    return datetime.fromisoformat(iso) if iso else datetime.now(UTC)
