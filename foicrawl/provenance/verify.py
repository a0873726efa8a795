"""`foicrawl verify`: every catalogue version checked against the WARC record it points at.

For each version: the record is read at its file and offset; its id, block digest and payload digest
are checked against the bytes and against the catalogue (a failure there is a MISMATCH, always); the
page is parsed again with today's parser and every stored field compared: a difference is a
MISMATCH when the version was read by today's parser version, a "stale extraction" when an earlier
one read it (`foicrawl reparse` brings it up to date). A version read from several records (a
portal's answers and documents) has each of them checked the same way, and its fields re-read from
all of them together.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.catalogue.releases import export_row
from foicrawl.items import Exchange
from foicrawl.provenance.extract import (
    RecordError,
    exchange_of,
    parser_version_of,
    read_capture,
    release_from_exchanges,
    release_from_record,
)
from foicrawl.warc.reader import ArchivedRecord
from foicrawl.warc.writer import OPEN_SUFFIX

COMPARED_FIELDS = ("case_ref", "title", "requested_on", "responded_on", "published_on", "request_text",
                   "response_text", "response_links", "documents", "dates_as_shown", "url")  # fmt: skip
OK, MISMATCH, MISSING = "ok", "mismatch", "missing"
STALE = "stale extraction"  # digests hold; fields were read by another parser version than today's
SKIPPED = "skipped"  # in a WARC file a crawl is still writing (.open): checked once it is closed


@dataclass
class Finding:
    council: str
    case_ref: str
    version: int
    status: str
    reasons: list[str] = field(default_factory=list)


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def difference(name: str, stored, archived, limit: int = 60, context: int = 24) -> str:
    """Where two values differ: both in full when short, else the first differing character with
    some text either side (two long values rarely differ in their first 60 characters)."""
    if len(repr(stored)) <= limit and len(repr(archived)) <= limit:
        return f"{name} differs: catalogue {_short(stored)}, archive {_short(archived)}"
    a, b = _as_text(stored), _as_text(archived)
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))

    def around(text: str) -> str:
        start = max(0, at - context)
        return ("..." if start else "") + repr(text[start : at + context])[1:-1] + ("..." if at + context < len(text) else "")

    return (f"{name} differs at character {at + 1} (of {len(a)} in the catalogue, {len(b)} in the archive): "
            f"catalogue '{around(a)}', archive '{around(b)}'")  # fmt: skip


def check_record(version: ReleaseVersion, record: ArchivedRecord) -> list[str]:
    """What does not hold between a catalogue version and its record."""
    reasons = list(record.problems)
    if record.record_id != version.warc_record_id:
        reasons.append(f"record id is {record.record_id}, catalogue says {version.warc_record_id}")
    if record.record_type != "response":
        reasons.append(f"record is a {record.record_type}, not a response")
        return reasons
    header_digest = record.warc_headers.get_header("WARC-Payload-Digest")
    if version.payload_digest and header_digest != version.payload_digest:
        reasons.append(f"payload digest is {header_digest}, catalogue says {version.payload_digest}")
    block_digest = record.warc_headers.get_header("WARC-Block-Digest")
    if version.block_digest and block_digest != version.block_digest:
        reasons.append(f"block digest is {block_digest}, catalogue says {version.block_digest}")
    return reasons


def check_sources(version: ReleaseVersion, warc_dir: Path) -> tuple[list[Exchange], list[str]]:
    """Each record a version was read from, read and checked; the exchanges they hold."""
    exchanges, reasons = [], []
    for source in version.sources or []:
        where = f"{source['role']} record ({source['url']})"
        try:
            record = read_capture(warc_dir, source["warc_file"], source["warc_offset"])
        except RecordError as error:
            reasons.append(f"{where}: {error}")
            continue
        reasons += [f"{where}: {problem}" for problem in record.problems]
        for name, found in (("warc_record_id", record.record_id), ("block_digest", record.warc_headers.get_header("WARC-Block-Digest")),
                            ("payload_digest", record.warc_headers.get_header("WARC-Payload-Digest"))):  # fmt: skip
            if source.get(name) and found != source[name]:
                reasons.append(f"{where}: {name} is {found}, catalogue says {source[name]}")
        if record.record_type != "response":
            reasons.append(f"{where}: record is a {record.record_type}, not a response")
            continue
        try:
            exchanges.append(exchange_of(record, source["url"]))
        except RecordError as error:  # its content coding cannot be undone
            reasons.append(f"{where}: {error}")
    return exchanges, reasons


def compare_fields(release: Release, version: ReleaseVersion, record: ArchivedRecord,
                   exchanges: list[Exchange] | None = None) -> list[str]:  # fmt: skip
    try:
        if exchanges is not None:
            archived = release_from_exchanges(release.council, exchanges).to_dict()
        else:
            archived = release_from_record(release.council, record).to_dict()
    except RecordError as error:
        return [f"archived page cannot be decoded: {error}"]
    except Exception as error:  # noqa: BLE001 - a page we cannot read is a finding, not a crash
        return [f"archived page cannot be parsed: {type(error).__name__}: {error}"]
    stored = export_row(release, version)
    return [difference(name, stored.get(name), archived.get(name)) for name in COMPARED_FIELDS
            if (stored.get(name) or None) != (archived.get(name) or None)]  # fmt: skip


def read_for(finding: Finding, warc_dir: Path, warc_file: str | None, offset: int | None) -> ArchivedRecord | None:
    """The record a catalogue entry points at, or None with the finding saying why not."""
    if not warc_file or offset is None:
        finding.status, finding.reasons = MISSING, ["no capture recorded"]
        return None
    path = warc_dir / warc_file
    if not path.exists() and path.with_name(path.name + OPEN_SUFFIX).exists():
        finding.status, finding.reasons = SKIPPED, [f"{warc_file} is still being written (a crawl is running)"]
        return None
    if not path.exists():
        finding.status, finding.reasons = MISSING, [f"WARC file missing: {warc_file}"]
        return None
    try:
        return read_capture(warc_dir, warc_file, offset)
    except RecordError as error:
        finding.status, finding.reasons = MISMATCH, [str(error)]
        return None


def verify_version(release: Release, version: ReleaseVersion, warc_dir: Path) -> Finding:
    finding = Finding(release.council, release.case_ref, version.version, OK)
    record = read_for(finding, warc_dir, version.warc_file, version.warc_offset)
    if record is None:
        return finding
    finding.reasons = check_record(version, record)
    if record.record_type == "response" and version.sources:
        exchanges, problems = check_sources(version, warc_dir)
        finding.reasons += problems
    else:
        exchanges = None
    if finding.reasons:  # integrity first, always: digests and record id
        finding.status = MISMATCH
        return finding
    differences = compare_fields(release, version, record, exchanges)
    today = parser_version_of(release.council)
    if differences and version.parser_version != today and not differences[0].startswith("archived page cannot"):
        finding.status = STALE
        finding.reasons = [f"read by parser {version.parser_version or '(unrecorded)'}, today's {today} reads: "
                           + "; ".join(differences)]  # fmt: skip
    elif differences:
        finding.status, finding.reasons = MISMATCH, differences
    return finding


def verify_catalogue(session: Session, warc_dir: Path, council: str | None = None) -> Iterator[Finding]:
    query = (select(ReleaseVersion).join(Release)
             .options(joinedload(ReleaseVersion.release).selectinload(Release.withdrawals))
             .order_by(Release.council, Release.case_ref, ReleaseVersion.version))  # fmt: skip
    if council:
        query = query.where(Release.council == council)
    for version in session.scalars(query):
        yield verify_version(version.release, version, warc_dir)
