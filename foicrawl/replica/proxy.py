"""A misbehaving reverse proxy: put it between the crawler and any site (a replica, a mirror) to see
what a crawl does when the web misbehaves. The crawler is pointed at the proxy (`-a base_url=<proxy
origin>`); the proxy forwards every request to the site and passes its answer on byte for byte,
except where a fault is switched on. Two families of faults:

- ANSWER_FAULTS answer instead of the site, as a bad day on the real web would: a redirect to another
  host, a cookie wall that redirects to the same URL, a redirect loop, an error page served with 200,
  a 500, a 404, a dropped connection.
- WIRE_FAULTS change the site's own 200 answer on the wire (encodings, header bytes, document types):
  the page is decoded, changed, and gzipped again when the client accepts it, as a server would.

    with misbehaving(site_origin, {"zstd": r"date/\\?id="}) as proxy: ...   # name -> path pattern
    with MisbehavingProxy(site_origin) as proxy:
        proxy.add("error-page", match=r"page=2&", times=1)

A fault matches requests whose target (path and query) its `match` regular expression finds, for its
first `times` matches (every one when None); a wire fault with an empty pattern applies to every HTML
page. Control paths (`/__replica__/`) always pass untouched. The proxy writes its answers byte for
byte, so a header can carry raw UTF-8 or any name case and order; `sent_heads` keeps the last status
and header block sent for each target, `applied` how many answers each fault made.
"""

from __future__ import annotations

import gzip
import http.client
import re
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from foicrawl.replica.local_server import LocalServer

CONTROL = "/__replica__/"
COOKIE = "replica_consent=yes"
CUT = b"X-Proxy-Cut-At"  # not sent: where the "cut-body" fault stops writing
# Framing is the proxy's own business on each side; everything else passes as the site sent it.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>Sorry</title></head><body><h1>Sorry, something went wrong</h1>"
              b"<p>The service is temporarily unavailable. Please try again later.</p></body></html>")  # fmt: skip
Headers = list[tuple[bytes, bytes]]

ANSWER_FAULTS = {
    "redirect-offsite": "302 to the same path on another host (`target`, an origin)",
    "cookie-redirect": "302 to the same URL with Set-Cookie, until the request carries the cookie",
    "redirect-loop": "302 to the same URL, for ever",
    "error-page": "200 with an error page instead of the content",
    "server-error": "500, every time (so every retry fails too)",
    "not-found": "404, as if the page were gone",
    "drop": "the connection closes without an answer",
}


def _zstd(data: bytes) -> bytes:
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd
    return zstd.compress(data)


def _bomb(size: int) -> bytes:
    """A gzip body that inflates to `size` bytes of spaces: small on the wire, huge in memory."""
    return gzip.compress(b"<!DOCTYPE html><html><body>" + b" " * size + b"</body></html>", compresslevel=9, mtime=0)


def _xhtml(body: bytes) -> bytes:
    """The page as XHTML served by an XML toolchain: an XML declaration first, the XHTML namespace."""
    text = re.sub(rb"^\s*<!DOCTYPE[^>]*>", b"", body, count=1, flags=re.I)
    text = re.sub(rb"<html\b", b'<html xmlns="http://www.w3.org/1999/xhtml"', text, count=1, flags=re.I)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n' + text)  # fmt: skip


