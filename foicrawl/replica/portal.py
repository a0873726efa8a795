"""A replica of an iCasework case-management portal (Hertfordshire's), and a council page embedding it.

This is a plausible rendering, not a copy: nobody has a saved copy of an iCasework public portal page
or its scripts. What is real is taken from shared/real/icasework and shared/research/wave2.md: the
feed names and shapes (`getcases`, `getcasedetails`, `getcasedocuments`), the document URLs
`servlet/servlets.getImg?ref=D<id>&bin=Y&auth=0&db=…&access_token=<t>` whose token lives an hour,
errors as 400/403 with `X-Application-Error-Code`, and the embedded log URL
`cases?public=true&byCaseType=false&byKeyword=true&max=20&title=Disclosure%20Log&Embed=True`.

What is made up, consistently: the log page and each case's page (`cases?public=true&CaseId=<id>&
Embed=True`) are shells with no release data; their scripts ask the feeds and build the list (`max`
cases at a time, paged in the page) and the case view. Plain HTTP of any page therefore shows no
release; only a browser running the scripts does. Tokens are handed out for half their lifetime, so
an answer's links are good for at least half an hour (`token_ttl` seconds in tests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import threading
import time
from datetime import date, timedelta
from importlib import resources
from urllib.parse import quote

from foicrawl.replica import portal_feed as feed
from foicrawl.replica.portal_data import MEDIA_TYPES, PortalCase, PortalDataset
from foicrawl.replica.portal_pages import (
    ASSETS,
    COUNCIL_PAGE_PATH,
    LOG_PATH,
    case_shell,
    council_index,
    council_page,
    log_shell,
)
from foicrawl.replica.server import FAULTS, ReplicaSite, Reply, html_reply, not_found

ACCOUNT = "hertfordshire"
PORTAL_FAULTS = {
    "slow-feed": "every feed answer takes a second",
    "hung-case": "one case's details call does not answer for minutes: its page never settles",
    "script-error": "one case's page script throws (a case whose stage has no completion date)",
    "expired-token": "the first documents answer of each case hands out an already expired token",
}
FEEDS = {"/getcases", "/getcasedetails", "/getcasedocuments"}
DOCUMENT_PATH = "/servlet/servlets.getImg"


class AccessTokens:
    """Opaque tokens that expire `ttl` seconds after issue. The portal hands out the same token for
    half its life, so an answer's links stay good for at least `ttl / 2`."""

    def __init__(self, ttl: float, secret: bytes = b"foicrawl-replica"):
        self.ttl = ttl
        self.secret = secret

    def _sign(self, issued_ms: int) -> str:
        return hmac.new(self.secret, str(issued_ms).encode(), hashlib.sha256).hexdigest()[:24]

    def issue(self, now: float | None = None) -> str:
        step = self.ttl / 2
        issued_ms = int(math.floor((now if now is not None else time.time()) / step) * step * 1000)
        return f"{issued_ms}-{self._sign(issued_ms)}"

    def expired(self, now: float | None = None) -> str:
        issued_ms = int(((now if now is not None else time.time()) - self.ttl - 1) * 1000)
        return f"{issued_ms}-{self._sign(issued_ms)}"

    def valid(self, token: str, now: float | None = None) -> bool:
        issued, _, signature = token.partition("-")
        if not issued.isdigit() or not hmac.compare_digest(signature, self._sign(int(issued))):
            return False
        return (now if now is not None else time.time()) < int(issued) / 1000 + self.ttl


