"""Last pipeline: releases into the catalogue.

Items are committed in batches (pipelines.batch): a crawl stopped halfway keeps what it stored,
and the WARC records a commit points at are on disk (fsync'd) before the commit. Withdrawals wait
for the end of the crawl: a run that would withdraw more than a plausible few (a site answering 404
to everything, a listing that moved) withdraws none and fails as "mass withdrawal suspected".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy.exceptions import DropItem
from sqlalchemy.orm import Session

from foicrawl.catalogue.conflicts import record_conflict
from foicrawl.catalogue.releases import held_references, mark_seen, mark_withdrawn, record_release
from foicrawl.catalogue.search import index_release
from foicrawl.catalogue.session import session_factory
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
        with session_factory()() as session:
            self.held = held_references(session, self.crawler.spider.name)

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
        run_id = self.crawler.spider.run_id
        if isinstance(item, ReleaseConflict):
            moment = _moment(answer.capture.get("fetched_at"))
            self.batch.apply(lambda session: record_conflict(session, item.release.to_dict(), item.catalogued_url,
                                                             moment, run_id), lambda _: None)  # fmt: skip
            return item
        held = self.held if item.council == self.crawler.spider.name else None

        def work(session):
            outcome = store_item(session, item, run_id, self.reread, held)
            if outcome in ("new", "changed"):  # search follows the latest version, in the same commit
                index_release(session, item.council, item.case_ref)
            return outcome

        self.batch.apply(work, lambda outcome: self.stored(item, outcome))
        return item

    def stored(self, item, outcome: str | None) -> None:
        """Counted once the item's batch is committed."""
        if outcome:
            self.crawler.stats.inc_value(f"foicrawl/releases/{outcome}")
        if outcome == "withdrawn":
            logger.info("Withdrawn: %s %s (%s answered %d)", item.council, item.case_ref, item.url, item.status)

    def close_spider(self) -> None:
        try:
            self.withdraw_gone()
        finally:
            super().close_spider()

    def withdraw_gone(self) -> None:
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
        run_id = self.crawler.spider.run_id
        for item in self.gone:
            self.batch.apply(lambda session, item=item: store_item(session, item, run_id),
                             lambda outcome, item=item: self.stored(item, outcome))  # fmt: skip


def store_item(session: Session, item, run_id: str | None, reread=None, held: set[str] | None = None) -> str | None:
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
    return record_release(session, record, _moment(item.capture.get("fetched_at")), run_id, reread, held)


def _moment(iso: str | None) -> datetime:
    return datetime.fromisoformat(iso) if iso else datetime.now(UTC)