# Each wire fault: (what it does, how it changes (headers, body) of a matching page).
WIRE_FAULTS: dict[str, tuple[str, Callable[[Headers, bytes], tuple[Headers, bytes]]]] = {
    "zstd": ("answers zstd whatever the client accepts",
             lambda h, b: (h + [(b"Content-Encoding", b"zstd")], _zstd(b))),
    "unknown-coding": ("labels a gzip body with a Content-Encoding nobody knows",
                       lambda h, b: (h + [(b"Content-Encoding", b"x-squash")], gzip.compress(b, mtime=0))),
    "double-gzip": ("gzips the page twice and says so: Content-Encoding: gzip, gzip",
                    lambda h, b: (h + [(b"Content-Encoding", b"gzip, gzip")], gzip.compress(gzip.compress(b, mtime=0), mtime=0))),
    "gzip-twice-said-once": ("gzips the page twice but says gzip once (a misconfigured server)",
                             lambda h, b: (h + [(b"Content-Encoding", b"gzip")], gzip.compress(gzip.compress(b, mtime=0), mtime=0))),
    "gzip-bomb": ("answers a small gzip body that inflates to 64 MB",
                  lambda h, b: (h + [(b"Content-Encoding", b"gzip")], _bomb(64 * 1024 * 1024))),
    "xhtml": ("serves the page as XHTML with an XML declaration",
              lambda h, b: ([(n, v) for n, v in h if n.lower() != b"content-type"]
                            + [(b"Content-Type", b"application/xhtml+xml; charset=utf-8")], _xhtml(b))),
    "raw-headers": ("adds headers with raw UTF-8 bytes and unusual name case, in a fixed order",
                    lambda h, b: (h + [(b"content-disposition", "inline; filename=\"Réponse_FOI–2024.html\"".encode()),
                                       (b"X-Council-NOTE", "Grüße aus Hastings".encode()),
                                       (b"x-lower-case", b"kept as sent")], b)),
    "cut-body": ("closes the connection halfway through the body it announced",
                 lambda h, b: (h + [(CUT, b"half")], b)),
    "set-cookie": ("sets a session cookie, as many council sites do",
                   lambda h, b: (h + [(b"Set-Cookie", b"session=abc123; Path=/; HttpOnly")], b)),
}
FAULTS = {**ANSWER_FAULTS, **{name: what for name, (what, _) in WIRE_FAULTS.items()}}


@dataclass
class Fault:
    kind: str
    match: str = ""
    times: int | None = None
    target: str | None = None  # the other host's origin, for redirect-offsite
    served: int = 0
    pattern: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULTS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(FAULTS)}")
        if self.kind == "redirect-offsite" and not self.target:
            raise ValueError("redirect-offsite needs a target origin")
        self.pattern = re.compile(self.match)

    def applies(self, target: str, headers, content_type: bytes = b"") -> bool:
        if self.times is not None and self.served >= self.times:
            return False
        if self.kind in WIRE_FAULTS and not self.match:
            return content_type.startswith(b"text/html")
        if not self.pattern.search(target):
            return False
        return not (self.kind == "cookie-redirect" and COOKIE in (headers.get("Cookie") or ""))


class MisbehavingProxy(LocalServer):
    """A reverse proxy on 127.0.0.1 in front of `upstream` (an origin), with switchable faults;
    `faults` maps fault names to path patterns (the same as `add(name, pattern)` for each)."""

    def __init__(self, upstream: str, faults: dict[str, str] | None = None, port: int = 0):
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.faults: list[Fault] = []
        self.applied: Counter[str] = Counter()  # answers each fault made, by kind
        self.sent_heads: dict[str, bytes] = {}  # target -> the last status and header block sent for it
        self.lock = threading.Lock()
        for name, pattern in (faults or {}).items():
            self.add(name, pattern)
        super().__init__(_handler(self), port)

    def add(self, kind: str, match: str = "", times: int | None = None, target: str | None = None) -> Fault:
        fault = Fault(kind, match, times, target)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()

    def fault_for(self, family, target: str, headers, content_type: bytes = b"") -> list[Fault]:
        """The faults of `family` that answer this request now (each counted as applied)."""
        if target.startswith(CONTROL):
            return []
        found = []
        with self.lock:
            for fault in self.faults:
                if fault.kind in family and fault.applies(target, headers, content_type):
                    fault.served += 1
                    self.applied[fault.kind] += 1
                    found.append(fault)
        return found

    def forward(self, method: str, target: str, headers, body: bytes) -> tuple[int, str, Headers, bytes]:
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
            sent["Host"] = f"{self.upstream_host}:{self.upstream_port}"
            connection.request(method, target, body=body or None, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
            kept = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.getheaders()
                    if k.lower() not in HOP_BY_HOP]  # fmt: skip
            return answer.status, answer.reason, kept, content
        finally:
            connection.close()

    def misbehave_on_the_wire(self, target: str, request_headers, status: int, headers: Headers,
                              body: bytes) -> tuple[Headers, bytes]:  # fmt: skip
        """The site's 200 answer with every matching wire fault applied to its decoded page."""
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        faults = self.fault_for(WIRE_FAULTS, target, request_headers, content_type) if status == 200 else []
        if not faults:
            return headers, body
        coding = next((v for n, v in headers if n.lower() == b"content-encoding"), b"").strip().lower()
        if coding == b"gzip":
            body = gzip.decompress(body)
        elif coding:  # a coding the proxy cannot undo: pass the answer as it is
            return headers, body
        headers = [(n, v) for n, v in headers if n.lower() not in (b"content-encoding", b"content-length")]
        for fault in faults:
            headers, body = WIRE_FAULTS[fault.kind][1](headers, body)
        encoded = any(name.lower() == b"content-encoding" for name, _ in headers)
        if not encoded and "gzip" in (request_headers.get("Accept-Encoding") or "") and len(body) > 256:
            headers, body = headers + [(b"Content-Encoding", b"gzip")], gzip.compress(body, mtime=0)
        return headers, body


