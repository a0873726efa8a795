"""The one way back from the archive: a record read at its place and checked, the page it holds,
and the release the crawl read from it (same parser and normalisation), so that `verify`, `replay`
and `reindex` see exactly what the crawl stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from foicrawl.pipelines.rederive import (
    evidence_of,
    exchange_of,
    page_text,
    parser_version_of,
    platform_of,
    reads_pages,
    release_from_exchanges,
    release_from_record,
)
from foicrawl.warc.reader import ArchivedRecord, RecordError, read_record

__all__ = ["RecordError", "RecordHead", "read_capture", "records_in", "record_heads", "page_text",
           "release_from_record", "is_release_record", "is_release_url", "parser_version_of", "reads_pages",
           "exchange_of", "release_from_exchanges", "evidence_of"]  # fmt: skip


def read_capture(warc_dir: Path, warc_file: str, offset: int) -> ArchivedRecord:
    """The record a catalogue entry points at, read and checked. Raises RecordError."""
    return read_record(Path(warc_dir) / warc_file, offset)


def records_in(path: Path) -> Iterator[ArchivedRecord]:
    """Every record of a WARC file, in written order, each read and checked at its offset."""
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        offsets = [iterator.get_record_offset() for _ in iterator]
    for offset in offsets:
        yield read_record(path, offset)


@dataclass
class RecordHead:
    """What a WARC record says of itself, read without its payload: enough to order and pick records."""

    path: Path
    offset: int
    record_type: str
    record_id: str | None
    date: str | None
    target_uri: str | None
    status: int | None
    refers_to: str | None
    page_id: str | None = None  # WARC-Page-ID: the browser page whose records these are


def record_heads(path: Path) -> Iterator[RecordHead]:
    """Every record of a WARC file, headers only, in written order (read them in full with
    `read_capture`)."""
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            http = record.http_headers if record.rec_type in ("response", "revisit") else None
            status = http.get_statuscode() if http is not None else None
            get = record.rec_headers.get_header
            yield RecordHead(Path(path), iterator.get_record_offset(), record.rec_type, get("WARC-Record-ID"),
                             get("WARC-Date"), get("WARC-Target-URI"), int(status) if status and status.isdigit() else None,
                             get("WARC-Refers-To"), get("WARC-Page-ID"))  # fmt: skip


def is_release_url(council: str, url: str | None) -> bool:
    return bool(url) and platform_of(council).is_release_url(url)


def is_release_record(council: str, record: ArchivedRecord) -> bool:
    return (record.record_type in ("response", "revisit") and record.status == 200
            and platform_of(council).is_release_url(record.target_uri))  # fmt: skip
