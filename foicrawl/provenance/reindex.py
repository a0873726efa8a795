"""`foicrawl reindex`: the catalogue rebuilt from the WARC files alone, offline.

Files are read in the order they were written; each release page found in them goes through the same
parser, normalisation, validation and catalogue rules as during the crawl, so the rebuilt catalogue
exports the same as the one the crawls built.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from foicrawl.catalogue.evidence import record_evidence
from foicrawl.catalogue.models import Evidence, EvidenceLink, Release, ReleaseVersion
from foicrawl.catalogue.releases import record_release
from foicrawl.catalogue.search import rebuild_index
from foicrawl.councils import register
from foicrawl.pipelines.validate import problems
from foicrawl.provenance.evidence import evidence_from_archive, is_evidence_metadata
from foicrawl.provenance.extract import is_release_record, read_capture, records_in, release_from_record
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
        "url": record.target_uri,
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
    session.execute(delete(EvidenceLink))
    session.execute(delete(Evidence))
    session.execute(delete(ReleaseVersion))
    session.execute(delete(Release))
    counts: Counter = Counter()
    full_records: dict[str, tuple[Path, int]] = {}  # record id -> where, for resolving revisits
    revisits: dict[str, tuple[Path, int]] = {}  # revisit record id -> where (evidence metadata may point at one)
    known = register()
    for path in in_written_order(warc_dir):
        council = run_id = None
        counts["files"] += 1
        for record in records_in(path):
            if record.record_type == "warcinfo":
                info = warcinfo(record)
                council, run_id = info.get("foicrawl-spider"), info.get("foicrawl-run-id")
                continue
            if record.record_type == "response":
                full_records[record.record_id] = (path.parent, path.name, record.offset)
            elif record.record_type == "revisit":
                revisits[record.record_id] = (path.parent, path.name, record.offset)
            if is_evidence_metadata(record):
                counts[f"evidence {_reindex_evidence(session, record, full_records, revisits, run_id)}"] += 1
                continue
            if council not in known or not is_release_record(council, record):
                continue
            fetched = None
            if record.record_type == "revisit":
                original = full_records.get(record.warc_headers.get_header("WARC-Refers-To"))
                if original is None:
                    counts["unresolved revisits"] += 1
                    continue
                fetched, record = record, read_capture(*original)
            item = release_from_record(council, record)
            if problems(item):
                counts["dropped"] += 1
                continue
            item.capture = capture_of(record, fetched)
            seen_at = datetime.fromisoformat(item.capture["fetched_at"])
            counts[record_release(session, item.to_dict(), seen_at, run_id)] += 1
            session.flush()
    counts["searchable"] = rebuild_index(session)
    return counts


def _reindex_evidence(session: Session, metadata: ArchivedRecord, full_records: dict, revisits: dict,
                      run_id: str | None) -> str:  # fmt: skip
    """One document or cited page, from its metadata record and the response it points at."""
    refers_to = metadata.warc_headers.get_header("WARC-Refers-To")
    response = fetched = None
    if refers_to in revisits:
        fetched = read_capture(*revisits[refers_to])
        refers_to = fetched.warc_headers.get_header("WARC-Refers-To")
    if refers_to:
        if refers_to not in full_records:
            return "unresolved"
        response = read_capture(*full_records[refers_to])
    item = evidence_from_archive(metadata, response, fetched, capture_of(response, fetched) if response else None)
    seen_at = datetime.fromisoformat(item["capture"]["fetched_at"])
    outcome = record_evidence(session, item, seen_at, run_id)
    session.flush()
    return outcome
