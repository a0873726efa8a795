"""What became of every council page a crawl asked for: read, failed (and why), or never answered.

Scrapy can lose a request without a word: its duplicate filter drops it, a middleware ignores it.
The spider writes each listing and release request in the ledger (`issue`); a spider middleware
marks it read when its response reaches the callback, and the spider's errback marks it failed.
Whatever is still open when the crawl ends was lost on the way, and the run says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from foicrawl.crawling.redirects import PAGE_KIND

LEDGER_META = "foicrawl_ledger"  # request meta: the page's ledger token
READ, FAILED, OPEN = "read", "failed", "open"


@dataclass
class Page:
    kind: str  # "listing" or "release"
    url: str
    group: object = None  # what the spider groups pages by (a listing walk)
    state: str = OPEN
    reason: str | None = None  # why it failed, or what is wrong with what it showed


class PageLedger:
    def __init__(self) -> None:
        self.pages: dict[int, Page] = {}

    def issue(self, kind: str, url: str, group: object = None) -> int:
        token = len(self.pages) + 1
        self.pages[token] = Page(kind, url, group)
        return token

    def read(self, token: int | None) -> None:
        if token in self.pages:
            self.pages[token].state, self.pages[token].reason = READ, None

    def failed(self, token: int | None, reason: str) -> Page | None:
        page = self.pages.get(token)
        if page is not None and page.state != READ:
            page.state, page.reason = FAILED, reason
        return page

    def note(self, token: int | None, problem: str) -> None:
        """A page that was read but cannot be trusted to list what it should (it lists nothing)."""
        if token in self.pages:
            self.pages[token].reason = problem

    def forget(self, token: int | None) -> None:
        """A request dropped as a duplicate: the same page is asked for under another token."""
        self.pages.pop(token, None)

    def problems(self, kind: str, group: object = None, any_group: bool = True) -> list[Page]:
        """Pages of `kind` that failed, were never answered, or were read with a problem noted (of
        one `group` unless `any_group`)."""
        return [p for p in self.pages.values()
                if p.kind == kind and (p.state != READ or p.reason) and (any_group or p.group == group)]  # fmt: skip

    def count(self, kind: str | None = None) -> int:
        return sum(1 for p in self.pages.values() if kind is None or p.kind == kind)

    def not_read(self) -> list[Page]:
        """Pages that failed or were never answered (not those read with a problem noted)."""
        return [p for p in self.pages.values() if p.state != READ]


def describe(page: Page) -> str:
    if page.state == READ:
        return f"{page.kind} page {page.url} {page.reason}"
    return f"{page.kind} page {page.url} was not read ({page.reason or 'never answered: dropped on the way'})"


class PageLedgerMiddleware:
    """Spider middleware: a council page whose response reaches its callback is read. It sits after
    Scrapy's HttpErrorMiddleware, so a response filtered out there goes to the errback instead."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_input(self, response) -> None:
        ledger = getattr(self.crawler.spider, "ledger", None)
        if ledger is not None and response.meta.get(PAGE_KIND):
            ledger.read(response.meta.get(LEDGER_META))
