"""Fetching what a release points to, in the same crawl: the documents it lists, the pages its answer
cites on the council's hosts and its ModernGov site (depth 1), what those ModernGov pages link (agenda
papers, a committee's meetings, the web service's answer), and the stylesheets, images and scripts the
release page itself uses (so a replay looks as a reader saw it).

Mixed into CouncilSpider. Every fetch goes to the WARC files (403 and 404 answers included: evidence
of absence), followed by a metadata record naming the evidence it is (so `reindex` can rebuild the
catalogue's evidence from the archive alone). Redirects are followed only within the evidence hosts.
Against a stand-in (`-a base_url=`), links to the council's live site are fetched from the stand-in,
and links to its ModernGov site from `-a moderngov_url=`; without that, ModernGov is not fetched at
all (a crawl of a mirror never reaches the live sites). No other host is ever fetched.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest

from foicrawl.catalogue.evidence import latest_content_hashes
from foicrawl.catalogue.releases import content_hash
from foicrawl.catalogue.session import session_factory
from foicrawl.citations import DOCUMENT, LINKED, WEBSERVICE, citations_of, evidence_key, host_of
from foicrawl.crawling.evidence_fetch import EVIDENCE_META, REQUISITE_META, SIZE_CAP_META, is_truncated
from foicrawl.items import EvidenceItem, ReleaseItem
from foicrawl.parsers import moderngov
from foicrawl.parsers.evidence import describe
from foicrawl.parsers.html_text import parse_html
from foicrawl.pipelines.normalise import normalise
from foicrawl.urls import origin_of, site_key
from foicrawl.warc.capture import CAPTURE_META

logger = logging.getLogger(__name__)
EVIDENCE_PRIORITY = -10  # after listings and releases: a release is stored before what it points to
MAX_REDIRECTS = 5
DEAD_HOST_FAILURES = 5  # fetches in a row with no answer before a host's remaining evidence is skipped
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.I)
REQUISITE_TAGS = (("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("input", "src"))


def _headers(response) -> dict:
    return {name: response.headers.get(name) for name in ("Content-Type", "Content-Disposition", "Content-Length")}


class EvidenceFetching:
    """The evidence half of a council spider; `setup_evidence` runs in the spider's __init__."""

    def setup_evidence(self, moderngov_url: str | None, normalise_origin) -> None:
        entry = self.council
        live = origin_of(entry.origin)
        self.stand_in = self.origin != live
        self.live_hosts = {host_of(live), *(h.lower() for h in entry.cited_hosts)}
        self.moderngov_live = origin_of(entry.moderngov) if entry.moderngov else None
        given = moderngov_url or entry.moderngov_url
        self.moderngov_origin = normalise_origin(given) if given else (None if self.stand_in else self.moderngov_live)
        # Links are read against the hosts the register names, and the stand-ins in use.
        self.evidence_hosts = entry.evidence_hosts() | {host_of(self.origin)}
        if self.moderngov_origin:
            self.evidence_hosts.add(host_of(self.moderngov_origin))
        self.evidence_requested: set[str] = set()
        self.requisites_requested: set[str] = set()
        self.held_hashes: dict[str, str] | None = None
        self.host_failures: Counter[str] = Counter()
        if self.stand_in and self.moderngov_live and not self.moderngov_origin:
            logger.info("Crawling a stand-in without -a moderngov_url: pages cited on %s are not fetched",
                        self.moderngov_live)  # fmt: skip

    def configure_evidence(self, settings) -> None:
        self.fetch_evidence = settings.getbool("FOICRAWL_FETCH_EVIDENCE", True)
        self.fetch_requisites = settings.getbool("FOICRAWL_FETCH_REQUISITES", True)
        self.document_max_size = settings.getint("FOICRAWL_DOCUMENT_MAX_SIZE", 50 * 1024 * 1024)

    # Where a cited URL is fetched from ------------------------------------------------------------

    def fetch_url_for(self, url: str) -> str | None:
        """The address to fetch a cited URL from (its stand-in, when crawling one), or None when it
        is not on an evidence host or its host has no stand-in in this crawl."""
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        host = host_of(url)
        if host == host_of(self.origin) or (self.moderngov_origin and host == host_of(self.moderngov_origin)):
            return url
        if self.moderngov_live and host == host_of(self.moderngov_live):
            return self.moderngov_origin + site_key(url) if self.moderngov_origin else None
        if host == host_of(self.council.origin):
            return self.origin + site_key(url)
        if host in self.live_hosts and not self.stand_in:
            return url
        return None

    def on_moderngov(self, url: str) -> bool:
        host = host_of(url)
        return any(origin and host == host_of(origin) for origin in (self.moderngov_live, self.moderngov_origin))

    # Which releases' evidence is fetched ----------------------------------------------------------

    def unchanged_since_last_crawl(self, item: ReleaseItem) -> bool:
        """Whether the catalogue holds this release with this very content (so its evidence was
        fetched when that version was recorded)."""
        if self.held_hashes is None:
            with session_factory()() as session:
                self.held_hashes = latest_content_hashes(session, self.name)
        held = self.held_hashes.get(item.case_ref or "")
        if held is None:
            return False
        normalised = copy.deepcopy(item)
        normalise(normalised)
        return content_hash(normalised.to_dict()) == held

    def evidence_for(self, item: ReleaseItem, response):
        """Requests for what a release points to, and for its page's requisites. An incremental
        crawl fetches evidence only for new and changed releases."""
        if self.fetch_requisites:
            yield from self.requisite_requests(response)
        if not self.fetch_evidence or not item.case_ref:
            return
        if self.incremental and self.unchanged_since_last_crawl(item):
            self.crawler.stats.inc_value("foicrawl/evidence/skipped_unchanged_release")
            return
        for citation in citations_of(item.to_dict(), self.evidence_hosts):
            request = self.evidence_request(citation.key, citation.url, citation.role)
            if request is not None:
                yield request

    # Requests -------------------------------------------------------------------------------------

    def evidence_request(self, key: str, url: str, role: str, via: str | None = None,
                         follow_documents: bool = False) -> scrapy.Request | None:  # fmt: skip
        """A request for one piece of evidence, once a crawl."""
        if key in self.evidence_requested:
            return None
        fetch = self.fetch_url_for(url)
        if fetch is None:
            self.crawler.stats.inc_value("foicrawl/evidence/no_stand_in" if self.stand_in else "foicrawl/evidence/off_site")
            return None
        if self.host_failures[host_of(fetch)] >= DEAD_HOST_FAILURES:
            self.crawler.stats.inc_value("foicrawl/evidence/host_unreachable")
            return None
        self.evidence_requested.add(key)
        self.crawler.stats.inc_value(f"foicrawl/evidence/requested/{role}")
        info = {"key": key, "url": url, "role": role, "via": via, "follow_documents": follow_documents, "hops": 0}
        return scrapy.Request(
            fetch, callback=self.parse_evidence, errback=self.evidence_failed, priority=EVIDENCE_PRIORITY,
            dont_filter=True, headers={"Accept-Encoding": "identity"},
            meta={EVIDENCE_META: info, "dont_redirect": True, "handle_httpstatus_all": True,
                  SIZE_CAP_META: self.document_max_size, "download_maxsize": 0, "download_warnsize": 0},
        )  # fmt: skip

    def requisite_requests(self, response):
        """The release page's same-host stylesheets, scripts and images, once a crawl. They are
        archived (revisit records when unchanged) and not catalogued."""
        if response.status != 200 or b"html" not in (response.headers.get("Content-Type") or b"html").lower():
            return
        try:
            root = parse_html(response.body)
        except Exception:  # noqa: BLE001 - the release parser already said what it thinks of the page
            return
        for tag, attribute in REQUISITE_TAGS:
            for el in root.iter(tag):
                if tag == "link" and not {"stylesheet", "icon", "shortcut", "preload", "apple-touch-icon"} & \
                        set((el.get("rel") or "").lower().split()):  # fmt: skip
                    continue
                if value := (el.get(attribute) or "").strip():
                    if request := self.requisite_request(urljoin(response.url, value)):
                        yield request

    def requisite_request(self, url: str) -> scrapy.Request | None:
        url = url.split("#", 1)[0]
        if host_of(url) != host_of(self.origin) or url in self.requisites_requested or not url.startswith("http"):
            return None
        self.requisites_requested.add(url)
        self.crawler.stats.inc_value("foicrawl/requisites/requested")
        return scrapy.Request(url, callback=self.parse_requisite, errback=self.requisite_failed, dont_filter=True,
                              priority=EVIDENCE_PRIORITY,
                              meta={REQUISITE_META: True, "handle_httpstatus_all": True})  # fmt: skip

    def parse_requisite(self, response):
        """A stylesheet's own images, fonts and imports are requisites too."""
        if response.status == 200 and b"css" in (response.headers.get("Content-Type") or b"").lower():
            for match in _CSS_URL.finditer(response.text):
                target = match[1] or match[2]
                if target and not target.startswith("data:"):
                    if request := self.requisite_request(urljoin(response.url, target)):
                        yield request

    def requisite_failed(self, failure):
        self.crawler.stats.inc_value("foicrawl/requisites/failed")

    # Answers --------------------------------------------------------------------------------------

    def parse_evidence(self, response):
        info = response.meta[EVIDENCE_META]
        self.host_failures[host_of(response.url)] = 0
        if 300 <= response.status < 400 and response.headers.get("Location"):
            target = urljoin(response.url, response.headers.get("Location").decode("latin-1"))
            follow = self.fetch_url_for(target)
            if follow and info["hops"] < MAX_REDIRECTS:
                meta = {**response.meta, EVIDENCE_META: {**info, "hops": info["hops"] + 1}}
                yield response.request.replace(url=follow, meta=meta)
                return
            reason = (f"redirected to {target}: not an evidence host, not followed" if not follow
                      else f"more than {MAX_REDIRECTS} redirects")  # fmt: skip
            yield self.evidence_item(info, response, {"reason": reason, "kind": "page", "sha256": None}, failure=reason)
            return
        truncated = is_truncated(response)
        fields = describe(response.body, url=info["url"], status=response.status, headers=_headers(response),
                          truncated=truncated, moderngov_site=self.on_moderngov(info["url"]))  # fmt: skip
        if truncated:
            self.crawler.stats.inc_value("foicrawl/evidence/truncated")
            logger.warning("Document %s is larger than the cap (%d bytes): kept the first %d bytes",
                           info["url"], self.document_max_size, len(response.body))  # fmt: skip
        yield self.evidence_item(info, response, fields)
        yield from self.follow_moderngov(info, response.status, fields)

    def evidence_item(self, info: dict, response, fields: dict, failure: str | None = None) -> EvidenceItem:
        capture = response.meta.get(CAPTURE_META)
        item = EvidenceItem(council=self.name, key=info["key"], url=info["url"], role=info["role"], via=info["via"],
                            fetched_url=response.url, status=response.status, capture=capture,
                            **{k: v for k, v in fields.items() if k in EvidenceItem.__dataclass_fields__})  # fmt: skip
        record_id = (capture or {}).get("revisit_record_id") or (capture or {}).get("warc_record_id")
        self.write_evidence_metadata(response.url, info, refers_to=record_id, failure=failure)
        return item

    def evidence_from_body(self, *, key: str, url: str, body: bytes, status: int, headers: dict, capture: dict | None,
                           fetched_url: str, cited_by: list[str] = (), role: str = DOCUMENT,
                           truncated: bool = False) -> EvidenceItem:  # fmt: skip
        """Evidence fetched some other way (a browser session, whose document links hold a token that
        expires): described like any other, its metadata record written, linked to the releases
        `cited_by` names. `key` is its stable identity (an iCasework `D12345`), `capture` where the
        response record is (the WarcCapture dict), `headers` its Content-Type/-Disposition/-Length."""
        info = {"key": key, "url": url, "role": role, "via": None, "cited_by": list(cited_by)}
        fields = describe(body, url=url, status=status, headers=headers, truncated=truncated,
                          moderngov_site=self.on_moderngov(url))  # fmt: skip
        item = EvidenceItem(council=self.name, key=key, url=url, role=role, cited_by=list(cited_by),
                            fetched_url=fetched_url, status=status, capture=capture,
                            **{k: v for k, v in fields.items() if k in EvidenceItem.__dataclass_fields__})  # fmt: skip
        record_id = (capture or {}).get("revisit_record_id") or (capture or {}).get("warc_record_id")
        self.write_evidence_metadata(fetched_url, info, refers_to=record_id)
        return item

    def write_evidence_metadata(self, fetched_url: str, info: dict, refers_to: str | None = None,
                                failure: str | None = None, moment: datetime | None = None) -> None:  # fmt: skip
        """A metadata record naming the evidence a capture is, for reindex."""
        writer = getattr(self, "warc_writer", None)
        if writer is None:
            return
        fields = {"foicrawl-evidence-key": info["key"], "foicrawl-evidence-url": info["url"],
                  "foicrawl-evidence-role": info["role"], "foicrawl-council": self.name}  # fmt: skip
        if info.get("via"):
            fields["foicrawl-evidence-via"] = info["via"]
        if info.get("cited_by"):
            fields["foicrawl-evidence-cited-by"] = json.dumps(info["cited_by"], ensure_ascii=False)
        if self.on_moderngov(info["url"]):
            fields["foicrawl-evidence-moderngov"] = "yes"
        if failure:
            fields["foicrawl-evidence-failure"] = failure
        writer.write_metadata(fetched_url, moment or datetime.now(UTC), fields, refers_to)

    def evidence_failed(self, failure):
        """No answer at all (refused, timed out, DNS, robots.txt): recorded with its reason."""
        request = failure.request
        info = request.meta.get(EVIDENCE_META)
        if info is None:
            return
        error = failure.value
        if isinstance(error, IgnoreRequest):
            reason = f"not fetched: {error}" if str(error) else "not fetched: forbidden by robots.txt"
        else:
            reason = f"no answer: {type(error).__name__}: {error}"[:500]
            self.host_failures[host_of(request.url)] += 1
        self.crawler.stats.inc_value("foicrawl/evidence/failed")
        logger.warning("Evidence %s: %s", info["url"], reason)
        moment = datetime.now(UTC)  # the metadata record's date: reindex reads the same moment back
        self.write_evidence_metadata(request.url, info, failure=reason, moment=moment)
        yield EvidenceItem(council=self.name, key=info["key"], url=info["url"], kind="unknown", role=info["role"],
                           via=info["via"], fetched_url=request.url, reason=reason,
                           capture={"fetched_at": moment.isoformat(timespec="microseconds")})  # fmt: skip

    # ModernGov ------------------------------------------------------------------------------------

    def follow_moderngov(self, info: dict, status: int, fields: dict):
        """Depth 1 from a cited ModernGov page: the documents it links, a committee's meetings list,
        and the web service's answer about a meeting (a second witness, and the fallback when the
        HTML is blocked, whose documents are then fetched instead)."""
        parsed = fields.get("parsed") or {}
        key = info["key"]
        if info["via"] is not None or not self.on_moderngov(info["url"]):
            if info.get("follow_documents") and status == 200:  # a web-service answer standing in for a page
                for document in parsed.get("documents") or []:
                    if request := self.evidence_request(evidence_key(document["url"]), document["url"], LINKED, info["via"]):
                        yield request
            return
        page = moderngov.page_type(key)
        blocked = status != 200 or parsed.get("blocked")
        if status == 200 and not parsed.get("blocked"):
            for document in parsed.get("documents") or []:
                if request := self.evidence_request(evidence_key(document["url"]), document["url"], LINKED, key):
                    yield request
            if page == moderngov.COMMITTEE and parsed.get("meetings_url"):
                url = parsed["meetings_url"]
                if request := self.evidence_request(evidence_key(url), url, LINKED, key):
                    yield request
        meeting = moderngov.meeting_id(key)
        if page in (moderngov.MEETING, moderngov.DECISION) and meeting:
            url = moderngov.webservice_url(key, "GetMeeting", lMeetingId=meeting)
            if request := self.evidence_request(url, url, WEBSERVICE, key, follow_documents=bool(blocked)):
                yield request
        committee = moderngov.committee_id(key)
        if blocked and page in (moderngov.COMMITTEE, moderngov.MEETINGS) and committee:
            # A fixed range, so the same committee is the same evidence key crawl after crawl.
            url = moderngov.webservice_url(key, "GetMeetings", lCommitteeId=committee, sFromDate="01/01/2000",
                                           sToDate="31/12/2099")  # fmt: skip
            if request := self.evidence_request(url, url, WEBSERVICE, key):
                yield request

