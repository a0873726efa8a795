"""Reading and writing the catalogue: record a release as crawled, export what is held.

Used by the store pipeline during a crawl and by `reindex` when rebuilding from WARC files, so both
decide "new", "changed" or "unchanged" the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from foicrawl.analysis.facts import release_facts
from foicrawl.catalogue.evidence import link_citations, links_by_version, with_evidence
from foicrawl.catalogue.models import Release, ReleaseVersion, Withdrawal
from foicrawl.councils import nation_of
from foicrawl.errors import FoicrawlError
from foicrawl.urls import origin_of

# What a reader of the release sees; a change in any of these makes a new version. The URL is left
# out: the same release moved to a new address (or read from a mirror) is not a new text.
CONTENT_FIELDS = (
    "case_ref", "title", "requested_on", "responded_on", "published_on",
    "request_text", "response_text", "response_links", "documents",
)  # fmt: skip
DATE_FIELDS = ("requested_on", "responded_on", "published_on")
EXPORT_FIELDS = (
    "council", "case_ref", "title", "requested_on", "responded_on", "published_on", "request_text",
    "response_text", "url", "documents", "version", "first_seen", "last_seen", "withdrawn", "capture",
)  # fmt: skip


def _site_relative(value, origin: str):
    """Links on the release's own site, written without the origin, so that the same release read
    from a mirror, a replica or a council's new hostname is not taken for a changed text."""
    if isinstance(value, list):
        return [_site_relative(v, origin) for v in value]
    if isinstance(value, dict):
        return {k: (v[len(origin):] if k == "url" and isinstance(v, str) and v.startswith(origin + "/") else v)
                for k, v in value.items()}  # fmt: skip
    return value


