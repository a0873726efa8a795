"""`foicrawl reindex`: the catalogue rebuilt from the WARC files alone, offline.

Every answer for a release page (the page, a 304 recheck, a 404/410 withdrawal) is taken in WARC-Date
order and goes through the same parser, normalisation, validation and store code as during the
crawl, so the rebuilt catalogue exports the same as the one the crawls built, withdrawals and
sightings included. A portal's release is read from a browser page's records (one WARC-Page-ID,
written together), as the crawl read it: only pages that settled (their rendered DOM was kept) were
read by the crawl, so only those are read here.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from foicrawl.catalogue.evidence import record_evidence
from foicrawl.catalogue.models import Evidence, EvidenceLink, Release, ReleaseVersion, Withdrawal
from foicrawl.catalogue.releases import source_entry
from foicrawl.catalogue.search import rebuild_index
from foicrawl.councils import register
from foicrawl.items import ReleaseGone, ReleaseItem, ReleaseNotModified
from foicrawl.pipelines.rederive import platform_of, stored_page_reader
from foicrawl.pipelines.store import store_item
from foicrawl.pipelines.validate import problems
from foicrawl.provenance.evidence import evidence_from_archive, is_evidence_metadata
from foicrawl.provenance.extract import (
    RecordError,
    RecordHead,
    evidence_of,
    exchange_of,
    is_release_url,
    read_capture,
    reads_pages,
    record_heads,
    release_from_exchanges,
    release_from_record,
)
from foicrawl.urls import site_key
from foicrawl.warc.reader import ArchivedRecord

GONE = (404, 410)

logger = logging.getLogger(__name__)
_NAME = re.compile(r"^foicrawl-(?P<spider>.+)-(?P<started>\d{14})-(?P<serial>\d{5})\.warc\.gz(\.open)?$")


def spiders_in(warc_dir: Path) -> set[str]:
    """The spiders whose WARC files (complete or still open) are in `warc_dir`."""
    return {match["spider"] for path in warc_dir.glob("foicrawl-*") if (match := _NAME.match(path.name))}


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
        "url": (fetched or record).target_uri,  # a revisit may be of the same payload at another URL
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
        evidence.update(revisit_record_id=fetched.record_id, revisit_warc_file=fetched.path.name,
                        revisit_warc_offset=fetched.offset)  # fmt: skip
    return evidence


def reindex(session: Session, warc_dir: Path, report: Callable[[str], None] = logger.warning) -> Counter:
    """Replace the catalogue's releases with what the WARC files hold. Crawl runs are kept.

    Every release page (200, or a revisit of one), recheck (304) and withdrawal (404/410) of a
    council in the register is replayed in WARC-Date order through the crawl's own store code. A
    record that cannot be read is passed to `report` and counted as "unreadable"; the rebuild goes on.
    """
    session.execute(delete(EvidenceLink))
    session.execute(delete(Evidence))
    session.execute(delete(Withdrawal))
    session.execute(delete(ReleaseVersion))
    session.execute(delete(Release))
    counts: Counter = Counter()
    known = register()
    full_records: dict[str, RecordHead] = {}  # record id -> where, for resolving revisits
    revisits: dict[str, RecordHead] = {}  # revisit record id -> where (evidence metadata may point at one)
    answers: list[tuple[datetime, int, int, RecordHead, str, str | None]] = []
    for order, path in enumerate(in_written_order(warc_dir)):
        counts["files"] += 1
        council = run_id = None
        page: list[RecordHead] = []  # the records of the browser page being read
        try:
            for head in record_heads(path):
                if head.record_type == "warcinfo":
                    info = warcinfo(read_capture(path.parent, path.name, head.offset))
                    council, run_id = info.get("foicrawl-spider"), info.get("foicrawl-run-id")
                    continue
                if head.record_type == "response":
                    full_records[head.record_id] = head
                elif head.record_type == "revisit":
                    revisits[head.record_id] = head
                elif head.record_type == "metadata":  # a document's or cited page's, maybe
                    answers.append((_moment(head.date), order, head.offset, head, EVIDENCE, run_id))
                if council in known and reads_pages(council):
                    if page and page[0].page_id != head.page_id:
                        _add_page(page, order, council, run_id, answers)
                        page = []
                    if head.page_id:
                        page.append(head)
                elif (council in known and head.record_type in ("response", "revisit") and head.status in STORED
                        and is_release_url(council, head.target_uri)):  # fmt: skip
                    answers.append((_moment(head.date), order, head.offset, head, council, run_id))
        except (RecordError, OSError, ValueError) as error:  # noqa: PERF203 - a damaged file: keep what was read
            counts["unreadable"] += 1
            report(f"Stopped reading {path.name} early: {error}")
        if page:
            _add_page(page, order, council, run_id, answers)
    held: dict[tuple[str, str], str] = {}  # (council, site key) -> case reference
    for moment, _, _, head, council, run_id in sorted(answers, key=lambda a: a[:3]):
        try:
            if council == EVIDENCE:
                metadata = read_capture(head.path.parent, head.path.name, head.offset)
                if is_evidence_metadata(metadata):
                    counts[f"evidence {_reindex_evidence(session, metadata, full_records, revisits, run_id)}"] += 1
                continue
            if isinstance(head, list):
                item = _page_answer(head, council, full_records, held)
            else:
                item = _answer(head, council, moment, full_records, held)
        except Exception as error:  # noqa: BLE001 - one unreadable record never stops a rebuild
            counts["unreadable"] += 1
            first = head[0] if isinstance(head, list) else head
            report(f"Skipped {error}" if isinstance(error, RecordError) else
                   f"Skipped {first.target_uri} at offset {first.offset} of {first.path.name}: {type(error).__name__}: {error}")  # fmt: skip
            continue
        if item is None:
            continue
        if isinstance(item, ReleaseItem):
            if problems(item):
                counts["dropped"] += 1
                continue
            held[(council, site_key(item.url))] = item.case_ref
        outcome = store_item(session, item, run_id, stored_page_reader(warc_dir, council))
        if outcome:
            counts[outcome] += 1
        session.flush()
    counts["searchable"] = rebuild_index(session)
    return counts


STORED = (200, 304, *GONE)
EVIDENCE = "(evidence)"  # in place of a council: a metadata record, read in its turn


def _moment(warc_date: str | None) -> datetime:
    return datetime.fromisoformat((warc_date or "").replace("Z", "+00:00")).astimezone(UTC)


def _answer(head: RecordHead, council: str, moment: datetime, full_records: dict[str, RecordHead],
            held: dict[tuple[str, str], str]):  # fmt: skip
    """The item the crawl made of this answer: a release, a sighting (304) or a withdrawal
    (404/410), the last two only for a release already held, as the spider does."""
    if head.status == 200:
        record = fetched = read_capture(head.path.parent, head.path.name, head.offset)
        if record.record_type == "revisit":
            original = full_records.get(head.refers_to)
            if original is None:
                raise RecordError(f"revisit at offset {head.offset} of {head.path.name} refers to "
                                  f"{head.refers_to}, which no WARC file holds")  # fmt: skip
            record = read_capture(original.path.parent, original.path.name, original.offset)
        else:
            fetched = None
        item = release_from_record(council, record)
        item.capture = capture_of(record, fetched)
        return item
    case_ref = held.get((council, site_key(head.target_uri)))
    if case_ref is None:
        return None
    record = read_capture(head.path.parent, head.path.name, head.offset)
    capture = capture_of(record)
    fetched_at = capture["fetched_at"]
    if head.status == 304:
        return ReleaseNotModified(council, case_ref, head.target_uri, fetched_at, capture)
    return ReleaseGone(council, case_ref, head.target_uri, head.status, fetched_at, capture)


def _add_page(heads: list[RecordHead], order: int, council: str, run_id: str | None, answers: list) -> None:
    """A browser page's records, as one answer, if the page settled (its rendered DOM was kept): the
    crawl read nothing from a page that never settled."""
    if any(h.record_type == "resource" and (h.target_uri or "").startswith("urn:dom:") for h in heads):
        answers.append((_moment(heads[0].date), order, heads[0].offset, heads, council, run_id))


def _page_answer(heads: list[RecordHead], council: str, full_records: dict[str, RecordHead],
                 held: dict[tuple[str, str], str]):  # fmt: skip
    """What the crawl made of a portal's case page, from every answer the page received: a release,
    or a withdrawal when the case is held and its details call said it is not published."""
    page_url = next((h.target_uri for h in heads if h.record_type in ("response", "revisit")
                     and is_release_url(council, h.target_uri)), None)  # fmt: skip
    if page_url is None:
        return None  # the log, not a case
    exchanges, captures = [], []
    for head in heads:
        if head.record_type not in ("response", "revisit"):
            continue
        record = fetched = read_capture(head.path.parent, head.path.name, head.offset)
        if record.record_type == "revisit":
            original = full_records.get(head.refers_to)
            if original is None:
                raise RecordError(f"revisit at offset {head.offset} of {head.path.name} refers to "
                                  f"{head.refers_to}, which no WARC file holds")  # fmt: skip
            record = read_capture(original.path.parent, original.path.name, original.offset)
        else:
            fetched = None
        exchanges.append(exchange_of(record, head.target_uri))
        captures.append(capture_of(record, fetched))
    platform = platform_of(council)
    details, documents = platform.case_answers(exchanges)
    if details is not None and details.status in platform.NOT_PUBLISHED:
        case_ref = held.get((council, site_key(page_url)))
        if case_ref is None:
            return None
        capture = captures[exchanges.index(details)]
        return ReleaseGone(council, case_ref, page_url, details.status, capture["fetched_at"], capture)
    if details is None or documents is None or details.status >= 500 or documents.status >= 500:
        return None  # the crawl rendered the page again (its answer is a later page)
    item = release_from_exchanges(council, exchanges)
    roles = evidence_of(council, exchanges)
    item.capture = {**captures[roles[0][1]], "sources": [source_entry(role, captures[n]) for role, n in roles]}
    return item


def _reindex_evidence(session: Session, metadata: ArchivedRecord, full_records: dict, revisits: dict,
                      run_id: str | None) -> str:  # fmt: skip
    """One document or cited page, from its metadata record and the response it points at."""
    refers_to = metadata.warc_headers.get_header("WARC-Refers-To")
    response = fetched = None
    if refers_to in revisits:
        fetched = read_capture(revisits[refers_to].path.parent, revisits[refers_to].path.name, revisits[refers_to].offset)
        refers_to = fetched.warc_headers.get_header("WARC-Refers-To")
    if refers_to:
        if refers_to not in full_records:
            return "unresolved"
        original = full_records[refers_to]
        response = read_capture(original.path.parent, original.path.name, original.offset)
    item = evidence_from_archive(metadata, response, fetched, capture_of(response, fetched) if response else None)
    seen_at = datetime.fromisoformat(item["capture"]["fetched_at"])
    outcome = record_evidence(session, item, seen_at, run_id)
    session.flush()
    return outcome
