"""The one way back from the archive: a record read at its place and checked, the page it holds,
and the release the crawl read from it (same parser and normalisation), so that `verify`, `replay`
and `reindex` see exactly what the crawl stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from foicrawl.councils import council as council_entry
from foicrawl.items import Exchange, ReleaseItem
from foicrawl.parsers import PLATFORMS
from foicrawl.parsers.html_text import decode_html
from foicrawl.pipelines.normalise import normalise
from foicrawl.warc.reader import ArchivedRecord, RecordError, read_record

__all__ = ["RecordError", "read_capture", "records_in", "page_text", "release_from_record", "is_release_record",
           "page_groups", "reads_pages", "exchange_of", "release_from_exchanges", "evidence_of"]  # fmt: skip


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


def page_groups(records: Iterator[ArchivedRecord]) -> Iterator[list[ArchivedRecord]]:
    """Records in written order, grouped: a browser page's records (one WARC-Page-ID, written
    together) make one group; every other record is a group of its own."""
    group: list[ArchivedRecord] = []
    for record in records:
        page = record.warc_headers.get_header("WARC-Page-ID")
        if group and (page is None or page != group[0].warc_headers.get_header("WARC-Page-ID")):
            yield group
            group = []
        group.append(record)
        if page is None:
            yield group
            group = []
    if group:
        yield group


def platform_of(council: str):
    return PLATFORMS[council_entry(council).platform]


def is_release_record(council: str, record: ArchivedRecord) -> bool:
    return (record.record_type in ("response", "revisit") and record.status == 200
            and platform_of(council).is_release_url(record.target_uri))  # fmt: skip


def page_text(record: ArchivedRecord) -> str:
    """The page as the crawl decoded it: content-encoding undone, then the charset Scrapy uses."""
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    return decode_html(record.decoded_payload(), content_type)


def release_from_record(council: str, record: ArchivedRecord) -> ReleaseItem:
    """Parse and normalise the release page held by a response record."""
    item = platform_of(council).parse_release(page_text(record), record.target_uri, council)
    normalise(item)
    return item


def reads_pages(council: str) -> bool:
    """Whether the council's releases are read from a browser page's answers, not from one page."""
    return hasattr(platform_of(council), "parse_release_exchanges")


def exchange_of(record: ArchivedRecord, url: str | None = None) -> Exchange:
    """A response record as a parser reads it. For a revisit, pass the record it refers to and the
    URL the revisit was fetched from."""
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    return Exchange(url or record.target_uri, record.status, content_type, record.decoded_payload())


def release_from_exchanges(council: str, exchanges: list[Exchange]) -> ReleaseItem:
    """Parse and normalise a release from the answers its page received, as the crawl did."""
    item = platform_of(council).parse_release_exchanges(exchanges, council)
    normalise(item)
    return item


def evidence_of(council: str, exchanges: list[Exchange]) -> list[tuple[str, int]]:
    """Which of a page's exchanges a release is read from: (role, index), the details first."""
    return platform_of(council).evidence(exchanges)
