"""What every council spider shares: where to crawl, in which mode, and how a page becomes an item."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import scrapy

from foicrawl.councils import council
from foicrawl.items import ReleaseItem
from foicrawl.parsers.html_text import decode_html
from foicrawl.warc.capture import CAPTURE_META

MODES = ("full", "incremental")
logger = logging.getLogger(__name__)


def normalise_origin(base_url: str) -> str:
    """`scheme://host[:port]`, with no path: the form `-a base_url=` takes."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"base_url must be an origin such as http://127.0.0.1:8801, not {base_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


class CouncilSpider(scrapy.Spider):
    """Base of every council spider; subclasses set `name` (the register's slug)."""

    def __init__(self, base_url: str | None = None, mode: str = "full", run_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.council = council(self.name)
        self.origin = normalise_origin(base_url) if base_url else self.council.origin
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.run_id = run_id or uuid.uuid4().hex

    def url(self, path: str) -> str:
        return self.origin + path

    def page_text(self, response) -> str:
        return decode_html(response.body, response.headers.get("Content-Type"))

    def release_from(self, response, parse: Callable[..., ReleaseItem]) -> ReleaseItem | None:
        """Parse a release page. A page the parser cannot read is logged and counted, and the
        crawl goes on; the page itself is already in the WARC."""
        try:
            item = parse(self.page_text(response), response.url, self.name)
        except Exception as error:  # noqa: BLE001 - a bad page must never stop the crawl
            logger.warning("Dropped %s: cannot parse the page (%s: %s)", response.url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/dropped/unparseable")
            return None
        item.capture = response.meta.get(CAPTURE_META)
        return item

    def listing_from(self, response, parse: Callable):
        try:
            return parse(self.page_text(response), response.url)
        except Exception as error:  # noqa: BLE001
            logger.warning("Skipped listing %s: cannot parse it (%s: %s)", response.url, type(error).__name__, error)
            self.crawler.stats.inc_value("foicrawl/listing_errors")
            return None
