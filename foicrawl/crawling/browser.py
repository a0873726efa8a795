"""The browser, for portal pages only: scrapy-playwright set up to keep evidence and to stay bounded.

Only spiders of JavaScript portals use it (their `update_settings` calls `use_browser`), so other
councils' crawls never load Playwright. Within such a crawl only requests whose meta says
`playwright: True` go to the browser; scrapy-playwright's handler (0.0.48) subclasses Scrapy's HTTP/1.1
handler and hands every other request (robots.txt, the feed an incremental run asks) to it unchanged.

`BrowserDownloadHandler` adds what a long crawl needs:
- at most `FOICRAWL_BROWSER_MAX_PAGES` pages at once;
- browser contexts recycled after `FOICRAWL_BROWSER_CONTEXT_PAGES` pages (long-lived contexts leak),
  each closed only once its last page is closed (scrapy-playwright closes a page before returning);
- every page's traffic collected by a `PageCapture` (foicrawl.warc.browser), which the WARC extension
  writes; the page's *visit* (what it must have received before it counts as settled, and what to
  fetch in its session) is the spider's, named by `meta["foicrawl_visit"]`;
- a page that does not settle within `FOICRAWL_BROWSER_PAGE_TIMEOUT` seconds fails with `PageTimeout`,
  for the spider's errback to log and count; the crawl goes on.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from contextlib import suppress
from pathlib import Path

import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy.extensions.memusage import MemoryUsage
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from foicrawl.warc.browser import PAGE_CAPTURE, PageCapture

logger = logging.getLogger(__name__)
VISIT_META = "foicrawl_visit"
DEBIAN_CHROMIUM = Path("/usr/lib/chromium/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


class PageTimeout(Exception):
    """A browser page that did not settle in time."""


class BrowserMissing(RuntimeError):
    pass


def playwright_browser_installed() -> bool:
    """Whether Playwright's own Chromium is installed (`playwright install chromium`)."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    return root.is_dir() and any(root.glob("chromium*"))


def launch_options(executable: str | None = None) -> dict:
    """Headless Chromium: the one named, else Playwright's own where installed, else Debian's."""
    options = {"headless": True, "args": LAUNCH_ARGS}
    if executable:
        options["executable_path"] = executable
    elif not playwright_browser_installed():
        if not DEBIAN_CHROMIUM.exists():
            raise BrowserMissing(f"no Chromium: neither Playwright's own browser nor {DEBIAN_CHROMIUM} is installed; "
                                 "run ./setup.sh (it installs Debian's chromium)")  # fmt: skip
        options["executable_path"] = str(DEBIAN_CHROMIUM)
    return options


def use_browser(settings) -> None:
    """Scrapy settings for a spider that renders pages: called from its `update_settings`, so that
    only such spiders load Playwright. The project's own extensions are kept."""
    handler = "foicrawl.crawling.browser.BrowserDownloadHandler"
    settings.set("DOWNLOAD_HANDLERS", {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler},
                 priority="spider")  # fmt: skip
    settings.set("TWISTED_REACTOR", "twisted.internet.asyncioreactor.AsyncioSelectorReactor", priority="spider")
    settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
    # The browser's processes count in the crawl's memory figures (memusage/startup, memusage/max).
    extensions = {**settings.getdict("EXTENSIONS"), "scrapy.extensions.memusage.MemoryUsage": None,
                  "foicrawl.crawling.browser.CrawlMemoryUsage": 0}  # fmt: skip
    settings.set("EXTENSIONS", extensions, priority="spider")
    settings.set("MEMUSAGE_CHECK_INTERVAL_SECONDS", 2.0, priority="spider")


def descendants_memory(process: psutil.Process) -> int:
    """Memory of every process `process` started (Playwright's driver, Chromium's processes), in
    bytes: proportional set size, so that the pages Chromium's processes share count once."""
    total = 0
    for child in process.children(recursive=True):
        with suppress(psutil.Error):  # it may have exited meanwhile
            total += getattr(child.memory_full_info(), "pss", 0) or child.memory_info().rss
    return total


class CrawlMemoryUsage(MemoryUsage):
    """Scrapy's memory figures (memusage/startup, memusage/max) with the browser in them: the crawl
    process's peak RSS plus the memory of the browser's processes, sampled. (scrapy-playwright's own
    extension cannot find the driver's process with this Playwright.)"""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.process = psutil.Process()

    def get_virtual_size(self) -> int:
        return super().get_virtual_size() + descendants_memory(self.process)


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
            if visit is not None:
                await visit(page, capture)
            await capture.quiet()
            await capture.drain()
            await capture.snapshot(page, screenshot=self.screenshots)

        await asyncio.wait_for(settle(), timeout=self.page_timeout)
