"""The scrapy-playwright download handler with foicrawl's limits and evidence (see crawling/browser.py).

Imported only by crawls that render pages (it is named in their DOWNLOAD_HANDLERS), so that other
crawls never load Playwright.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from foicrawl.crawling.browser import VISIT_META, PageTimeout, launch_options
from foicrawl.warc.browser import PAGE_CAPTURE, PageCapture


class _QuietPageClosing(logging.Filter):
    """scrapy-playwright logs a traceback when it closes a failed page; our errback already says why."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Closing page due to failed request"):
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger("scrapy-playwright").isEnabledFor(logging.DEBUG)
        return True


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    # Made on the first request of its scheme, and Playwright started on the first page to render:
    # a crawl that renders nothing (a quiet night) never starts a browser.
    lazy = True

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.config.launch_options = {**launch_options(settings.get("FOICRAWL_BROWSER_EXECUTABLE")),
                                      **self.config.launch_options}  # fmt: skip
        self.max_pages = settings.getint("FOICRAWL_BROWSER_MAX_PAGES")
        self.config.max_pages_per_context = self.max_pages
        self.page_timeout = settings.getfloat("FOICRAWL_BROWSER_PAGE_TIMEOUT")
        if self.config.navigation_timeout_ms is None:
            self.config.navigation_timeout_ms = self.page_timeout * 1000
        self.pages_per_context = settings.getint("FOICRAWL_BROWSER_CONTEXT_PAGES")
        self.screenshots = settings.getbool("FOICRAWL_BROWSER_SCREENSHOTS")
        self.user_agent = settings.get("USER_AGENT")
        self.context_options = {"ignore_https_errors": not settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"),
                                "user_agent": self.user_agent, "service_workers": "block"}  # fmt: skip
        self.open_pages = asyncio.Semaphore(self.max_pages)
        self.generation, self.started = 0, 0
        self.in_context: Counter[str] = Counter()
        self.retired: set[str] = set()
        self.starting = asyncio.Lock()
        logging.getLogger("scrapy-playwright").addFilter(_QuietPageClosing())

    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start (see `lazy`): `_download_request` starts Playwright when first needed."""

    async def _start_playwright(self) -> None:
        async with self.starting:
            if getattr(self, "browser_provider", None) is None:
                await self._launch()

    # Contexts: a new one after every `pages_per_context` pages; the old one closed after its last page.
    def _assign_context(self, request) -> str:
        if self.started >= self.pages_per_context:
            self.retired.add(f"foicrawl-{self.generation}")
            self.generation, self.started = self.generation + 1, 0
        name = f"foicrawl-{self.generation}"
        self.started += 1
        self.in_context[name] += 1
        request.meta["playwright_context"] = name
        request.meta.setdefault("playwright_context_kwargs", self.context_options)
        return name

    async def _leave_context(self, name: str) -> None:
        self.in_context[name] -= 1
        if name in self.retired and self.in_context[name] == 0:
            self.retired.discard(name)
            del self.in_context[name]
            wrapper = self.context_wrappers.get(name)
            if wrapper is not None:
                await wrapper.context.close()
                self.stats.inc_value("foicrawl/browser/contexts_recycled")

    async def _download_request(self, request, spider=None):
        spider = spider or self._crawler.spider
        await self._start_playwright()
        capture = PageCapture(request.url, self.user_agent)
        request.meta[PAGE_CAPTURE] = capture
        request.meta["playwright_page_event_handlers"] = capture.handlers()
        visit = getattr(spider, request.meta.get(VISIT_META) or "", None)
        request.meta["playwright_page_methods"] = [PageMethod(self._visit, capture, visit)]
        async with self.open_pages:
            context = self._assign_context(request)
            try:
                return await super()._download_request(request, spider)
            except (PlaywrightTimeoutError, TimeoutError) as error:
                self.stats.inc_value("foicrawl/browser/timeouts")
                raise PageTimeout(f"the page did not settle within {self.page_timeout:g}s") from error
            finally:
                await capture.drain()
                await self._leave_context(context)
                self.stats.inc_value("foicrawl/browser/pages")

    async def _visit(self, page, capture: PageCapture, visit) -> None:
        """What happens in the page before scrapy-playwright reads its content and closes it."""

        async def settle():
            if visit is not None and not capture.page_failed(page.url):
                await visit(page, capture)
            await capture.quiet()
            await capture.drain()
            await capture.snapshot(page, screenshot=self.screenshots)

        await asyncio.wait_for(settle(), timeout=self.page_timeout)
