"""The browser, for portal pages only: scrapy-playwright set up to keep evidence and to stay bounded.

Only spiders of JavaScript portals use it (their `update_settings` calls `use_browser`), so other
councils' crawls never load Playwright. Within such a crawl only requests whose meta says
`playwright: True` go to the browser; scrapy-playwright's handler (0.0.48) subclasses Scrapy's HTTP/1.1
handler and hands every other request (robots.txt, the feed an incremental run asks) to it unchanged.

`BrowserDownloadHandler` (foicrawl.crawling.browser_handler; only portal crawls import Playwright)
adds what a long crawl needs:
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

import os
from contextlib import suppress
from pathlib import Path

import psutil
from scrapy.extensions.memusage import MemoryUsage

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
    handler = "foicrawl.crawling.browser_handler.BrowserDownloadHandler"  # imported only by such crawls
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
