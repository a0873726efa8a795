"""What a release points to that is evidence: the documents it lists and the pages its answer cites
on the council's own hosts. Used by the spider (what to fetch) and by the catalogue (which release
versions name which evidence), so both agree.

An evidence key is the URL as the release names it, without its #fragment (the same page cited at two
anchors is one page), or a platform's own document id (such as an iCasework `D12345`) where the URL
is not a stable identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

DOCUMENT, CITED, LINKED, WEBSERVICE = "document", "cited", "linked", "webservice"


@dataclass(frozen=True)
class Citation:
    key: str
    url: str
    role: str  # DOCUMENT (listed on the release) or CITED (a link in its text)
    title: str = ""


def evidence_key(url: str) -> str:
    return urldefrag(url.strip())[0]


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def citations_of(record: dict, hosts: set[str]) -> list[Citation]:
    """The documents a release lists, then the links in its text, on `hosts` (host or host:port),
    each once. Links elsewhere are not evidence foicrawl fetches."""
    found: dict[str, Citation] = {}
    candidates = [(d, DOCUMENT) for d in record.get("documents") or []]
    for field in ("request_links", "response_links"):
        candidates += [(link, CITED) for link in record.get(field) or []]
    for entry, role in candidates:
        url = (entry.get("url") or "").strip()
        if urlsplit(url).scheme not in ("http", "https") or host_of(url) not in hosts:
            continue
        key = entry.get("id") or evidence_key(url)  # a portal's document: its own id (its URL's token expires)
        if key not in found:
            found[key] = Citation(key, key, role, entry.get("title") or entry.get("text") or "")
    return list(found.values())
