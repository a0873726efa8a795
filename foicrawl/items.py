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

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ReleaseNotModified:
    """A held release whose page answered 304 to a conditional request: still there, unchanged."""

    council: str
    case_ref: str
    url: str
    fetched_at: str | None = None


@dataclass
class ReleaseGone:
    """A held release whose page now answers 404 or 410: withdrawn (the answer is in the WARC)."""

    council: str
    case_ref: str
    url: str
    status: int
    fetched_at: str | None = None
