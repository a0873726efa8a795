"""The records a crawl produces: a release (one council's answer to one request) and its documents."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Document:
    """A file listed on a release. `size` is the size the page shows, in bytes (approximate until
    the file itself is fetched); `sha256` is filled in once it is."""

    url: str
    title: str
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None


@dataclass
class IdentifiedDocument(Document):
    """A document the site gives an id of its own (iCasework: `D<n>`): its identity, where its URL is
    not stable (a link with a short-lived access token)."""

    id: str = ""


@dataclass
class Exchange:
    """One HTTP exchange as a parser reads it: the URL asked for, the status, the content type and
    the body as received (content-encoding undone)."""

    url: str
    status: int
    content_type: str | None
    body: bytes


@dataclass
class ListingEntry:
    """A release as a listing page shows it: where it lives, and what the listing says of it."""

    url: str
    title: str | None = None
    date_text: str | None = None


@dataclass
class ListingPage:
    entries: list[ListingEntry]
    next_url: str | None = None
    total: int | None = None  # the count the page announces ("3,046 disclosures"), if any
    # Whether the page has the listing's own structure, even when it lists nothing (an error page
    # served with 200 has not).
    recognised: bool = True


@dataclass
class ReleaseItem:
    """One release as its page shows it.

    Parsers fill the dates with the text the page shows; the normalise pipeline turns them into
    ISO dates and keeps that text in `dates_as_shown`. `capture` points at the WARC record of the
    response the item came from; where the item was read from several records (a portal's details
    and documents answers, the documents themselves), `capture["sources"]` lists each.
    """

    council: str
    url: str
    case_ref: str | None = None
    title: str | None = None
    requested_on: str | None = None
    responded_on: str | None = None
    published_on: str | None = None
    request_text: str | None = None
    response_text: str | None = None
    response_links: list[dict] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    dates_as_shown: dict = field(default_factory=dict)
    capture: dict | None = None
    # Links in the request text: pages the requester pointed at, fetched as evidence like the
    # response's. Not part of the release's content (a version is what the council answered).
    request_links: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        record = asdict(self)
        if not record["request_links"]:  # most requests link nothing: their records read as before
            del record["request_links"]
        return record


@dataclass
class ReleaseNotModified:
    """A held release whose page answered 304 to a conditional request: still there, unchanged."""

    council: str
    case_ref: str
    url: str
    fetched_at: str | None = None
    capture: dict | None = None  # the 304 record


@dataclass
class ReleaseGone:
    """A held release whose page now answers 404 or 410: withdrawn (the answer is in the WARC)."""

    council: str
    case_ref: str
    url: str
    status: int
    fetched_at: str | None = None
    capture: dict | None = None  # the 404/410 record


@dataclass
class ReleaseConflict:
    """A release page showing a case reference another page holds: kept beside that release (its
    evidence is in the WARC), never stored over it."""

    release: ReleaseItem
    catalogued_url: str  # the page the reference's release is read from


@dataclass
class EvidenceItem:
    """A document or cited page, fetched and described: what `foicrawl evidence REF` lists.

    `key` is its identity (the URL as the release names it, or a platform document id such as
    `D12345`); `url` the URL as cited, `fetched_url` where it was fetched (a stand-in, or after a
    redirect). `role` says how releases reach it: "document" (listed), "cited" (a link in the
    text), "linked" (a document on a cited page, with `via` that page's key) or "webservice" (the
    ModernGov web service's answer about a cited page, `via` that page). `cited_by` names releases
    (case references) that point at it directly, for sources whose documents are not in the
    release's own document list (a portal's documents). `size` is the true size (the whole body, or
    the Content-Length of one cut at the size cap); `stored_size` the bytes kept."""

    council: str
    key: str
    url: str
    kind: str  # "document", "page" or "webservice"
    role: str
    via: str | None = None
    cited_by: list[str] = field(default_factory=list)
    fetched_url: str | None = None
    status: int | None = None
    media_type: str | None = None
    declared_type: str | None = None
    size: int | None = None
    stored_size: int | None = None
    truncated: bool = False
    sha256: str | None = None
    text: str | None = None
    text_reason: str | None = None
    pages: int | None = None
    rows: int | None = None
    parsed: dict = field(default_factory=dict)
    reason: str | None = None  # why it failed (404, cut at the cap, unreachable), None when fetched whole
    capture: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)
