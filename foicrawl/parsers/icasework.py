"""iCasework case-management portals: the published-cases feed, and one case's details and documents.

Pure functions over the portal's answers (bytes in, records out; no requests, no I/O). A release is
read from the answers its page received: the `getcasedetails` answer (reference, title, dates,
request, response), the `getcasedocuments` answer (which documents, their ids `D<n>` and names) and
the documents fetched in the same session. Element names are iCasework's (shared/real/icasework);
where a field sits is described in foicrawl/replica/portal_feed.py.

Document URLs carry an access token that lives an hour, so a document's identity is its id and the
URL kept is the one without the token.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from foicrawl.items import Exchange, IdentifiedDocument, ListingEntry, ListingPage, ReleaseItem
from foicrawl.urls import origin_of

PARSER_VERSION = 1  # raise it whenever a change reads any saved answer's fields differently
LOG_PATH = "/cases?public=true&byCaseType=false&byKeyword=true&max=20&title=Disclosure%20Log&Embed=True"
VIEW_PATH = "/cases?public=true&CaseId={case_id}&Embed=True"
FEED = "/getcases"
DETAILS = "/getcasedetails"
DOCUMENTS = "/getcasedocuments"
FILE = "/servlet/servlets.getImg"
TOKEN_PARAMETER = "access_token"
_LABEL_PREFIX = re.compile(r"^(?:IR|EIR|FOI)\s+-\s+")  # councils label published cases "IR - <title>"
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass
class ListedDocument:
    """A document as a documents answer lists it: id, name, type, and its (tokened) URL."""

    id: str
    name: str
    media_type: str | None
    url: str


def path_of(url: str) -> str:
    return urlsplit(url).path


def view_url(origin: str, case_id: str) -> str:
    """The public page of one case: what a reader opens, and the release's URL in the catalogue."""
    return origin + VIEW_PATH.format(case_id=case_id)


def is_release_url(url: str) -> bool:
    """A release is read from its details answer."""
    return path_of(url) == DETAILS


def without_token(url: str) -> str:
    """A document URL without its short-lived access token: stable from one crawl to the next."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != TOKEN_PARAMETER]
    return urlunsplit(parts._replace(query=urlencode(query)))


def document_ref(url: str) -> str | None:
    """`D<n>` from a document URL (`…servlets.getImg?ref=D<n>&…`)."""
    return dict(parse_qsl(urlsplit(url).query)).get("ref")


def _xml(body: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.fromstring(body, parser)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def title_from_label(label: str | None) -> str | None:
    return _text(_LABEL_PREFIX.sub("", (label or "").strip()))


def parse_listing(body: bytes | str, url: str) -> ListingPage:
    """The published-cases feed (`getcases`, XML or JSON): every case it names, as the URL of its
    page, with its title and the date received. The feed is not paged: `next_url` is None."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    origin = origin_of(url)
    entries = []
    if body.lstrip()[:1] == b"[":
        for case in json.loads(body):
            entries.append(ListingEntry(view_url(origin, str(case["CaseId"])), title_from_label(case.get("CaseLabel")),
                                        case.get("DateReceived")))  # fmt: skip
    else:
        root = _xml(body)
        if root.tag != "Cases":
            raise ValueError(f"not a getcases answer: the root element is <{root.tag}>")
        for case in root.iter("Case"):
            case_id = _text(case.findtext("CaseId"))
            if case_id:
                entries.append(ListingEntry(view_url(origin, case_id), title_from_label(case.findtext("Label")),
                                            _text(case.findtext("RequestDate"))))  # fmt: skip
    return ListingPage(entries=entries, next_url=None, total=len(entries))


def _fields(body: bytes) -> dict[str, str | None]:
    root = _xml(body)
    case = root.find("Case") if root.tag == "Cases" else None
    if case is None:
        raise ValueError(f"not a getcasedetails answer: no <Cases><Case> (root <{root.tag}>)")
    return {child.tag: _text(child.text) for child in case if isinstance(child.tag, str)}


def links_in_text(text: str | None) -> list[dict]:
    links = []
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(".,;:)")
        links.append({"url": url, "text": url})
    return links


def parse_details(body: bytes, url: str, council: str) -> ReleaseItem:
    """One case's `getcasedetails` answer: reference, title, dates, request and response."""
    fields = _fields(body)
    case_id = fields.get("CaseDetails.CaseId")
    response = fields.get("CaseStageStage1.OutcomeDetails")
    return ReleaseItem(
        council=council,
        url=view_url(origin_of(url), case_id) if case_id else url,
        case_ref=case_id,
        title=title_from_label(fields.get("CaseDetails.CaseLabel")),
        requested_on=fields.get("CaseStatusReceipt.DateReceived"),
        responded_on=fields.get("CaseStageStage1.DateCompleted"),
        published_on=fields.get("CaseDetailsInformationRequest.PublishInTheDisclosureLogDate"),
        request_text=fields.get("CaseDetailsInformationRequest.Details"),
        response_text=response,
        response_links=links_in_text(response),
    )