@contextmanager
def misbehaving(upstream: str, faults: dict[str, str]):
    """A running proxy with `faults` ({name: path pattern}) switched on."""
    with MisbehavingProxy(upstream, faults) as proxy:
        yield proxy


def _answer_instead(fault: Fault, target: str, host: str) -> tuple[int, str, Headers, bytes]:
    same_url = f"http://{host}{target}".encode("latin-1")
    html = (b"Content-Type", b"text/html; charset=utf-8")
    if fault.kind == "redirect-offsite":
        return 302, "Found", [(b"Location", (fault.target.rstrip("/") + target).encode("latin-1"))], b""
    if fault.kind == "cookie-redirect":
        return 302, "Found", [(b"Location", same_url), (b"Set-Cookie", f"{COOKIE}; Path=/".encode())], b""
    if fault.kind == "redirect-loop":
        return 302, "Found", [(b"Location", same_url)], b""
    if fault.kind == "error-page":
        return 200, "OK", [html], ERROR_PAGE
    if fault.kind == "not-found":
        return 404, "Not Found", [html], b"<!DOCTYPE html><h1>Page not found</h1>"
    return 500, "Internal Server Error", [(b"Content-Type", b"text/plain")], b"Internal Server Error"


def _handler(proxy: MisbehavingProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.respond()

        do_HEAD = do_POST = do_GET

        def respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            faults = proxy.fault_for(ANSWER_FAULTS, self.path, self.headers)
            if faults and faults[0].kind == "drop":
                self.close_connection = True
                return
            if faults:
                status, reason, headers, content = _answer_instead(faults[0], self.path, self.headers.get("Host") or "")
                headers = [(b"Date", formatdate(usegmt=True).encode()), *headers]
            else:  # the site's own Date and Server headers pass through
                status, reason, headers, content = proxy.forward(self.command, self.path, self.headers, body)
                headers, content = proxy.misbehave_on_the_wire(self.path, self.headers, status, headers, content)
            self.write(status, reason, headers, content)

        def write(self, status: int, reason: str, headers: Headers, content: bytes) -> None:
            framed = self.command != "HEAD" and status not in (204, 304)  # answers that carry a body
            cut = len(content) // 2 if any(n == CUT for n, _ in headers) else None
            head = [f"HTTP/1.1 {status} {reason}".encode("latin-1")]
            head += [name + b": " + value for name, value in headers
                     if name != CUT and (name.lower() != b"content-length" or not framed)]  # fmt: skip
            if framed:
                head.append(b"Content-Length: " + str(len(content)).encode())
            block = b"\r\n".join(head) + b"\r\n\r\n"
            with proxy.lock:
                proxy.sent_heads[self.path] = block
            sent = b"" if self.command == "HEAD" else content if cut is None else content[:cut]
            self.wfile.write(block + sent)
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler
