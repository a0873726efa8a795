"""The run record: every crawl leaves a row saying what it fetched, found, dropped and wrote."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import signals
from sqlalchemy import select

from foicrawl import config
from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.session import session_factory
from foicrawl.warc.index import update_index
from foicrawl.warc.recover import recover_open_files

logger = logging.getLogger(__name__)


OK, ERRORS, FAILED, INTERRUPTED, RUNNING = "ok", "finished_with_errors", "failed", "interrupted", "running"


def run_status(reason: str, errors: int) -> str:
    if reason == "shutdown":  # stopped by a signal (the scheduler stopping, Ctrl-C): not the site's fault
        return INTERRUPTED
    if reason != "finished":
        return FAILED
    return ERRORS if errors else OK


def find_run(session, run_id: str) -> CrawlRun | None:
    return session.scalar(select(CrawlRun).where(CrawlRun.run_id == run_id))


def settle_abandoned(council: str, reason: str) -> list[CrawlRun]:
    """What crawls of `council` that died left behind: runs still marked running are marked failed
    with `reason`, their WARC files (never renamed) are made whole, and every file of the council
    without an up-to-date index is indexed. Call only while
    holding the council's lock, when no crawl of it can be alive."""
    recovered = recover_open_files(config.warc_dir(), config.index_dir(), prefix=f"foicrawl-{council}-")
    # A crawl killed after closing its files but before indexing them ("Closing spider"): index now.
    update_index(config.warc_dir(), config.index_dir(), prefix=f"foicrawl-{council}-")
    with session_factory().begin() as session:
        abandoned = list(session.scalars(select(CrawlRun).where(CrawlRun.council == council, CrawlRun.status == RUNNING)))
        for run in abandoned:
            run.status, run.finish_reason, run.finished_at = FAILED, reason, datetime.now(UTC)
            run.warc_files = [*run.warc_files, *(p.name for p, owner in recovered.items() if owner == run.run_id)]
            logger.warning("Run %s of %s never finished: marked failed (%s)", run.run_id, council, reason)
    return abandoned


class RunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.sessions = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.sessions = session_factory()
        with self.sessions.begin() as session:
            session.add(CrawlRun(run_id=spider.run_id, council=spider.name, mode=spider.mode,
                                 origin=spider.origin, started_at=datetime.now(UTC)))  # fmt: skip

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        get = lambda key: int(stats.get(key, 0))  # noqa: E731
        errors = get("log_count/ERROR") + get("spider_exceptions")
        with self.sessions.begin() as session:
            run = session.query(CrawlRun).filter_by(run_id=spider.run_id).one()
            run.finished_at = datetime.now(UTC)
            run.finish_reason = reason
            run.status = run_status(reason, errors)
            run.requests = get("downloader/request_count")
            run.releases_new = get("foicrawl/releases/new")
            run.releases_changed = get("foicrawl/releases/changed")
            run.releases_unchanged = get("foicrawl/releases/unchanged")
            run.releases_withdrawn = get("foicrawl/releases/withdrawn")
            run.releases_seen = run.releases_new + run.releases_changed + run.releases_unchanged
            run.items_dropped = get("item_dropped_count") - get("foicrawl/duplicates") + get("foicrawl/dropped/unparseable")
            run.errors = errors
            writer = getattr(spider, "warc_writer", None)
            run.warc_files = list(writer.files_written) if writer else []
            run.warc_bytes = get("foicrawl/warc/bytes")
        logger.info("Run %s of %s: %s (%d new, %d changed, %d unchanged, %d dropped, %d requests)",
                    spider.run_id, spider.name, run.status, run.releases_new, run.releases_changed,
                    run.releases_unchanged, run.items_dropped, run.requests)  # fmt: skip
