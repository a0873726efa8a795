"""The baseline: a bare Scrapy spider that follows the same links as foicrawl's council spiders
and does nothing else (no parsing beyond finding links, no items, no pipelines), optionally with a
minimal warcio writer on `response_downloaded` (`-a warc_dir=DIR`).

    scrapy runspider bench/bare_spider.py -a council=herefordshire -a base_url=http://127.0.0.1:8802
"""

from __future__ import annotations

import html
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import scrapy
from scrapy import signals
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HREF = re.compile(rb'href="([^"]+)"')
HASTINGS_LOG = "/my-council/freedom-of-information/"
FOLLOW = {
    # listing pages and release pages, as DisclosureLogSpider follows them
    "herefordshire": re.compile(r"^/disclosures(\?page=\d+&sortType=PUBLISHED_DATE_DESCENDING|/[0-9a-f-]{36})$"),
    # year, category and release pages, as HastingsSpider follows them
    "hastings": re.compile(rf"^{HASTINGS_LOG}(date/\?(year|id)=|category/(\?category=|$))"),
}


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, council: str, base_url: str, warc_dir: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.council, self.base_url, self.follow = council, base_url.rstrip("/"), FOLLOW[council]
        self.warc_dir = Path(warc_dir) if warc_dir else None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.warc_dir:
            spider.warc_dir.mkdir(parents=True, exist_ok=True)
            spider.warc_stream = open(spider.warc_dir / "bare.warc.gz", "wb")
            spider.warc = WARCWriter(spider.warc_stream, gzip=True)
            crawler.signals.connect(spider.write_warc, signal=signals.response_downloaded)
        return spider

    async def start(self):
        if self.council == "herefordshire":
            yield scrapy.Request(f"{self.base_url}/disclosures?page=1&sortType=PUBLISHED_DATE_DESCENDING")
        else:
            for year in range(date.today().year, 2015, -1):
                yield scrapy.Request(f"{self.base_url}{HASTINGS_LOG}date/?year={year}")
            yield scrapy.Request(f"{self.base_url}{HASTINGS_LOG}category/")

    def parse(self, response):
        for match in HREF.finditer(response.body):
            url = response.urljoin(html.unescape(match[1].decode("utf-8", "replace")))
            path = url[len(self.base_url):] if url.startswith(self.base_url) else None
            if path and self.follow.match(path):
                if "category/?id=" in path:  # a release reached by category: fetch its date/ URL
                    url = url.replace("category/?id=", "date/?id=")
                yield scrapy.Request(url)

    def write_warc(self, response, request, spider) -> None:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        http_headers = StatusAndHeaders(f"{response.status} OK", headers, protocol="HTTP/1.1")
        record = self.warc.create_warc_record(response.url, "response", payload=BytesIO(response.body),
                                              length=len(response.body), http_headers=http_headers)  # fmt: skip
        self.warc.write_record(record)
        request_headers = StatusAndHeaders(f"GET {request.url} HTTP/1.1", [], protocol="")
        self.warc.write_record(self.warc.create_warc_record(request.url, "request", payload=BytesIO(b""),
                                                            length=0, http_headers=request_headers))  # fmt: skip

    def closed(self, reason) -> None:
        if self.warc_dir:
            self.warc_stream.close()
