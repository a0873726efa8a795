"""Browser traffic as WARC evidence, kept the way Browsertrix keeps it.

A `PageCapture` listens to one browser page (Playwright's `request`, `response`, `requestfinished`,
`requestfailed` and `pageerror` events) and keeps every exchange the page made: the page itself, its
scripts and styles, the answers its scripts asked for, and what the crawler fetched in the page's own
session (documents whose links expire). Bodies are read as soon as each response arrives, so none is
lost when the page closes.

`write_page` writes a page's exchanges together, in the order they arrived: each one a request/response
pair with the page's `WARC-Page-ID`. The bodies are what the browser received, decoded: the original
`Content-Encoding` and `Transfer-Encoding` are kept as `x-orig-…` headers, and `Content-Length` is the
length of the stored bytes, so the payload digest is the digest of what is stored. A payload already
archived becomes a revisit record. What the crawler made rather than received (the rendered DOM of each
frame, a screenshot) are `resource` records under `urn:dom:<frame url>` and `urn:view:<page url>`, never
`response` records: they are not what any server sent.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from foicrawl.items import Exchange
from foicrawl.warc.prior import PriorCaptures
from foicrawl.warc.reader import sha1_digest
from foicrawl.warc.writer import Capture, HttpMessage, RotatingWarcWriter

PAGE_CAPTURE = "foicrawl_page_capture"  # request.meta: the PageCapture of a browser request
PAGE_RECORDS = "foicrawl_page_records"  # request.meta: [(BrowserExchange, evidence dict or None)] once written
DECODED_HEADERS = ("content-encoding", "transfer-encoding")  # undone by the browser before we see the body
QUIET_SECONDS = 0.15


@dataclass
class BrowserExchange:
    """One request the page (or the crawler, in the page's session) made, and what came back."""

    url: str
    method: str
    resource_type: str
    moment: datetime
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    status: int | None = None
    reason: str = ""
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    ip_address: str | None = None
    error: str | None = None  # no response, or its body could not be read

    @property
    def received(self) -> bool:
        return self.status is not None and self.body is not None and self.error is None

    @property
    def content_type(self) -> str | None:
        return next((v for n, v in self.response_headers if n.lower() == "content-type"), None)

    def for_parser(self) -> Exchange:
        return Exchange(self.url, self.status, self.content_type, self.body)


@dataclass
class Snapshot:
    uri: str
    content_type: str
    data: bytes
    moment: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _pairs(headers) -> list[tuple[str, str]]:
    """Playwright's headers_array(), without HTTP/2 pseudo-headers."""
    return [(h["name"], h["value"]) for h in headers if not h["name"].startswith(":")]


def stored_response_headers(headers: list[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """Headers for a decoded body: encodings renamed `x-orig-…`, Content-Length the stored length."""
    stored = []
    for name, value in headers:
        lower = name.lower()
        if lower in DECODED_HEADERS:
            stored.append((f"x-orig-{name}", value))
        elif lower == "content-length":
            if value.strip() != str(body_length):
                stored.append((f"x-orig-{name}", value))
        else:
            stored.append((name, value))
    stored.append(("Content-Length", str(body_length)))
    return stored


class PageCapture:
    """Everything one browser page exchanged, collected from its events."""

    def __init__(self, page_url: str, user_agent: str | None = None):
        self.page_id = f"<urn:uuid:{uuid.uuid4()}>"
        self.page_url = page_url
        self.user_agent = user_agent
        self.exchanges: list[BrowserExchange] = []
        self.snapshots: list[Snapshot] = []
        self.page_errors: list[str] = []
        self.written = False
        self._reads: set[asyncio.Task] = set()
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._changed = asyncio.Event()

    def handlers(self) -> dict:
        return {"request": self.on_request, "response": self.on_response, "requestfinished": self.on_done,
                "requestfailed": self.on_failed, "pageerror": self.on_page_error}  # fmt: skip

    # Events
    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._changed.set()

    def on_request(self, request) -> None:
        self._in_flight += 1
        self._touch()

    def on_done(self, request) -> None:
        self._in_flight = max(0, self._in_flight - 1)
        self._touch()

    def on_failed(self, request) -> None:
        self.on_done(request)
        if not request.url.startswith(("http://", "https://")):
            return
        if any(x.url == request.url and x.status is not None and x.error is None for x in self.exchanges[-20:]):
            return  # it had a response; reading its body reports what went wrong
        exchange = BrowserExchange(request.url, request.method, request.resource_type, _now(),
                                   error=f"request failed: {request.failure}")  # fmt: skip
        self.exchanges.append(exchange)
        self._start(self._read_request(request, exchange))

    def on_response(self, response) -> None:
        if not response.url.startswith(("http://", "https://")):  # data: and blob: never crossed a network
            return
        request = response.request
        exchange = BrowserExchange(response.url, request.method, request.resource_type, _now(),
                                   status=response.status, reason=response.status_text)  # fmt: skip
        self.exchanges.append(exchange)
        self._start(self._read(response, exchange))

    def on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def _start(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._reads.add(task)
        task.add_done_callback(self._read_done)

    def _read_done(self, task) -> None:
        self._reads.discard(task)
        self._touch()

    async def _read_request(self, request, exchange: BrowserExchange) -> None:
        try:
            exchange.request_headers = _pairs(await request.headers_array())
        except Exception:  # noqa: BLE001 - the page is gone; the request line is still evidence
            exchange.request_headers = list(request.headers.items())
        exchange.request_body = request.post_data_buffer or b""

    async def _read(self, response, exchange: BrowserExchange) -> None:
        await self._read_request(response.request, exchange)
        try:
            exchange.response_headers = _pairs(await response.headers_array())
            if 300 <= response.status < 400 or response.status in (204, 304):
                exchange.body = b""  # no body to read (and Playwright will not give one for redirects)
            else:
                exchange.body = await response.body()
            address = await response.server_addr()
            exchange.ip_address = address["ipAddress"] if address else None
        except Exception as error:  # noqa: BLE001 - page closed, body evicted: say so in the record
            exchange.error = f"body not received: {type(error).__name__}: {error}"

    # Waiting
    async def drain(self) -> None:
        """Wait until every response body started has been read (or has failed)."""
        while self._reads:
            await asyncio.gather(*list(self._reads), return_exceptions=True)

    async def answered(self, *paths: str) -> list[BrowserExchange]:
        """Wait until the page has had an answer to each path (whatever its status), bodies read."""
        while True:
            found = [self.last_answer(path) for path in paths]
            if all(x is not None and (x.body is not None or x.error) for x in found):
                return found
            self._changed.clear()
            await self._changed.wait()

    def page_failed(self, url: str) -> bool:
        """Whether the page itself (its frame's document at `url`) was answered with an error: then its
        scripts never run, and there is nothing to wait for (a 5xx is asked again by Scrapy's retries)."""
        answer = next((x for x in reversed(self.exchanges) if x.resource_type == "document" and x.url == url), None)
        return answer is not None and answer.status is not None and answer.status >= 400

    def last_answer(self, path: str) -> BrowserExchange | None:
        return next((x for x in reversed(self.exchanges) if x.status is not None and urlsplit(x.url).path == path), None)

    async def quiet(self, seconds: float = QUIET_SECONDS) -> None:
        """Wait until nothing has been in flight for `seconds`: the scripts have done their work."""
        while self._in_flight or self._reads or time.monotonic() - self._last_activity < seconds:
            await asyncio.sleep(seconds / 3)

    # The crawler's own fetches, in the page's session
    async def fetch(self, page, url: str, timeout: float = 30.0, max_redirects: int = 5) -> BrowserExchange:
        """GET `url` with the page's browser context (its cookies, its session), following redirects
        one by one so that each hop is kept. Used for documents whose links expire."""
        for _ in range(max_redirects + 1):
            headers = {"Accept": "*/*", "Referer": self.page_url, **({"User-Agent": self.user_agent} if self.user_agent else {})}
            exchange = BrowserExchange(url, "GET", "fetch", _now(),
                                       request_headers=[("Host", urlsplit(url).netloc), *headers.items()])  # fmt: skip
            self.exchanges.append(exchange)
            try:
                response = await page.request.get(url, headers=headers, timeout=timeout * 1000, max_redirects=0,
                                                  fail_on_status_code=False)  # fmt: skip
                exchange.status, exchange.reason = response.status, response.status_text
                exchange.response_headers = [(h["name"], h["value"]) for h in response.headers_array]
                exchange.body = await response.body()
                await response.dispose()
            except Exception as error:  # noqa: BLE001 - a failed fetch is recorded as such
                exchange.status, exchange.error = None, f"request failed: {type(error).__name__}: {error}"
                return exchange
            location = next((v for n, v in exchange.response_headers if n.lower() == "location"), None)
            if not (300 <= exchange.status < 400 and location):
                return exchange
            url = urljoin(url, location)
        return exchange

    # What the crawler made
    async def snapshot(self, page, screenshot: bool = True) -> None:
        """The rendered DOM of every frame (cross-origin frames included: `page.content()` holds only
        the main frame) and a screenshot of the viewport."""
        for frame in page.frames:
            if frame.url.startswith(("http://", "https://")):
                html = await frame.content()
                self.snapshots.append(Snapshot(f"urn:dom:{frame.url}", "text/html; charset=utf-8", html.encode(), _now()))
        if screenshot:  # JPEG: a tenth of a PNG's size, and plenty to show what a reader saw
            image = await page.screenshot(type="jpeg", quality=60)
            self.snapshots.append(Snapshot(f"urn:view:{page.url}", "image/jpeg", image, _now()))


def request_message(exchange: BrowserExchange) -> HttpMessage:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(exchange.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    return HttpMessage(f"{exchange.method} {target} HTTP/1.1", headers, exchange.request_body, protocol="")


def response_message(exchange: BrowserExchange) -> HttpMessage:
    try:
        reason = exchange.reason or HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    return HttpMessage(f"{exchange.status} {reason}".strip(),
                       stored_response_headers(exchange.response_headers, len(exchange.body)), exchange.body)  # fmt: skip


def write_page(writer: RotatingWarcWriter, prior: PriorCaptures, page: PageCapture) -> list[tuple[BrowserExchange, Capture | None]]:
    """Write a page's exchanges and snapshots together, once. Returns each exchange with where its
    response went (None for an exchange that got no response)."""
    if page.written:
        return []
    page.written = True
    page_headers = {"WARC-Page-ID": page.page_id}
    written = []
    with writer.together():
        for exchange in page.exchanges:
            headers = {**page_headers, "WARC-Resource-Type": exchange.resource_type}
            if not exchange.received:
                writer.write_failure(exchange.url, request_message(exchange), exchange.moment,
                                     exchange.error or "no response", warc_headers=headers)  # fmt: skip
                written.append((exchange, None))
                continue
            digest = sha1_digest(exchange.body)
            revisit = prior.same_payload(exchange.url, digest, any_url=True) if exchange.status == 200 else None
            capture = writer.write_exchange(exchange.url, request_message(exchange), response_message(exchange),
                                            exchange.moment, exchange.ip_address, revisit, warc_headers=headers)  # fmt: skip
            if revisit is None and exchange.status == 200:
                prior.remember(exchange.url, exchange.moment.strftime("%Y%m%d%H%M%S"), digest, capture.warc_file,
                               capture.warc_offset)  # fmt: skip
            written.append((exchange, capture))
        for snapshot in page.snapshots:
            writer.write_resource(snapshot.uri, snapshot.content_type, snapshot.data, snapshot.moment, warc_headers=page_headers)
    return written
