"""A misbehaving reverse proxy: put it between the crawler and any site (a replica, a mirror) to
see what a crawl does when the web misbehaves.

The crawler is pointed at the proxy (`-a base_url=<proxy origin>`); the proxy forwards every request
to the site, byte for byte, except those a fault matches, which it answers as a bad day on the real
web would: a redirect to another host, a cookie wall that redirects to the same URL, a redirect loop,
an error page served with 200, a 500, a dropped connection.

    with MisbehavingProxy(site_origin) as proxy:
        proxy.add("error-page", match=r"page=2&", times=1)
        ... crawl proxy.base_url ...

A fault matches requests whose target (path and query) the `match` regular expression finds, for
its first `times` matching requests (every one when None).
"""

from __future__ import annotations

import http.client
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = {
    "redirect-offsite": "302 to the same path on another host (`target`, an origin)",
    "cookie-redirect": "302 to the same URL with Set-Cookie, until the request carries the cookie",
    "redirect-loop": "302 to the same URL, for ever",
    "error-page": "200 with an error page instead of the content",
    "server-error": "500, every time (so every retry fails too)",
    "not-found": "404, as if the page were gone",
    "drop": "the connection closes without an answer",
}
COOKIE = "replica_consent=yes"
# Framing is the proxy's own business on each side; everything else passes as the site sent it.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>Sorry</title></head><body><h1>Sorry, something went wrong</h1>"
              b"<p>The service is temporarily unavailable. Please try again later.</p></body></html>")  # fmt: skip


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

    def applies(self, target: str, headers) -> bool:
        if not self.pattern.search(target) or (self.times is not None and self.served >= self.times):
            return False
        if self.kind == "cookie-redirect" and COOKIE in (headers.get("Cookie") or ""):
            return False
        return True


class MisbehavingProxy:
    """A reverse proxy on 127.0.0.1 in front of `upstream` (an origin), with switchable faults."""

    def __init__(self, upstream: str, port: int = 0):
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.faults: list[Fault] = []
        self.faulted: Counter[str] = Counter()  # requests answered by a fault, by kind
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, kind: str, match: str = "", times: int | None = None, target: str | None = None) -> Fault:
        fault = Fault(kind, match, times, target)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()

    def fault_for(self, target: str, headers) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.applies(target, headers):
                    fault.served += 1
                    self.faulted[fault.kind] += 1
                    return fault
        return None

    def forward(self, method: str, target: str, headers, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
            sent["Host"] = f"{self.upstream_host}:{self.upstream_port}"
            connection.request(method, target, body=body or None, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
            return answer.status, [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP], content
        finally:
            connection.close()

    def start(self) -> MisbehavingProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> MisbehavingProxy:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


def _misbehave(fault: Fault, target: str, host: str) -> tuple[int, list[tuple[str, str]], bytes]:
    same_url = f"http://{host}{target}"
    if fault.kind == "redirect-offsite":
        return 302, [("Location", fault.target.rstrip("/") + target)], b""
    if fault.kind == "cookie-redirect":
        return 302, [("Location", same_url), ("Set-Cookie", f"{COOKIE}; Path=/")], b""
    if fault.kind == "redirect-loop":
        return 302, [("Location", same_url)], b""
    if fault.kind == "error-page":
        return 200, [("Content-Type", "text/html; charset=utf-8")], ERROR_PAGE
    if fault.kind == "not-found":
        return 404, [("Content-Type", "text/html; charset=utf-8")], b"<!DOCTYPE html><h1>Page not found</h1>"
    return 500, [("Content-Type", "text/plain")], b"Internal Server Error"


def _handler(proxy: MisbehavingProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.respond()

        do_HEAD = do_POST = do_GET

        def respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = proxy.fault_for(self.path, self.headers)
            if fault is not None and fault.kind == "drop":
                self.close_connection = True
                return
            if fault is not None:
                status, headers, content = _misbehave(fault, self.path, self.headers.get("Host") or "")
            else:
                status, headers, content = proxy.forward(self.command, self.path, self.headers, body)
            self.send_response_only(status)  # the site's own Date and Server headers pass through
            if fault is not None:
                self.send_header("Date", self.date_time_string())
            for name, value in headers:
                if name.lower() != "content-length" or self.command == "HEAD":
                    self.send_header(name, value)
            if self.command != "HEAD":
                self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler
