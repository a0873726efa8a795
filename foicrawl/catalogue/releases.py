"""Reading and writing the catalogue: record a release as crawled, export what is held.

Used by the store pipeline during a crawl and by `reindex` when rebuilding from WARC files, so both
decide "new", "changed" or "unchanged" the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from foicrawl.catalogue.models import Release, ReleaseVersion
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
    )


def record_release(session: Session, record: dict, seen_at: datetime, run_id: str | None = None) -> str:
    """Store one normalised, validated release. Returns "new", "changed" or "unchanged"."""
    release = session.scalar(
        select(Release).where(Release.council == record["council"], Release.case_ref == record["case_ref"])
    )
    if release is None:
        release = Release(council=record["council"], case_ref=record["case_ref"], url=record["url"],
                          first_seen=seen_at, last_seen=seen_at, withdrawn=False, latest_version=1)  # fmt: skip
        release.versions.append(_new_version(record, 1, seen_at, run_id))
        session.add(release)
        return "new"
    release.last_seen = max(release.last_seen, seen_at) if release.last_seen else seen_at
    release.url = record["url"]
    release.withdrawn, release.withdrawn_on = False, None
    latest = session.scalar(
        select(ReleaseVersion).where(ReleaseVersion.release_id == release.id,
                                     ReleaseVersion.version == release.latest_version)  # fmt: skip
    )
    if latest is not None and latest.content_hash == content_hash(record):
        return "unchanged"
    release.latest_version += 1
    release.versions.append(_new_version(record, release.latest_version, seen_at, run_id))
    return "changed"


@dataclass
class HeldRelease:
    case_ref: str
    url: str
    listed_on: date | None
    withdrawn: bool


def held_releases(session: Session, council: str) -> list[HeldRelease]:
    """What the catalogue holds for a council, newest first (by the date its listing sorts on)."""
    rows = session.execute(
        select(Release.case_ref, Release.url, Release.withdrawn, ReleaseVersion.published_on, ReleaseVersion.requested_on)
        .join(ReleaseVersion, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
        .where(Release.council == council)
    )  # fmt: skip
    held = [HeldRelease(r.case_ref, r.url, r.published_on or r.requested_on, r.withdrawn) for r in rows]
    return sorted(held, key=lambda h: (h.listed_on or date.min, h.case_ref), reverse=True)


def mark_seen(session: Session, council: str, case_ref: str, seen_at: datetime) -> bool:
    """A held release seen again without a new text (a 304): only last_seen moves."""
    release = session.scalar(select(Release).where(Release.council == council, Release.case_ref == case_ref))
    if release is None:
        return False
    release.last_seen = max(release.last_seen, seen_at)
    release.withdrawn, release.withdrawn_on = False, None
    return True


def mark_withdrawn(session: Session, council: str, case_ref: str, on: date) -> bool:
    """A release whose page is gone: marked withdrawn (once, with the date), never deleted."""
    release = session.scalar(select(Release).where(Release.council == council, Release.case_ref == case_ref))
    if release is None or release.withdrawn:
        return False
    release.withdrawn, release.withdrawn_on = True, on
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


def export_row(release: Release, version: ReleaseVersion) -> dict:
    """A release version in the export's contract fields (and a few more after them)."""
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
    }


def export_rows(session: Session, council: str | None = None, all_versions: bool = False) -> Iterator[dict]:
    query = select(Release).options(selectinload(Release.versions)).order_by(Release.council, Release.case_ref)
    if council:
        query = query.where(Release.council == council)
    for release in session.scalars(query):
        versions = release.versions if all_versions else [v for v in release.versions if v.version == release.latest_version]
        for version in versions:
            yield export_row(release, version)
