"""The run record: every crawl leaves a row saying what it fetched, found, dropped and wrote."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import signals
from sqlalchemy import select

from foicrawl import config
from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.session import session_factory
from foicrawl.pipelines.coverage import field_fill
from foicrawl.warc.capture import archives
from foicrawl.warc.index import update_index
from foicrawl.warc.recover import recover_open_files

logger = logging.getLogger(__name__)


OK, ERRORS, FAILED, INTERRUPTED, RUNNING = "ok", "finished_with_errors", "failed", "interrupted", "running"
INCOMPLETE = "incomplete"  # finished, but the listing was not read completely: releases may be missing
OK_WITH_ERRORS = "ok_with_errors"  # finished; a few pages could not be read (named; the next run asks again)
GOOD = (OK, OK_WITH_ERRORS)  # a full run with either status is a sweep that counts


def run_status(reason: str, errors: int, listing_problems: list[str] | None = None, verdict: str | None = None,
               failed_pages: int = 0) -> str:  # fmt: skip
    """`verdict`: why the crawl's own checks failed a run that finished (a mass withdrawal, too many
    pages failed)."""
    if reason == "shutdown":  # stopped by a signal (the scheduler stopping, Ctrl-C): not the site's fault
        return INTERRUPTED
    if reason != "finished" or verdict:
        return FAILED
    if errors:
        return ERRORS
    if listing_problems:
        return INCOMPLETE
    return OK_WITH_ERRORS if failed_pages else OK


def too_many_failed(failed: int, pages: int, settings) -> str | None:
    """The verdict on a run whose failed pages are past the threshold (see settings.py)."""
    allowed = max(settings.getint("FOICRAWL_FAILED_PAGES_MIN"), int(settings.getfloat("FOICRAWL_FAILED_PAGES_SHARE") * pages))
    return f"{failed} of {pages} pages failed" if failed > allowed else None


def urls_to_retry(session, council: str) -> list[str]:
    """Release pages the council's last recorded run could not read, for the next run to ask again."""
    failed = session.scalar(select(CrawlRun.failed_urls).where(CrawlRun.council == council, CrawlRun.failed_urls.is_not(None))
                            .order_by(CrawlRun.started_at.desc()).limit(1))  # fmt: skip
    return [entry["url"] for entry in failed or []]


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
        if not archives(self.crawler, spider):  # Scrapy's debugging commands record no run
            return
        self.sessions = session_factory()
        with self.sessions.begin() as session:
            session.add(CrawlRun(run_id=spider.run_id, council=spider.name, mode=spider.mode,
                                 origin=spider.origin, started_at=datetime.now(UTC)))  # fmt: skip

    def spider_closed(self, spider, reason: str) -> None:
        if self.sessions is None:
            return
        stats = self.crawler.stats.get_stats()
        get = lambda key: int(stats.get(key, 0))  # noqa: E731
        errors = get("log_count/ERROR") + get("spider_exceptions")
        with self.sessions.begin() as session:
            run = session.query(CrawlRun).filter_by(run_id=spider.run_id).one()
            run.finished_at = datetime.now(UTC)
            failed = spider.failed_pages() if hasattr(spider, "failed_pages") else []
            pages = spider.ledger.count() if hasattr(spider, "ledger") else 0
            verdict = stats.get("foicrawl/verdict") or too_many_failed(len(failed), pages, self.crawler.settings)
            run.finish_reason = verdict if reason == "finished" and verdict else reason
            run.failed_pages = len(failed)
            run.failed_urls = [{"url": page.url, "reason": page.reason or "never answered"} for page in failed
                               if page.kind == "release" and (reason == "finished" or page.reason)]  # fmt: skip
            problems = spider.listing_problems() if hasattr(spider, "listing_problems") else []
            run.listing_problems = problems
            run.status = run_status(reason, errors, problems, verdict, len(failed))
            run.requests = get("downloader/request_count")
            run.releases_new = get("foicrawl/releases/new")
            run.releases_changed = get("foicrawl/releases/changed")
            run.releases_unchanged = get("foicrawl/releases/unchanged")
            run.releases_withdrawn = get("foicrawl/releases/withdrawn")
            run.releases_seen = run.releases_new + run.releases_changed + run.releases_unchanged
            run.items_dropped = get("item_dropped_count") - get("foicrawl/duplicates") + get("foicrawl/dropped/unparseable")
            run.errors = errors
            run.ref_conflicts = get("foicrawl/reference_conflicts")
            run.field_fill = field_fill(stats)
            writer = getattr(spider, "warc_writer", None)
            run.warc_files = list(writer.files_written) if writer else []
            run.warc_bytes = get("foicrawl/warc/bytes")
        for problem in problems:
            logger.warning("The listing was not read completely: %s", problem)
        logger.info("Run %s of %s: %s (%d new, %d changed, %d unchanged, %d dropped, %d failed, %d requests)",
                    spider.run_id, spider.name, run.status, run.releases_new, run.releases_changed,
                    run.releases_unchanged, run.items_dropped, run.failed_pages, run.requests)  # fmt: skip
