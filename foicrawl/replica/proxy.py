"""A misbehaving proxy in front of a replica site: the faults of real servers that are about bytes on
the wire (encodings, header bytes, document types), switched on one by one.

The proxy asks the replica for each page uncompressed, then answers the client with the fault applied
to the pages whose path matches the fault's pattern (every HTML page when the pattern is empty);
other answers are gzipped when the client accepts it, as the replica does. It
writes its answers byte for byte, so a header can carry raw UTF-8 or any name case and order. Control
paths (`/__replica__/`) pass through untouched.
"""

from __future__ import annotations

import gzip
import http.client
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CONTROL = "/__replica__/"
# Response headers the proxy sets itself (framing), never copied from the replica.
CUT = b"X-Proxy-Cut-At"  # not sent: where the "cut-body" fault stops writing
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "vary"}


def _zstd(data: bytes) -> bytes:
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd
    return zstd.compress(data)


def _bomb(size: int) -> bytes:
    """A gzip body that inflates to `size` bytes of spaces: small on the wire, huge in memory."""
    out = gzip.compress(b"<!DOCTYPE html><html><body>" + b" " * size + b"</body></html>", compresslevel=9, mtime=0)
    return out


def _xhtml(body: bytes) -> bytes:
    """The page as XHTML served by an XML toolchain: an XML declaration first, the XHTML namespace."""
    text = re.sub(rb"^\s*<!DOCTYPE[^>]*>", b"", body, count=1, flags=re.I)
    text = re.sub(rb"<html\b", b'<html xmlns="http://www.w3.org/1999/xhtml"', text, count=1, flags=re.I)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n' + text)  # fmt: skip


# Each fault: (what it does, how it changes (headers, body) of a matching page).
Headers = list[tuple[bytes, bytes]]
FAULTS: dict[str, tuple[str, Callable[[Headers, bytes], tuple[Headers, bytes]]]] = {
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


class MisbehavingProxy:
    """`faults` maps a fault name to a regular expression on the path (with query) of the pages it
    applies to; an empty pattern means every HTML page."""

    def __init__(self, upstream: str, faults: dict[str, str], port: int = 0):
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown proxy faults: {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}")
        self.upstream = urlsplit(upstream)
        self.faults = {name: re.compile(pattern) for name, pattern in faults.items()}
        self.applied: dict[str, int] = {name: 0 for name in faults}
        self.sent_heads: dict[str, bytes] = {}  # path -> the last status and header block sent for it
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fetch(self, method: str, target: str, headers) -> tuple[int, str, Headers, bytes]:
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        forwarded = {k: v for k, v in headers.items() if k.lower() not in ("host", "accept-encoding", "connection")}
        connection.request(method, target, headers={**forwarded, "Accept-Encoding": "identity"})
        reply = connection.getresponse()
        body = reply.read()
        connection.close()
        kept = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in reply.getheaders() if n.lower() not in HOP_BY_HOP]
        return reply.status, reply.reason, kept, body

    def misbehave(self, target: str, status: int, headers: Headers, body: bytes) -> tuple[Headers, bytes]:
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        if target.startswith(CONTROL) or status != 200:
            return headers, body
        for name, pattern in self.faults.items():
            matches = pattern.search(target) if pattern.pattern else content_type.startswith(b"text/html")
            if matches:
                headers, body = FAULTS[name][1](headers, body)
                with self.lock:
                    self.applied[name] += 1
        return headers, body

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.relay(send_body=True)

            def do_HEAD(self) -> None:
                self.relay(send_body=False)

            def relay(self, send_body: bool) -> None:
                status, reason, headers, body = proxy.fetch(self.command, self.path, self.headers)
                headers, body = proxy.misbehave(self.path, status, headers, body)
                encoded = any(name.lower() == b"content-encoding" for name, _ in headers)
                if not encoded and "gzip" in (self.headers.get("Accept-Encoding") or "") and len(body) > 256:
                    headers, body = headers + [(b"Content-Encoding", b"gzip")], gzip.compress(body, mtime=0)
                cut = len(body) // 2 if any(n == CUT for n, _ in headers) else None
                head = [f"HTTP/1.1 {status} {reason}".encode("latin-1")]
                head += [name + b": " + value for name, value in headers if name != CUT]
                head.append(b"Content-Length: " + str(len(body)).encode())
                sent = body if cut is None else body[:cut]
                block = b"\r\n".join(head) + b"\r\n\r\n"
                with proxy.lock:
                    proxy.sent_heads[self.path] = block
                self.wfile.write(block + (sent if send_body else b""))
                if cut is not None:
                    self.wfile.flush()
                    self.close_connection = True

            def log_message(self, format: str, *args) -> None:
                pass

        return Handler

    def start(self) -> MisbehavingProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def misbehaving(upstream: str, faults: dict[str, str]):
    proxy = MisbehavingProxy(upstream, faults).start()
    try:
        yield proxy
    finally:
        proxy.stop()
