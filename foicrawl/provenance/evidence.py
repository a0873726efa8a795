"""Evidence read back from the archive: each document and cited page rebuilt from its WARC records
(for `reindex`), and each catalogue evidence record checked against its record (for `verify`).

A crawl writes, after each evidence capture, a metadata record naming the evidence it is (key, URL
as cited, role, the page it was found on) and pointing at the response (or revisit) record. Reindex
reads that, then describes the archived bytes with the same code the crawl used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from foicrawl.catalogue.evidence import has_evidence
from foicrawl.catalogue.models import Evidence
from foicrawl.citations import host_of
from foicrawl.councils import register
from foicrawl.parsers.evidence import describe
from foicrawl.provenance.verify import MISMATCH, OK, Finding, read_for
from foicrawl.warc.reader import ArchivedRecord

KEY_FIELD = "foicrawl-evidence-key"


def warc_fields(record: ArchivedRecord) -> dict[str, str]:
    fields = {}
    for line in record.block.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip():
            fields[name.strip()] = value.strip()
    return fields


def is_evidence_metadata(record: ArchivedRecord) -> bool:
    return record.record_type == "metadata" and KEY_FIELD.encode() in record.block[:4000]


def _headers(record: ArchivedRecord) -> dict:
    http = record.http_headers
    return {name: http.get_header(name) for name in ("Content-Type", "Content-Disposition", "Content-Length")} if http else {}


def on_moderngov(council: str, url: str) -> bool:
    entry = register().get(council)
    return bool(entry and entry.moderngov and host_of(entry.moderngov) == host_of(url))


def evidence_from_archive(metadata: ArchivedRecord, response: ArchivedRecord | None,
                          fetched: ArchivedRecord | None, capture: dict | None) -> dict:  # fmt: skip
    """The evidence item a crawl stored, rebuilt from its metadata record and the response record it
    points at (`fetched`: the revisit that stood for it in this crawl, if any)."""
    fields = warc_fields(metadata)
    council = fields.get("foicrawl-council", "")
    item = {"council": council, "key": fields[KEY_FIELD], "url": fields.get("foicrawl-evidence-url", fields[KEY_FIELD]),
            "role": fields.get("foicrawl-evidence-role", "document"), "via": fields.get("foicrawl-evidence-via"),
            "fetched_url": metadata.target_uri, "cited_by": json.loads(fields.get("foicrawl-evidence-cited-by") or "[]")}  # fmt: skip
    failure = fields.get("foicrawl-evidence-failure")
    moment = datetime.fromisoformat((fetched or response or metadata).date.replace("Z", "+00:00")).astimezone(UTC)
    if response is None:
        return {**item, "kind": "unknown", "reason": failure, "capture": {"fetched_at": moment.isoformat()}}
    item.update(status=response.status, capture=capture)
    if failure:  # a redirect not followed: the 3xx is the evidence
        return {**item, "kind": "page", "reason": failure, "sha256": None}
    truncated = bool(response.warc_headers.get_header("WARC-Truncated"))
    described = describe(response.decoded_payload(), url=item["url"], status=response.status,
                         headers=_headers(response), truncated=truncated,
                         moderngov_site=fields.get("foicrawl-evidence-moderngov") == "yes"
                         or on_moderngov(council, item["url"]))  # fmt: skip
    return {**item, **described}


# Verify -------------------------------------------------------------------------------------------


def verify_evidence_record(evidence: Evidence, warc_dir: Path) -> Finding:
    finding = Finding(evidence.council, evidence.url, evidence.id, OK)
    if evidence.status is None:  # no answer at all: nothing was archived but the request
        return finding
    record = read_for(finding, warc_dir, evidence.warc_file, evidence.warc_offset)
    if record is None:
        return finding
    reasons = list(record.problems)
    if record.record_id != evidence.warc_record_id:
        reasons.append(f"record id is {record.record_id}, catalogue says {evidence.warc_record_id}")
    for header, stored in (("WARC-Payload-Digest", evidence.payload_digest), ("WARC-Block-Digest", evidence.block_digest)):
        if stored and record.warc_headers.get_header(header) != stored:
            reasons.append(f"{header} is {record.warc_headers.get_header(header)}, catalogue says {stored}")
    if evidence.sha256:
        try:
            body = record.decoded_payload()
        except Exception as error:  # noqa: BLE001 - an undecodable body is a finding
            reasons.append(f"body cannot be decoded: {error}")
        else:
            digest = hashlib.sha256(body).hexdigest()
            if digest != evidence.sha256:
                reasons.append(f"sha256 of the archived body is {digest}, catalogue says {evidence.sha256}")
            if evidence.stored_size is not None and len(body) != evidence.stored_size:
                reasons.append(f"archived body is {len(body)} bytes, catalogue says {evidence.stored_size}")
    if reasons:
        finding.status, finding.reasons = MISMATCH, reasons
    return finding


def verify_evidence(session: Session, warc_dir: Path, council: str | None = None) -> Iterator[Finding]:
    """Every evidence record against its WARC record: id, digests, and the sha256 of the body."""
    if not has_evidence(session):
        return
    query = select(Evidence).order_by(Evidence.council, Evidence.id)
    if council:
        query = query.where(Evidence.council == council)
    for evidence in session.scalars(query):
        yield verify_evidence_record(evidence, warc_dir)