def parse_documents(body: bytes) -> list[ListedDocument]:
    """A `getcasedocuments` answer (or the Documents of a getcases Case): each file's id, name,
    type and URL."""
    root = _xml(body)
    if root.tag != "Documents":
        raise ValueError(f"not a getcasedocuments answer: the root element is <{root.tag}>")
    return [ListedDocument(id=d.get("Id"), name=_text(d.get("Name")) or "", media_type=_text(d.get("Type")),
                           url=(d.text or "").strip()) for d in root.iter("Document") if d.get("Id")]  # fmt: skip


def _last(exchanges: list[Exchange], path: str) -> int | None:
    """The last answer to `path` that succeeded: a page that asked again (for fresh links) is read
    from its latest answer."""
    found = [n for n, x in enumerate(exchanges) if path_of(x.url) == path and x.status == 200]
    return found[-1] if found else None


def fetched_files(exchanges: list[Exchange]) -> dict[str, int]:
    """Document id -> the exchange that fetched it successfully (the last one, if several did)."""
    return {document_ref(x.url): n for n, x in enumerate(exchanges)
            if path_of(x.url) == FILE and x.status == 200 and document_ref(x.url)}  # fmt: skip


def listed_documents(exchanges: list[Exchange]) -> list[ListedDocument] | None:
    """The documents the page's latest documents answer names; None when it had none."""
    where = _last(exchanges, DOCUMENTS)
    return parse_documents(exchanges[where].body) if where is not None else None


def documents_to_fetch(exchanges: list[Exchange]) -> list[ListedDocument]:
    """Documents the latest documents answer names that the page has not fetched yet."""
    fetched = fetched_files(exchanges)
    return [d for d in listed_documents(exchanges) or [] if d.id not in fetched]


NOT_PUBLISHED = (400, 404, 410)  # iCasework answers an unknown (or no longer public) case with 400


def case_answers(exchanges: list[Exchange]) -> tuple[Exchange | None, Exchange | None]:
    """A case page's last details answer and last documents answer, whatever their status: the
    spider (and reindex, after it) reads a release only when both succeeded, takes a details answer in
    NOT_PUBLISHED as the case being withdrawn, and renders the page again otherwise."""
    return tuple(next((x for x in reversed(exchanges) if path_of(x.url) == path), None)
                 for path in (DETAILS, DOCUMENTS))  # fmt: skip


def evidence(exchanges: list[Exchange]) -> list[tuple[str, int]]:
    """Which exchanges a release is read from, as (role, index): the details answer, the documents
    answer, then each document fetched, in the order the answer lists them."""
    details, documents = _last(exchanges, DETAILS), _last(exchanges, DOCUMENTS)
    if details is None:
        return []
    roles = [("details", details)]
    if documents is not None:
        roles.append(("documents", documents))
        fetched = fetched_files(exchanges)
        roles += [("document", fetched[d.id]) for d in parse_documents(exchanges[documents].body) if d.id in fetched]
    return roles


def parse_release_exchanges(exchanges: list[Exchange], council: str) -> ReleaseItem:
    """A release from everything its page received: the details answer for the text, the documents
    answer for the list of files, each fetched file for its size and SHA-256."""
    details = _last(exchanges, DETAILS)
    if details is None:
        raise ValueError("the page received no details answer")
    listed = listed_documents(exchanges)
    if listed is None:
        raise ValueError("the page received no documents answer: which documents the release has is unknown")
    item = parse_details(exchanges[details].body, exchanges[details].url, council)
    fetched = fetched_files(exchanges)
    for listing in listed:
        body = exchanges[fetched[listing.id]].body if listing.id in fetched else None
        item.documents.append(IdentifiedDocument(
            url=without_token(listing.url), title=listing.name, media_type=listing.media_type,
            size=len(body) if body is not None else None,
            sha256=hashlib.sha256(body).hexdigest() if body is not None else None, id=listing.id,
        ))  # fmt: skip
    return item


def parse_release(body: bytes | str, url: str, council: str) -> ReleaseItem:
    """A release from its details answer alone (no documents): the platforms' common entry point."""
    return parse_details(body.encode("utf-8") if isinstance(body, str) else body, url, council)