def content_hash(record: dict) -> str:
    origin = origin_of(record.get("url") or "")
    content = {name: _site_relative(record.get(name), origin) for name in CONTENT_FIELDS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


SOURCE_FIELDS = ("url", "warc_file", "warc_offset", "warc_length", "warc_record_id", "payload_digest", "block_digest",
                 "fetched_at")  # fmt: skip


def source_entry(role: str, capture: dict) -> dict:
    """One record a version was read from, as the catalogue keeps it: its role and where it is."""
    return {"role": role, **{name: capture.get(name) for name in SOURCE_FIELDS}}


def _as_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _as_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _new_version(record: dict, number: int, seen_at: datetime, run_id: str | None) -> ReleaseVersion:
    capture = record.get("capture") or {}
    return ReleaseVersion(
        version=number,
        content_hash=content_hash(record),
        url=record["url"],
        title=record["title"],
        **{name: _as_date(record.get(name)) for name in DATE_FIELDS},
        dates_as_shown=record.get("dates_as_shown") or {},
        request_text=record.get("request_text"),
        response_text=record.get("response_text"),
        response_links=record.get("response_links") or [],
        documents=record.get("documents") or [],
        recorded_at=seen_at,
        run_id=run_id,
        warc_file=capture.get("warc_file"),
        warc_offset=capture.get("warc_offset"),
        warc_length=capture.get("warc_length"),
        warc_record_id=capture.get("warc_record_id"),
        payload_digest=capture.get("payload_digest"),
        block_digest=capture.get("block_digest"),
        fetched_at=_as_datetime(capture.get("fetched_at")),
        sources=capture.get("sources") or [],
        parser_version=record.get("parser_version"),
    )


def record_release(session: Session, record: dict, seen_at: datetime, run_id: str | None = None,
                   reread: Callable[[ReleaseVersion], dict | None] | None = None,
                   held: set[str] | None = None) -> str:  # fmt: skip
    """Store one normalised, validated release. Returns "new", "changed" or "unchanged".

    When today's reading differs from the latest version's, `reread` reads that version's own page
    again with today's parser: if it gives today's reading, the council's page did not change, only
    the parser did, and no version is made ("unchanged"; `foicrawl reparse` updates the old fields).

    `held`, kept by a crawl (which alone writes its council, under its lock): the references the
    catalogue holds for the council. One not in it is new without a query (which would also flush
    the batch so far); it is added once stored."""
    release = None
    if held is None or record["case_ref"] in held:
        release = session.scalar(
            select(Release).where(Release.council == record["council"], Release.case_ref == record["case_ref"])
        )
    if release is None:
        release = Release(council=record["council"], case_ref=record["case_ref"], url=record["url"],
                          first_seen=seen_at, last_seen=seen_at, withdrawn=False, latest_version=1)  # fmt: skip
        release.versions.append(version := _new_version(record, 1, seen_at, run_id))
        session.add(release)
        link_citations(session, version, record)
        if held is not None:
            held.add(record["case_ref"])
        return "new"
    release.last_seen = max(release.last_seen, seen_at) if release.last_seen else seen_at
    release.url = record["url"]
    _came_back(release, seen_at, record.get("capture"))
    latest = session.scalar(
        select(ReleaseVersion).where(ReleaseVersion.release_id == release.id,
                                     ReleaseVersion.version == release.latest_version)  # fmt: skip
    )
    new_hash = content_hash(record)
    if latest is not None and latest.content_hash == new_hash:
        return "unchanged"
    if latest is not None and reread is not None:
        again = reread(latest)
        if again is not None and content_hash(again) == new_hash:
            return "unchanged"
    release.latest_version += 1
    release.versions.append(version := _new_version(record, release.latest_version, seen_at, run_id))
    link_citations(session, version, record)
    return "changed"


@dataclass
class HeldRelease:
    case_ref: str
    url: str
    listed_on: date | None
    withdrawn: bool


def held_references(session: Session, council: str) -> set[str]:
    """The case references the catalogue holds for a council."""
    return set(session.scalars(select(Release.case_ref).where(Release.council == council)))


def held_releases(session: Session, council: str) -> list[HeldRelease]:
    """What the catalogue holds for a council, newest first (by the date its listing sorts on)."""
    rows = session.execute(
        select(Release.case_ref, Release.url, Release.withdrawn, ReleaseVersion.published_on, ReleaseVersion.requested_on)
        .join(ReleaseVersion, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
        .where(Release.council == council)
    )  # fmt: skip
    held = [HeldRelease(r.case_ref, r.url, r.published_on or r.requested_on, r.withdrawn) for r in rows]
    return sorted(held, key=lambda h: (h.listed_on or date.min, h.case_ref), reverse=True)


class ReleaseNotFound(FoicrawlError, LookupError):
    pass


def release_by_reference(session: Session, case_ref: str, council: str | None = None) -> Release:
    """The release a council's case reference names (with its versions loaded); `council` decides
    where two councils use the same reference. Raises ReleaseNotFound, saying which to choose."""
    query = (select(Release).options(selectinload(Release.versions), selectinload(Release.withdrawals))
             .where(Release.case_ref == case_ref))  # fmt: skip
    if council:
        query = query.where(Release.council == council)
    found = list(session.scalars(query))
    if not found:
        raise ReleaseNotFound(f"no release {case_ref}" + (f" at {council}" if council else "") + " in the catalogue")
    if len(found) > 1:
        raise ReleaseNotFound(f"{case_ref} is held for {', '.join(r.council for r in found)}: say which with --council")
    return found[0]


def sighting(capture: dict | None) -> dict:
    """The record that showed a page at a moment: for a revisit, the revisit record itself (the
    capture otherwise names the earlier record holding the payload)."""
    capture = capture or {}
    if capture.get("revisit_record_id"):
        return {"warc_file": capture.get("revisit_warc_file"), "warc_offset": capture.get("revisit_warc_offset"),
                "warc_record_id": capture["revisit_record_id"]}  # fmt: skip
    return {name: capture.get(name) for name in ("warc_file", "warc_offset", "warc_record_id")}


def _came_back(release: Release, seen_at: datetime, capture: dict | None) -> None:
    """A release seen again: if it was withdrawn, its open withdrawal is closed with this sighting."""
    if not release.withdrawn:
        return
    release.withdrawn, release.withdrawn_on = False, None
    open_ones = [w for w in release.withdrawals if w.returned_at is None]
    if open_ones:
        seen = sighting(capture)
        open_ones[-1].returned_at = seen_at
        open_ones[-1].return_warc_file = seen["warc_file"]
        open_ones[-1].return_warc_offset = seen["warc_offset"]
        open_ones[-1].return_warc_record_id = seen["warc_record_id"]


def mark_seen(session: Session, council: str, case_ref: str, seen_at: datetime, capture: dict | None = None) -> bool:
    """A held release seen again without a new text (a 304): only last_seen moves."""
    release = session.scalar(select(Release).where(Release.council == council, Release.case_ref == case_ref))
    if release is None:
        return False
    release.last_seen = max(release.last_seen, seen_at)
    _came_back(release, seen_at, capture)
    return True


def mark_withdrawn(session: Session, council: str, case_ref: str, on: date, capture: dict | None = None,
                   status: int | None = None, at: datetime | None = None) -> bool:  # fmt: skip
    """A release whose page is gone: marked withdrawn (once, with the date), never deleted; the
    withdrawal is kept in its history with the record of the answer that showed it."""
    release = session.scalar(select(Release).where(Release.council == council, Release.case_ref == case_ref))
    if release is None or release.withdrawn:
        return False
    release.withdrawn, release.withdrawn_on = True, on
    seen = sighting(capture)
    release.withdrawals.append(Withdrawal(withdrawn_on=on, withdrawn_at=at or datetime.combine(on, datetime.min.time()),
                                          status=status, **seen))  # fmt: skip
    return True


def counts(session: Session, council: str | None = None) -> dict[str, int]:
    """How many releases, withdrawn releases and versions the catalogue holds (for one council)."""
    def count(query):
        return session.scalar(query.where(Release.council == council) if council else query)

    return {
        "releases": count(select(func.count()).select_from(Release)),
        "withdrawn": count(select(func.count()).select_from(Release).where(Release.withdrawn)),
        "versions": count(select(func.count()).select_from(ReleaseVersion).join(Release)),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_row(release: Release, version: ReleaseVersion, nation: str | None = None) -> dict:
    """A release version in the export's contract fields (and a few more after them)."""
    facts = release_facts(version.requested_on, version.responded_on, version.response_text,
                          nation or nation_of(release.council))  # fmt: skip
    return {
        "council": release.council,
        "case_ref": release.case_ref,
        "title": version.title,
        **{name: _iso(getattr(version, name)) for name in DATE_FIELDS},
        "request_text": version.request_text,
        "response_text": version.response_text,
        "url": version.url,
        "documents": version.documents,
        "version": version.version,
        "first_seen": _iso(release.first_seen),
        "last_seen": _iso(release.last_seen),
        "withdrawn": release.withdrawn,
        "capture": {
            "warc_file": version.warc_file,
            "warc_offset": version.warc_offset,
            "warc_record_id": version.warc_record_id,
            "payload_digest": version.payload_digest,
            "fetched_at": _iso(version.fetched_at),
            "sources": version.sources or [],
        },
        "response_links": version.response_links,
        "dates_as_shown": version.dates_as_shown,
        "withdrawn_on": _iso(release.withdrawn_on),
        "latest_version": release.latest_version,
        "content_hash": version.content_hash,
        "withdrawals": [withdrawal_row(w) for w in release.withdrawals],
        "parser_version": version.parser_version,
        **facts,  # working_days, late, exemptions
    }


def withdrawal_row(w: Withdrawal) -> dict:
    """One withdrawal in the export: when the page went and came back, and the records showing it."""
    return {
        "withdrawn_on": _iso(w.withdrawn_on),
        "status": w.status,
        "evidence": {"warc_file": w.warc_file, "warc_offset": w.warc_offset, "warc_record_id": w.warc_record_id,
                     "fetched_at": _iso(w.withdrawn_at)},
        "returned_at": _iso(w.returned_at),
        "return_evidence": {"warc_file": w.return_warc_file, "warc_offset": w.return_warc_offset,
                            "warc_record_id": w.return_warc_record_id} if w.returned_at else None,
    }  # fmt: skip


def export_rows(session: Session, council: str | None = None, all_versions: bool = False) -> Iterator[dict]:
    query = (select(Release).options(selectinload(Release.versions), selectinload(Release.withdrawals))
             .order_by(Release.council, Release.case_ref))  # fmt: skip
    if council:
        query = query.where(Release.council == council)
    nations: dict[str, str] = {}
    for release in session.scalars(query):
        if release.council not in nations:
            nations[release.council] = nation_of(release.council)
        nation = nations[release.council]
        versions = release.versions if all_versions else [v for v in release.versions if v.version == release.latest_version]
        links = links_by_version(session, [v.id for v in versions])
        for version in versions:
            yield with_evidence(export_row(release, version, nation), links.get(version.id, []))
