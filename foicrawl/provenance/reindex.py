"""`foicrawl reindex`: the catalogue rebuilt from the WARC files alone, offline.

Files are read in the order they were written; each release page found in them goes through the same
parser, normalisation, validation and catalogue rules as during the crawl, so the rebuilt catalogue
exports the same as the one the crawls built. A portal's releases are read from a browser page's
records (one WARC-Page-ID), as the crawl read them: only pages that settled (their rendered DOM was
kept) were read by the crawl, so only those are read here.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.catalogue.releases import record_release, source_entry
from foicrawl.councils import register
from foicrawl.pipelines.validate import problems
from foicrawl.provenance.extract import (
    evidence_of,
    exchange_of,
    is_release_record,
    page_groups,
    read_capture,
    reads_pages,
    records_in,
    release_from_exchanges,
    release_from_record,
)
from foicrawl.warc.reader import ArchivedRecord

_NAME = re.compile(r"^foicrawl-(?P<spider>.+)-(?P<started>\d{14})-(?P<serial>\d{5})\.warc\.gz$")


def in_written_order(warc_dir: Path) -> list[Path]:
    def key(path: Path):
        match = _NAME.match(path.name)
        return (match["started"], match["serial"], path.name) if match else ("", "", path.name)

    return sorted(warc_dir.glob("*.warc.gz"), key=key)


def warcinfo(record: ArchivedRecord) -> dict[str, str]:
    fields = {}
    for line in record.block.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def capture_of(record: ArchivedRecord, fetched: ArchivedRecord | None = None) -> dict:
    """The evidence of a release: the full record holding the page, fetched when `fetched` (a
    revisit of it, if that is how this fetch was stored) says."""
    moment = datetime.fromisoformat((fetched or record).date.replace("Z", "+00:00")).astimezone(UTC)
    evidence = {
        "url": (fetched or record).target_uri,
        "status": record.status,
        "warc_file": record.path.name,
        "warc_offset": record.offset,
        "warc_length": record.length,
        "warc_record_id": record.record_id,
        "payload_digest": record.warc_headers.get_header("WARC-Payload-Digest"),
        "block_digest": record.warc_headers.get_header("WARC-Block-Digest"),
        "fetched_at": moment.isoformat(timespec="microseconds"),
    }
    if fetched is not None:
        evidence["revisit_record_id"] = fetched.record_id
    return evidence


def reindex(session: Session, warc_dir: Path) -> Counter:
    """Replace the catalogue's releases with what the WARC files hold. Crawl runs are kept."""
    session.execute(delete(ReleaseVersion))
    session.execute(delete(Release))
    counts: Counter = Counter()
    full_records: dict[str, tuple[Path, str, int]] = {}  # record id -> where, for resolving revisits
    known = register()
    for path in in_written_order(warc_dir):
        council = run_id = None
        counts["files"] += 1
        for group in page_groups(records_in(path)):
            for record in group:
                if record.record_type == "warcinfo":
                    info = warcinfo(record)
                    council, run_id = info.get("foicrawl-spider"), info.get("foicrawl-run-id")
                elif record.record_type == "response":
                    full_records[record.record_id] = (path.parent, path.name, record.offset)
            if council not in known:
                continue
            read = release_from_page if reads_pages(council) else release_from_single
            item = read(council, group, full_records, counts)
            if item is None:
                continue
            if problems(item):
                counts["dropped"] += 1
                continue
            seen_at = datetime.fromisoformat(item.capture["fetched_at"])
            counts[record_release(session, item.to_dict(), seen_at, run_id)] += 1
            session.flush()
    return counts


def _resolved(record: ArchivedRecord, full_records: dict, counts: Counter) -> tuple[ArchivedRecord, ArchivedRecord | None] | None:
    """(the full record holding the payload, the revisit that points at it or None)."""
    if record.record_type != "revisit":
        return record, None
    original = full_records.get(record.warc_headers.get_header("WARC-Refers-To"))
    if original is None:
        counts["unresolved revisits"] += 1
        return None
    return read_capture(*original), record


def release_from_single(council: str, group: list[ArchivedRecord], full_records: dict, counts: Counter):
    """A release from one page's response (or revisit) record."""
    [record] = group
    if not is_release_record(council, record):
        return None
    resolved = _resolved(record, full_records, counts)
    if resolved is None:
        return None
    record, fetched = resolved
    item = release_from_record(council, record)
    item.capture = capture_of(record, fetched)
    return item


def release_from_page(council: str, group: list[ArchivedRecord], full_records: dict, counts: Counter):
    """A release from a browser page's records, read as the crawl read them."""
    if not any(r.record_type == "resource" and (r.target_uri or "").startswith("urn:dom:") for r in group):
        return None  # the page never settled: the crawl read nothing from it
    exchanges, captures = [], []
    for record in group:
        if record.record_type not in ("response", "revisit"):
            continue
        resolved = _resolved(record, full_records, counts)
        if resolved is None:
            continue
        original, fetched = resolved
        exchanges.append(exchange_of(original, record.target_uri))
        captures.append(capture_of(original, fetched))
    roles = evidence_of(council, exchanges)
    if not roles:
        return None  # not a release's page (the log), or its case was not published
    try:
        item = release_from_exchanges(council, exchanges)
    except Exception:  # noqa: BLE001 - the crawl dropped what it could not read; so do we
        counts["dropped"] += 1
        return None
    item.capture = {**captures[roles[0][1]], "sources": [source_entry(role, captures[n]) for role, n in roles]}
    return item
