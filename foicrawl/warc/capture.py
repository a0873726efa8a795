"""Scrapy side of the archive: every HTTP exchange of a crawl goes into WARC files.

`WarcCapture` listens to `response_downloaded`, which fires for every response as the network gave
it (robots.txt, redirects, 5xx before a retry, pages whose items are later dropped), before any
middleware decompresses or changes it. `DownloadErrorCapture` sits next to the network in the
downloader middleware chain and records requests that got no response at all.

A page rendered by the browser arrives as a Response holding its rendered DOM, not what any server
sent: it is never written as a response record. Its evidence is the page's own network traffic and
snapshots, which `foicrawl.warc.browser` collected and writes here, together.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import re
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import version
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest

import foicrawl
from foicrawl.config import index_dir, warc_dir
from foicrawl.warc.browser import PAGE_CAPTURE, PAGE_RECORDS, PageCapture, write_page
from foicrawl.warc.prior import PriorCaptures
from foicrawl.warc.raw_headers import raw_head
from foicrawl.warc.reader import sha1_digest
from foicrawl.warc.writer import Capture, HttpMessage, RotatingWarcWriter, WarcWriteError

logger = logging.getLogger(__name__)
CAPTURE_META = "foicrawl_capture"
WARC_WRITE_FAILED = "warc_write_failed"  # the reason a crawl closes with when its WARC cannot be written


def _header_pairs(headers) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def request_message(request: scrapy.Request) -> HttpMessage:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = _header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    return HttpMessage(f"{request.method} {target} HTTP/1.1", headers, request.body or b"", protocol="")


def response_message(response: scrapy.http.Response) -> HttpMessage:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    return HttpMessage(f"{response.status} {reason}".strip(), _header_pairs(response.headers), response.body,
                       protocol=protocol.upper(), raw_head=raw_head(response))  # fmt: skip


def archives(crawler, spider) -> bool:
    """Whether this crawl archives and records a run: only a council crawl does. Scrapy's debugging
    commands do not: `shell`, `fetch` and `view` run Scrapy's default spider, and foicrawl's versions
    of them, of `parse` and of `check` (which run a council spider on one page) turn FOICRAWL_ARCHIVE off."""
    return crawler.settings.getbool("FOICRAWL_ARCHIVE", True) and getattr(spider, "archives", False)


class WarcCapture:
    """The extension that owns a crawl's WARC files."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_size = crawler.settings.getint("FOICRAWL_WARC_MAX_SIZE")
        self.writer: RotatingWarcWriter | None = None
        self.stopping = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        if not archives(self.crawler, spider):
            return
        run_id = getattr(spider, "run_id", "")
        self.writer = RotatingWarcWriter(
            directory=warc_dir(),
            prefix=f"foicrawl-{spider.name}",
            max_size=self.max_size,
            index_dir=index_dir(),
            warcinfo={
                "software": f"foicrawl/{foicrawl.__version__} (Scrapy/{scrapy.__version__}; "
                f"warcio/{version('warcio')}; "
                f"Python/{platform.python_version()})",
                "isPartOf": f"foicrawl-{spider.name}",
                "description": f"foicrawl crawl of {spider.name}",
                "foicrawl-spider": spider.name,
                "foicrawl-run-id": run_id,
                "foicrawl-mode": getattr(spider, "mode", ""),
                "foicrawl-origin": getattr(spider, "origin", ""),
                "http-header-user-agent": self.crawler.settings.get("USER_AGENT"),
                "robots": "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            },
        )
        spider.warc_writer = self.writer
        self.prior = PriorCaptures.load(warc_dir(), index_dir(), prefix=f"foicrawl-{spider.name}-")
        spider.prior_captures = self.prior

    def response_downloaded(self, response, request, spider) -> None:
        if self.writer is None or not response.url.startswith(("http://", "https://")):
            return
        if (page := request.meta.get(PAGE_CAPTURE)) is not None:
            self.write_browser_page(page, request)
            return
        digest = sha1_digest(response.body)
        truncated = "download_stopped" in (response.flags or [])  # cut at a size cap: never a revisit target
        prior = self.prior.same_payload(response.url, digest) if response.status == 200 and not truncated else None
        moment = datetime.now(UTC)
        try:
            capture = self.writer.write_exchange(
                response.url,
                request_message(request),
                response_message(response),
                moment,
                ip_address=str(response.ip_address) if getattr(response, "ip_address", None) else None,
                revisit_of=prior,
                truncated="length" if truncated else None,
            )
        except WarcWriteError as error:
            self.stop(error, response.url)
            return
        request.meta[CAPTURE_META] = self.evidence(capture)
        if prior is None and response.status == 200 and not truncated:
            self.prior.remember(response.url, moment.strftime("%Y%m%d%H%M%S"), digest, capture.warc_file,
                                capture.warc_offset)  # fmt: skip
        stats = self.crawler.stats
        stats.inc_value("foicrawl/warc/revisits" if prior else "foicrawl/warc/responses")
        stats.inc_value(f"foicrawl/warc/status/{capture.status}")

    @staticmethod
    def evidence(capture: Capture) -> dict:
        """What an item records as its evidence: the full response record holding the payload (for
        a revisit, the earlier record it points at), fetched at this time."""
        evidence = capture.to_dict()
        prior = evidence.pop("revisit_of")
        if prior:
            evidence.update(revisit_warc_file=capture.warc_file, revisit_warc_offset=capture.warc_offset)
            evidence.update(warc_file=prior["warc_file"], warc_offset=prior["warc_offset"],
                            warc_length=prior["warc_length"], warc_record_id=prior["record_id"],
                            block_digest=prior["block_digest"], revisit_record_id=capture.warc_record_id)  # fmt: skip
        return evidence

    def write_browser_page(self, page: PageCapture, request) -> None:
        """A browser page's exchanges and snapshots; the request's meta says where each response went."""
        try:
            written = write_page(self.writer, self.prior, page)
        except WarcWriteError as error:
            self.stop(error, request.url)
            return
        request.meta[PAGE_RECORDS] = [(exchange, self.evidence(capture) if capture else None) for exchange, capture in written]
        stats = self.crawler.stats
        for _, capture in written:
            if capture is None:
                stats.inc_value("foicrawl/warc/failures")
                continue
            stats.inc_value("foicrawl/warc/revisits" if capture.revisit_of else "foicrawl/warc/responses")
            stats.inc_value(f"foicrawl/warc/status/{capture.status}")
        stats.inc_value("foicrawl/warc/resources", len(page.snapshots))

    def record_failure(self, request, reason: str) -> None:
        if self.writer is None:
            return
        if (page := request.meta.get(PAGE_CAPTURE)) is not None:
            self.write_browser_page(page, request)  # what the page did receive before it failed
        try:
            self.writer.write_failure(request.url, request_message(request), datetime.now(UTC), reason)
        except WarcWriteError as error:
            self.stop(error, request.url)
            return
        self.crawler.stats.inc_value("foicrawl/warc/failures")

    def stop(self, error: WarcWriteError, url: str) -> None:
        """A crawl that cannot keep its evidence stops: nothing fetched from now on could be stored
        (the store refuses a release without its WARC record)."""
        if self.stopping:
            return
        self.stopping = True
        logger.error("Stopping the crawl: %s (while archiving %s). Nothing more is fetched or stored; "
                     "free space and crawl again.", error, url)  # fmt: skip
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=WARC_WRITE_FAILED))

    def spider_closed(self, spider) -> None:
        if self.writer is None:
            return
        self.writer.close()  # each file indexed as its records were written
        files = self.writer.files_written
        size = sum((warc_dir() / name).stat().st_size for name in files)
        self.crawler.stats.set_value("foicrawl/warc/files", len(files))
        self.crawler.stats.set_value("foicrawl/warc/bytes", size)
        logger.info("WARC files written to %s: %s (%d bytes)", warc_dir(), ", ".join(files) or "none", size)


