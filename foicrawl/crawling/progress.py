"""Progress a person can read while a long crawl runs.

The crawl logs one line every FOICRAWL_PROGRESS_INTERVAL seconds (0: never) on the
`foicrawl.progress` logger: pages fetched, releases read, the rate, and, on a full crawl whose
listing announces its total, how many releases are left and about how long they will take:

    Progress: herefordshire 212 pages, 190 of 520 releases (41.3 pages/s), about 8 s left

`scrapy crawl` shows it in its log. `foicrawl demo` and `scheduler.py --once` run each crawl as its own
process with its log in a file: `crawling.process.follow_progress` reads the new progress lines from that file while
the crawl runs and hands them to the caller to print.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from foicrawl.crawling.process import PROGRESS_MARK as MARK
from foicrawl.warc.capture import archives

logger = logging.getLogger("foicrawl.progress")
RELEASE_OUTCOMES = ("new", "changed", "unchanged")


def progress_line(council: str, pages: int, releases: int, seconds: float, total: int | None) -> str:
    """One progress line; `total` is the number of releases the listing announces (None: unknown)."""
    rate = pages / seconds if seconds > 0 else 0.0
    line = f"{MARK}{council} {pages} pages, {releases}{f' of {total}' if total else ''} releases ({rate:.1f} pages/s)"
    if total and 0 < releases < total and seconds > 0:
        left = (total - releases) * seconds / releases
        line += f", about {_duration(left)} left"
    return line


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class CrawlProgress:
    """The extension that logs the progress lines."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.task = None
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("FOICRAWL_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider) -> None:
        if not archives(self.crawler, spider):  # a council crawl, not a debugging look
            return
        self.started = time.monotonic()
        self.task = create_looping_call(self.log, spider)
        self.task.start(self.interval, now=False)

    def line(self, spider) -> str:
        stats = self.crawler.stats
        releases = sum(stats.get_value(f"foicrawl/releases/{o}", 0) for o in RELEASE_OUTCOMES)
        releases += stats.get_value("foicrawl/dropped/unparseable", 0)  # read, if not kept
        total = spider.announced_total() if getattr(spider, "mode", "") == "full" else None
        return progress_line(spider.name, stats.get_value("response_received_count", 0), releases,
                             time.monotonic() - self.started, total)  # fmt: skip

    def log(self, spider) -> None:
        logger.info(self.line(spider))

    def spider_closed(self, spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
