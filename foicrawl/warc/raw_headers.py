"""The response header block as it came off the wire, for the WARC record.

Scrapy hands on headers re-parsed into a dict (names re-cased, repeated names grouped, values as
latin-1), and warcio writes what it is given re-serialised (non-ASCII bytes percent-encoded). The
bytes are still reachable one layer down: Twisted's HTTP parser receives every status and header
line whole (`lineReceived`, the line with its CR, the LF stripped). This download handler is
Scrapy's HTTP/1.1 handler with a parser that keeps those lines, the same way Scrapy itself swaps
in its lenient parser (by replacing the class of the parser each request creates), and hands them
to the WARC writer through `raw_head(response)`.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy.core.downloader.handlers import http11
from twisted.web._newclient import HEADER, STATUS

_RAW_HEADS: WeakKeyDictionary = WeakKeyDictionary()
RAW_HEAD_ATTRIBUTE = "_foicrawl_raw_head"


def raw_head(response) -> bytes | None:
    """The status line and header lines of `response` as received, ending with the blank line;
    None for a response that did not come through this handler (file://, the browser)."""
    return _RAW_HEADS.get(response)


class _RawHeadParser(http11._LenientHTTPClientParser):
    def lineReceived(self, line: bytes) -> None:
        if self.state == STATUS:
            self.__dict__["_raw_lines"] = []
        if self.state in (STATUS, HEADER):
            self.__dict__.setdefault("_raw_lines", []).append(line + b"\n")
            if self.state == HEADER and not line.rstrip(b"\r"):
                # Before the parser sees the blank line: for a response without a body it hands
                # the response on at once.
                setattr(self.response, RAW_HEAD_ATTRIBUTE, b"".join(self._raw_lines))
        super().lineReceived(line)


class _RawHeadProtocol(http11._LenientHTTP11ClientProtocol):
    def request(self, request):
        result = super().request(request)
        self._parser.__class__ = _RawHeadParser  # no extra state at creation: safe, as Scrapy's swap is
        return result


class _RawHeadFactory(http11._LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):
        return _RawHeadProtocol(self._quiescentCallback)


class _RawHeadAgent(http11._ScrapyAgent):
    def _cb_bodydone(self, result, url):
        response = super()._cb_bodydone(result, url)
        head = getattr(result["txresponse"], RAW_HEAD_ATTRIBUTE, None)
        if head is not None:
            _RAW_HEADS[response] = head
        return response


class RawHeadersDownloadHandler(http11.HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, keeping each response's header bytes."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = _RawHeadFactory
        # download_request builds its agent from the module's name: point it at ours.
        http11._ScrapyAgent = _RawHeadAgent
