"""Pages that show a case reference another page holds: one row per page and text, pointing at the
page's WARC record, seen again by later crawls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from foicrawl.catalogue.models import ReferenceConflict
from foicrawl.catalogue.releases import content_hash


def record_conflict(session: Session, record: dict, catalogued_url: str, seen_at: datetime,
                    run_id: str | None = None) -> bool:  # fmt: skip
    """Keep `record` (a normalised release) as a conflict of the release read from `catalogued_url`.
    Returns True when this page, with this text, was not recorded before."""
    digest = content_hash(record)
    known = session.scalar(select(ReferenceConflict).where(
        ReferenceConflict.council == record["council"], ReferenceConflict.case_ref == record["case_ref"],
        ReferenceConflict.url == record["url"], ReferenceConflict.content_hash == digest))  # fmt: skip
    if known is not None:
        known.last_seen, known.run_id, known.catalogued_url = max(known.last_seen, seen_at), run_id, catalogued_url
        return False
    capture = record.get("capture") or {}
    fetched_at = capture.get("fetched_at")
    session.add(ReferenceConflict(
        council=record["council"], case_ref=record["case_ref"], url=record["url"], catalogued_url=catalogued_url,
        title=record.get("title"), content_hash=digest, first_seen=seen_at, last_seen=seen_at, run_id=run_id,
        warc_file=capture.get("warc_file"), warc_offset=capture.get("warc_offset"),
        warc_record_id=capture.get("warc_record_id"), payload_digest=capture.get("payload_digest"),
        fetched_at=datetime.fromisoformat(fetched_at) if fetched_at else None,
    ))  # fmt: skip
    return True