class DownloadErrorCapture:
    """Records requests that failed without a response, in the same WARC files."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _capture(self) -> WarcCapture | None:
        for extension in self.crawler.extensions.middlewares:
            if isinstance(extension, WarcCapture):
                return extension
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, IgnoreRequest) and (capture := self._capture()):
            capture.record_failure(request, failure_reason(exception))
        return None


def _said(error: BaseException) -> str:
    """An exception in words: its message, the failures it carries (Twisted's ResponseFailed), or
    failing both, the first line of its class's docstring."""
    reasons = getattr(error, "reasons", None)
    if reasons:
        return "; ".join(f"{type(f.value).__name__}: {_said(f.value)}" for f in reasons)
    text = str(error).strip()
    if text and not text.startswith("[<twisted.python.failure.Failure"):
        return text
    doc = re.sub(r"\b[LCI]\{([^}]*)\}", r"\1", " ".join((type(error).__doc__ or "").split()))  # Twisted's markup
    return doc.split(". ")[0].rstrip(".") + "." if doc else "no reason given"


def failure_reason(error: BaseException) -> str:
    """Why a request got no response, never empty: the error Scrapy raised, and what caused it."""
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(f"{type(error).__name__}: {_said(error)}")
        error = error.__cause__
    return parts[0] if len(parts) == 1 else f"{parts[0]} (caused by {'; '.join(parts[1:])})"
