"""What the crawl needs to fetch documents and cited pages as evidence: the request meta keys, and
the size cap.

A document larger than `FOICRAWL_DOCUMENT_MAX_SIZE` is not refused (Scrapy's DOWNLOAD_MAXSIZE would
drop it and keep nothing): its first bytes are kept, the download is stopped there, and the WARC
record says `WARC-Truncated: length`. The `SizeCap` extension does the stopping.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import StopDownload

EVIDENCE_META = "foicrawl_evidence"  # request meta: this fetch is evidence (key, url, role, via)
REQUISITE_META = "foicrawl_requisite"  # request meta: a stylesheet, image or script of a release page
SIZE_CAP_META = "foicrawl_size_cap"  # request meta: stop the download after this many bytes
STOPPED_FLAG = "download_stopped"  # Scrapy's flag on a response whose download was stopped


def is_truncated(response) -> bool:
    return STOPPED_FLAG in (response.flags or []) and bool(response.meta.get(SIZE_CAP_META))


class SizeCap:
    """Stops a download once it passes its request's size cap, keeping what arrived."""

    def __init__(self, crawler):
        self.received: WeakKeyDictionary = WeakKeyDictionary()  # a retry is a new request: counted afresh
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def bytes_received(self, data: bytes, request, spider) -> None:
        cap = request.meta.get(SIZE_CAP_META)
        if not cap:
            return
        total = self.received.get(request, 0) + len(data)
        self.received[request] = total
        if total > cap:
            raise StopDownload(fail=False)
