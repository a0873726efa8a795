"""A local HTTP server that serves replicas of the councils' sites: the web for demos, tests and
benchmarks.

Each site answers on its own port with the paths, markup and formats of the live site (see
shared/SITES.md): robots.txt, gzip when asked, ETag and Last-Modified with 304 answers, 404 for a
withdrawn release. Optional faults make it behave as real sites do on a bad day. A control API under
`/__replica__/` lets a test or a person change the data while it is served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, urlsplit

from foicrawl.replica import pages_hastings, pages_herefordshire
from foicrawl.replica.dataset import FIRST_HASTINGS_YEAR, Dataset, ReplicaRelease
from foicrawl.replica.local_server import LocalServer

FAULTS = {
    "flaky": "the first request for a few pages answers 503 with Retry-After",
    "missing-ref": "one extra release page shows no case reference",
    "bad-date": "one release shows a date that is not a date",
    "duplicate-ref": "one extra release page shows another release's case reference",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROBOTS = "User-agent: *\nDisallow: /__replica__/\nDisallow: /search\n"
CONTROL = "/__replica__/"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    cacheable: bool = True


def html_reply(text: str, status: int = 200, **kwargs) -> Reply:
    return Reply(status, text.encode("utf-8"), **kwargs)


def not_found() -> Reply:
    return html_reply("<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>", 404)


class ReplicaSite:
    """One council's site. Subclasses route paths to pages."""

    def __init__(self, dataset: Dataset, theme: str = "standard", faults: tuple[str, ...] = ()):
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}")
        self.dataset = dataset
        self.theme = theme
        self.faults = set(faults)
        self.hits: Counter[str] = Counter()  # requests served, by path with query
        self.flaky_paths: set[str] = set()
        self.down = False  # when set, every connection is dropped without an answer: a dead site
        self.lock = threading.Lock()
        if "missing-ref" in self.faults:
            self._add_fault_release(case_ref=None)
        if "bad-date" in self.faults:
            self._add_fault_release(shown_dates={self.date_field: "31 Febtember 2023"})
        if "duplicate-ref" in self.faults:  # a council reusing a reference, or mistyping one
            listed = self.dataset.listed()
            self._add_fault_release(case_ref=listed[len(listed) // 2].case_ref)

    date_field = "published"

    def _add_fault_release(self, **changes) -> None:
        release = self.dataset.publish(1, on=self.dataset.today)[0]
        for key, value in changes.items():
            setattr(release, key, value)

    @property
    def requests_served(self) -> int:
        with self.lock:
            return sum(n for path, n in self.hits.items() if not path.startswith(CONTROL))

    def handle(self, method: str, target: str, headers) -> Reply:
        with self.lock:
            self.hits[target] += 1
            first_time = self.hits[target] == 1
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path.startswith(CONTROL):
            return self.control(parts.path[len(CONTROL):], query)
        if method not in ("GET", "HEAD"):
            return Reply(405, b"", headers={"Allow": "GET, HEAD"})
        if parts.path == "/robots.txt":
            return Reply(200, ROBOTS.encode(), "text/plain; charset=utf-8")
        if "flaky" in self.faults and first_time and target in self.flaky_paths:
            return Reply(503, b"Service temporarily unavailable", "text/plain", {"Retry-After": "1"}, False)
        return self.route(parts.path, query)

    def route(self, path: str, query: dict[str, str]) -> Reply:
        raise NotImplementedError

    def control(self, action: str, query: dict[str, str]) -> Reply:
        """Change the data while it is served: publish, edit, withdraw, theme; state reports."""
        data = self.dataset
        if action == "publish":  # `on=YYYY-MM-DD`: dated like older releases (among them, or backdated)
            on = date.fromisoformat(query["on"]) if "on" in query else None
            changed = [r.case_ref for r in data.publish(int(query.get("count", "1")), on=on)]
        elif action == "edit":
            changed = [data.edit(query["ref"]).case_ref]
        elif action == "withdraw":
            changed = [data.withdraw(query["ref"]).case_ref]
        elif action == "theme":
            self.theme = query["name"]
            changed = []
        elif action in ("down", "up"):
            self.down = action == "down"
            changed = []
        elif action == "state":
            changed = []
        else:
            return Reply(404, b"unknown control action", "text/plain", cacheable=False)
        state = {
            "council": data.council,
            "theme": self.theme,
            "changed": changed,
            "expected_refs": sorted(data.expected_refs()),
            "requests_served": self.requests_served,
        }
        return Reply(200, json.dumps(state).encode(), "application/json", cacheable=False)


class HerefordshireSite(ReplicaSite):
    """The hosted disclosure-log platform: paginated listing, release pages, documents."""

    page_size = 20

    def __init__(self, dataset: Dataset, theme: str = "standard", faults: tuple[str, ...] = (),
                 shift_every: int = 0, withdraw_every: int = 0, max_shifts: int = 0):  # fmt: skip
        super().__init__(dataset, theme, faults)
        # A listing that shifts mid-crawl: after every `shift_every` listing pages a release is
        # published (pages move down); after every `withdraw_every`, the newest is withdrawn (up).
        self.shift_every = shift_every
        self.withdraw_every = withdraw_every
        self.shifts_left = max_shifts or None  # None: no limit
        self.listing_requests = 0
        listed = dataset.listed()
        self.flaky_paths = {f"/disclosures?page=2&sortType={pages_herefordshire.SORT}",
                            f"/disclosures/{listed[len(listed) // 2].uid}"}  # fmt: skip

    def route(self, path: str, query: dict[str, str]) -> Reply:
        if path in ("/", "/disclosures", "/disclosures/"):
            return self.listing(query.get("page", "1"))
        parts = path.strip("/").split("/")
        if parts[0] != "disclosures" or len(parts) not in (2, 4):
            return council_page(path, pages_herefordshire.COUNCIL_NAME) or not_found()
        release = self.dataset.get(parts[1])
        if release is None or release.withdrawn:
            return not_found()
        if len(parts) == 2:
            return self.release(release)
        if parts[2] != "documents":
            return not_found()
        document = next((d for d in release.documents if d.uid == parts[3]), None)
        if document is None:
            return not_found()
        if getattr(document, "status", 200) != 200:
            return not_found()
        media = {"pdf": "application/pdf", "csv": "text/csv", "xlsx": XLSX}.get(document.fmt, "application/octet-stream")
        if getattr(document, "raw_utf8_name", False):  # the UTF-8 bytes as they are, as some servers send
            disposition = 'attachment; filename="' + document.title.encode().decode("latin-1") + '"'
        else:  # RFC 6266: a UTF-8 name, percent-encoded
            disposition = f"attachment; filename*=UTF-8''{quote(document.title)}"
        return Reply(200, document.content, media, {
            "Content-Disposition": disposition,
            "Last-Modified": release.last_modified,
        })  # fmt: skip

    def release(self, release: ReplicaRelease) -> Reply:
        page = pages_herefordshire.release_page(release, self.theme)
        return html_reply(page, headers={"Last-Modified": release.last_modified})

    def listing(self, page_text: str) -> Reply:
        if not page_text.isdigit() or int(page_text) < 1:
            return html_reply("<h1>Bad request</h1><p>page must be a positive number</p>", 400)
        with self.lock:
            self.listing_requests += 1
            publish = self.shift_every and self.listing_requests % self.shift_every == 0
            withdraw = self.withdraw_every and self.listing_requests % self.withdraw_every == 0
            if self.shifts_left is not None and (publish or withdraw):
                if self.shifts_left == 0:
                    publish = withdraw = False
                self.shifts_left = max(0, self.shifts_left - 1)
        if publish:
            self.dataset.publish(1)
        if withdraw:
            self.dataset.withdraw(self.dataset.listed()[0].case_ref)
        page = int(page_text)
        listed = self.dataset.listed()
        pages = max(1, -(-len(listed) // self.page_size))
        chunk = listed[(page - 1) * self.page_size : page * self.page_size]
        return html_reply(pages_herefordshire.listing_page(chunk, page, pages, len(listed), self.theme))


class HastingsSite(ReplicaSite):
    """Hastings Borough Council: year listings, category listings, release pages under both."""

    date_field = "requested"

    def __init__(self, dataset: Dataset, theme: str = "standard", faults: tuple[str, ...] = ()):
        super().__init__(dataset, theme, faults)
        listed = dataset.listed()
        # A few releases are linked from their year page by their category/ URL, as on real sites.
        self.category_linked = {r.uid for r in listed if int(hashlib.sha1(r.uid.encode()).hexdigest(), 16) % 20 == 0}
        self.flaky_paths = {f"{pages_hastings.LOG}date/?year=2020", f"{pages_hastings.LOG}date/?id={listed[3].uid}"}

    @property
    def years(self) -> list[int]:
        return list(range(FIRST_HASTINGS_YEAR, self.dataset.today.year + 1))

    def categories(self) -> list[tuple[str, str]]:
        names = sorted({r.category for r in self.dataset.listed() if r.category})
        return [(name.lower().replace(" ", "-"), name) for name in names]

    def route(self, path: str, query: dict[str, str]) -> Reply:
        log = pages_hastings.LOG
        if path == "/":
            return html_reply(pages_hastings.log_index())
        if path == log:
            return html_reply(pages_hastings.log_index())
        if path not in (f"{log}date/", f"{log}category/"):
            return council_page(path, "Hastings Borough Council") or not_found()
        via = "date" if path.endswith("date/") else "category"
        if "id" in query:
            release = self.dataset.get(query["id"])
            if release is None or release.withdrawn:
                return not_found()
            page = pages_hastings.release_page(release, via, self.theme)
            return html_reply(page, headers={"Last-Modified": release.last_modified})
        if via == "category":
            if "category" not in query:
                return html_reply(pages_hastings.category_index(self.categories()))
            names = dict(self.categories())
            if query["category"] not in names:
                return not_found()
            name = names[query["category"]]
            return html_reply(pages_hastings.category_listing(name, [r for r in self.dataset.listed() if r.category == name]))
        year_text = query.get("year", str(self.dataset.today.year))
        if not year_text.isdigit():
            return not_found()
        year = int(year_text)
        releases = [r for r in self.dataset.listed() if r.requested and r.requested.year == year]
        return html_reply(pages_hastings.year_listing(year, self.years, releases, self.theme, self.category_linked))


SITES = {"herefordshire": HerefordshireSite, "hastings": HastingsSite}


def council_page(path: str, council_name: str) -> Reply | None:
    from foicrawl.replica.council_pages import council_page as page  # it builds on this module's Reply

    return page(path, council_name)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(reply: Reply, headers) -> bool:
    etag = reply.headers.get("ETag")
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return etag is not None and etag in [t.strip() for t in if_none_match.split(",")]
    since, modified = headers.get("If-Modified-Since"), reply.headers.get("Last-Modified")
    if since and modified:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def make_handler(site: ReplicaSite):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ReplicaHTTP/1.0"
        # Answer at network speed on kept-alive connections: no Nagle delay waiting for the
        # client's delayed ACK (40 ms a request), and the head and body go out in one write.
        disable_nagle_algorithm = True

        def send(self, body: bytes = b"") -> None:
            """End the head and write it with the body in one write (not end_headers: it
            writes the head alone)."""
            self._headers_buffer.append(b"\r\n")
            head = b"".join(self._headers_buffer)
            self._headers_buffer = []
            self.wfile.write(head + body)

        def do_GET(self) -> None:
            self.respond(send_body=True)

        def do_HEAD(self) -> None:
            self.respond(send_body=False)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.respond(send_body=True)

        def respond(self, send_body: bool) -> None:
            if site.down and not self.path.startswith(CONTROL):
                self.close_connection = True  # no status line, nothing: the client sees the connection drop
                return
            try:
                reply = site.handle(self.command, self.path, self.headers)
            except Exception as error:  # a replica bug must show, not hang the client
                reply = Reply(500, f"replica error: {error!r}".encode(), "text/plain", cacheable=False)
            body = reply.body
            headers = {"Content-Type": reply.content_type, **reply.headers}
            if reply.cacheable and reply.status == 200:
                headers["ETag"] = _etag(body)
                reply.headers["ETag"] = headers["ETag"]
                if _not_modified(reply, self.headers):
                    self.send_response(304)
                    for name in ("ETag", "Last-Modified"):
                        if name in headers:
                            self.send_header(name, headers[name])
                    self.send_header("Content-Length", "0")
                    self.send()
                    return
            if "gzip" in (self.headers.get("Accept-Encoding") or "") and len(body) > 256:
                body = gzip.compress(body, mtime=0)
                headers["Content-Encoding"] = "gzip"
                headers["Vary"] = "Accept-Encoding"
            self.send_response(reply.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send(body if send_body else b"")

        def log_message(self, format: str, *args) -> None:  # quiet: the site counts its hits
            pass

    return Handler


class ReplicaServer(LocalServer):
    """A replica site listening on 127.0.0.1, served from a background thread."""

    def __init__(self, site: ReplicaSite, port: int = 0, host: str = "127.0.0.1"):
        self.site = site
        super().__init__(make_handler(site), port, host)


def build_site(council: str, dataset: Dataset, **options) -> ReplicaSite:
    if council not in SITES:
        raise ValueError(f"no replica for council {council!r}; known: {', '.join(SITES)}")
    return SITES[council](dataset, **options)


@contextmanager
def serving(site: ReplicaSite, port: int = 0):
    server = ReplicaServer(site, port).start()
    try:
        yield server
    finally:
        server.stop()