def api_error(status: int, code: str, info: str) -> Reply:
    return Reply(status, feed.ERROR_PAGE.encode(), "text/html;charset=UTF-8",
                 {"X-Application-Error-Code": code, "X-Application-Error-Info": info}, cacheable=False)  # fmt: skip


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class PortalSite(ReplicaSite):
    """The portal host (`<account>portal.icasework.com`): shells, scripts, feeds and documents."""

    FAULTS = {**{k: v for k, v in FAULTS.items() if k in ("flaky", "bad-date")}, **PORTAL_FAULTS}

    def __init__(self, dataset: PortalDataset, theme: str = "standard", faults: tuple[str, ...] = (),
                 token_ttl: float = 3600.0, feed_delay: float = 1.0, hang_seconds: float = 300.0):  # fmt: skip
        unknown = set(faults) - set(self.FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}; known: {', '.join(self.FAULTS)}")
        super().__init__(dataset, theme, tuple(f for f in faults if f in FAULTS))
        self.portal_faults = set(faults) & set(PORTAL_FAULTS)
        self.faults |= self.portal_faults
        self.tokens = AccessTokens(token_ttl)
        self.feed_delay = feed_delay
        self.hang_seconds = hang_seconds
        self.db = base64.b64encode(hashlib.sha1(ACCOUNT.encode()).digest()[:8]).decode()  # opaque, like the feed's
        self.local = threading.local()
        self.stale_tokens_given: set[str] = set()
        listed = dataset.listed()
        self.hung_case = listed[len(listed) // 3].uid if "hung-case" in self.faults else None
        self.script_error_case = None
        if "script-error" in self.faults:
            case = listed[len(listed) // 2]
            case.responded = None
            self.script_error_case = case.uid
        # Flaky: the log, one case's page, and another case's details call answer 503 the first time.
        self.flaky_paths = {LOG_PATH, f"/cases?public=true&CaseId={listed[1].uid}&Embed=True",
                            f"/getcasedetails?CaseId={listed[-1].uid}"}  # fmt: skip

    # Requests
    def handle(self, method: str, target: str, headers) -> Reply:
        self.local.origin = f"http://{headers.get('Host') or '127.0.0.1'}"
        path = target.split("?", 1)[0]
        if path in FEEDS and method not in ("GET", "HEAD"):
            return api_error(400, *feed.INVALID_METHOD)
        return super().handle(method, target, headers)

    def route(self, path: str, query: dict[str, str]) -> Reply:
        if path == "/cases":
            if "CaseId" in query:
                return html_reply(case_shell(query["CaseId"], self.theme))
            size = query.get("max", "20")
            return html_reply(log_shell(query.get("title", "Disclosure Log"), int(size) if size.isdigit() else 20,
                                        query.get("Embed", "False"), self.theme))  # fmt: skip
        if path == "/resource":  # the account's entry page sends a reader on to the log
            return Reply(302, b"", headers={"Location": LOG_PATH}, cacheable=False)
        if path in ASSETS:
            name, content_type = ASSETS[path]
            body = resources.files("foicrawl.replica").joinpath("portal_assets", name).read_bytes()
            return Reply(200, body, content_type, {"Cache-Control": "max-age=3600"})
        if path in FEEDS:
            if query.get("db") not in (None, ACCOUNT, self.db):
                return api_error(403, *feed.NOT_AVAILABLE)
            if "slow-feed" in self.faults:
                time.sleep(self.feed_delay)
            return {"/getcases": self.getcases, "/getcasedetails": self.getcasedetails,
                    "/getcasedocuments": self.getcasedocuments}[path](query)  # fmt: skip
        if path == DOCUMENT_PATH:
            return self.document(query)
        return not_found()

    # Feeds
    def document_url(self, document, token: str | None = None) -> str:
        token = token or self.tokens.issue()
        return (f"{self.local.origin}{DOCUMENT_PATH}?ref={document.uid}&bin=Y&auth=0&db={quote(self.db, safe='')}"
                f"&access_token={token}")  # fmt: skip

    def getcases(self, query: dict[str, str]) -> Reply:
        fmt = query.get("Format", "xml").lower()
        if fmt not in ("xml", "json"):
            return api_error(400, feed.INVALID_PARAMETER, "Format must be xml or json")
        try:
            until = _day(query.get("Until")) or self.dataset.today
            start = _day(query.get("From"))
            if start is None and query.get("Days") is not None:
                start = until - timedelta(days=int(query["Days"]))
        except ValueError as error:
            return api_error(400, feed.INVALID_PARAMETER, f"Invalid parameter: {error}")
        cases = [c for c in self.dataset.listed() if (start is None or c.requested >= start) and c.requested <= until]
        if fmt == "json":
            return Reply(200, feed.getcases_json(cases).encode(), feed.JSON)
        token = self.tokens.issue()
        body = feed.getcases_xml(cases, lambda d: self.document_url(d, token))
        return Reply(200, body.encode(), feed.XML)

    def live_case(self, case_id: str | None) -> PortalCase | None:
        case = self.dataset.get(case_id or "")
        return case if case is not None and not case.withdrawn else None

    def getcasedetails(self, query: dict[str, str]) -> Reply:
        if self.hung_case and query.get("CaseId") == self.hung_case:
            time.sleep(self.hang_seconds)
        case = self.live_case(query.get("CaseId"))
        if case is None:  # as iCasework answers an unknown case id
            return Reply(400, feed.ERROR_PAGE.encode(), "text/html;charset=UTF-8",
                         {"Content-Disposition": 'filename="output.xml"'}, cacheable=False)  # fmt: skip
        return Reply(200, feed.getcasedetails_xml(case, self.theme).encode(), feed.XML,
                     {"Last-Modified": case.last_modified})  # fmt: skip

    def getcasedocuments(self, query: dict[str, str]) -> Reply:
        case = self.live_case(query.get("CaseId"))
        token = self.tokens.issue()
        if case is not None and "expired-token" in self.faults and case.documents:
            with self.lock:
                if case.uid not in self.stale_tokens_given:
                    self.stale_tokens_given.add(case.uid)
                    token = self.tokens.expired()
        body = feed.getcasedocuments_xml(case, lambda d: self.document_url(d, token))
        return Reply(200, body.encode(), feed.XML, cacheable=False)

    def document(self, query: dict[str, str]) -> Reply:
        if query.get("db") != self.db:
            return api_error(403, *feed.NOT_AVAILABLE)
        if not self.tokens.valid(query.get("access_token", "")):
            return api_error(403, *feed.TOKEN_EXPIRED)
        for case in self.dataset.listed():
            for document in case.documents:
                if document.uid == query.get("ref"):
                    filename = quote(f"{document.title}.{document.fmt}")
                    return Reply(200, document.content, MEDIA_TYPES[document.fmt], {
                        "Content-Disposition": f"inline; filename*=UTF-8''{filename}",
                        "Last-Modified": case.last_modified,
                    })  # fmt: skip
        return Reply(404, feed.ERROR_PAGE.encode(), "text/html;charset=UTF-8", cacheable=False)


class CouncilPageSite(ReplicaSite):
    """The council's own site, on another origin: its disclosure-log page embeds the portal's log in
    a cross-origin iframe, with a CSP that allows only the portal as a frame."""

    page_path = COUNCIL_PAGE_PATH

    def __init__(self, dataset: PortalDataset, portal_origin: str, theme: str = "standard", faults=()):
        super().__init__(dataset, theme, ())
        self.portal_origin = portal_origin

    def route(self, path: str, query: dict[str, str]) -> Reply:
        if path == "/":
            return html_reply(council_index())
        if path == COUNCIL_PAGE_PATH:
            return html_reply(council_page(self.portal_origin),
                              headers={"Content-Security-Policy": f"frame-src {self.portal_origin}"})  # fmt: skip
        return not_found()
