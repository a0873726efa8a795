"""Downloader middlewares: retries that back off, and a stop when a site is plainly gone."""

from __future__ import annotations

import asyncio
import logging

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

from foicrawl.crawling.evidence_fetch import EVIDENCE_META

logger = logging.getLogger(__name__)
DELAY_META = "foicrawl_retry_delay"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, with an exponential delay before each new try (base * 2**(try-1), capped),
    or the server's Retry-After when it names a number of seconds."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("FOICRAWL_RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("FOICRAWL_RETRY_BACKOFF_MAX")

    def _delay(self, retry_times: int, retry_after: bytes | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self.cap)
        return min(self.base * 2 ** max(0, retry_times - 1), self.cap)

    def _with_delay(self, retry, retry_after: bytes | None = None):
        if retry is not None:
            retry.meta[DELAY_META] = self._delay(retry.meta.get("retry_times", 1), retry_after)
        return retry

    def process_response(self, request, response):
        result = super().process_response(request, response)
        if result is not response:
            return self._with_delay(result, response.headers.get("Retry-After"))
        return result

    def process_exception(self, request, exception):
        return self._with_delay(super().process_exception(request, exception))

    async def process_request(self, request):
        delay = request.meta.pop(DELAY_META, 0)
        if delay:
            logger.debug("Waiting %.1fs before retrying %s", delay, request.url)
            await asyncio.sleep(delay)
        return None


class UnreachableSiteGuard:
    """Stops the crawl when the site has answered nothing for many requests in a row (refused,
    timed out, DNS gone), rather than retrying every page of a dead site for hours. Any response
    at all, even an error page, starts the count again."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = crawler.settings.getint("FOICRAWL_MAX_CONSECUTIVE_FAILURES")
        self.failures = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        self.failures = 0
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest) or self.closing or not self.limit:
            return None
        if request.meta.get(EVIDENCE_META):  # another host (a ModernGov site) being down is not the site's
            return None
        self.failures += 1
        if self.failures >= self.limit:
            self.closing = True
            logger.error("%d requests in a row got no answer (last: %s: %s): the site is unreachable, stopping",
                         self.failures, type(exception).__name__, exception)  # fmt: skip
            asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="site_unreachable"))
        return None
