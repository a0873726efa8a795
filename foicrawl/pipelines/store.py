"""Last pipeline: releases into the catalogue.

Each item is committed as it comes, so a crawl stopped halfway keeps what it stored. Every commit
goes through `transaction()`, which keeps the archive's ordering rule: the WARC records a commit
points at are on disk (fsync'd) before the commit. Batching commits keeps the rule for free: one
sync before each batch's commit. Withdrawals wait for the end of the crawl: a run that would
withdraw more than a plausible few (a site answering 404 to everything, a listing that moved)
withdraws none and fails as "mass withdrawal suspected".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy.exceptions import DropItem
from sqlalchemy.orm import Session

from foicrawl.catalogue.conflicts import record_conflict
from foicrawl.catalogue.releases import mark_seen, mark_withdrawn, record_release
from foicrawl.catalogue.search import index_release
from foicrawl.config import warc_dir
from foicrawl.items import EvidenceItem, ReleaseConflict, ReleaseGone, ReleaseNotModified
from foicrawl.pipelines import CatalogueStep
from foicrawl.pipelines.rederive import parser_version_of, stored_page_reader

logger = logging.getLogger(__name__)
MASS_WITHDRAWAL = "mass withdrawal suspected"


class StorePipeline(CatalogueStep):
    def open_spider(self) -> None:
        super().open_spider()
        self.reread = stored_page_reader(warc_dir(), self.crawler.spider.name)
        self.gone: list[ReleaseGone] = []  # withdrawn at the end of the crawl, unless too many

    def process_item(self, item):
        if isinstance(item, EvidenceItem):  # stored by the evidence pipeline
            return item
        answer = item.release if isinstance(item, ReleaseConflict) else item
        if not (answer.capture or {}).get("warc_record_id"):
            raise DropItem(f"{answer.url}: no WARC record holds this answer (the archive could not be written), "
                           "so it is not catalogued", log_level="ERROR")  # fmt: skip
        if isinstance(item, ReleaseGone):
            self.gone.append(item)
            return item
        if isinstance(item, ReleaseConflict):
            with self.transaction() as session:
                record_conflict(session, item.release.to_dict(), item.catalogued_url,
                                _moment(answer.capture.get("fetched_at")), self.crawler.spider.run_id)  # fmt: skip
            return item
        with self.transaction() as session:
            outcome = store_item(session, item, self.crawler.spider.run_id, self.reread)
            if outcome in ("new", "changed"):  # search follows the latest version, in the same commit
                index_release(session, item.council, item.case_ref)
        if outcome:
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
            with self.transaction() as session:
                outcome = store_item(session, item, self.crawler.spider.run_id)
            if outcome == "withdrawn":
                self.crawler.stats.inc_value("foicrawl/releases/withdrawn")
                logger.info("Withdrawn: %s %s (%s answered %d)", item.council, item.case_ref, item.url, item.status)


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
