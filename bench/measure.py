"""A Scrapy extension for benchmarks: what one crawl cost, measured inside the crawl process the
same way for every spider (bare Scrapy or foicrawl), written as JSON to $BENCH_MEASURE_FILE.

pages: responses downloaded; seconds: spider opened to closed (process start-up left out);
cpu: CPU seconds of the process over the same span; peak_rss_mb: the process's peak resident size.
"""

from __future__ import annotations

import json
import os
import resource
import time

from scrapy import signals


def peak_rss_mb() -> float:
    """This process's own peak resident size. Not getrusage's ru_maxrss: Linux carries it over from
    the parent at fork (the benchmark's parent holds the replica's data), so every crawl would show
    at least the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Measure:
    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def closed(self, spider, reason) -> None:
        stats = self.crawler.stats.get_stats()
        figures = {
            "pages": stats.get("downloader/response_count", 0),
            "items": stats.get("item_scraped_count", 0),
            "seconds": time.perf_counter() - self.wall,
            "cpu": time.process_time() - self.cpu,
            "peak_rss_mb": peak_rss_mb(),
            "reason": reason,
        }
        with open(os.environ["BENCH_MEASURE_FILE"], "w", encoding="utf-8") as out:
            json.dump(figures, out)
