"""A stored version's own page read again with today's parser: how a parser change is told from a
change of the council's page. The reading itself (record -> page text -> normalised release) is
here, below both the store and provenance; `provenance.extract` hands the same functions to verify,
replay and reindex."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from foicrawl.councils import council as council_entry
from foicrawl.items import Exchange, ReleaseItem
from foicrawl.parsers import PLATFORMS, extraction_version
from foicrawl.parsers.html_text import decode_html
from foicrawl.pipelines.normalise import normalise
from foicrawl.warc.reader import ArchivedRecord, RecordError, read_record


def platform_of(council: str):
    return PLATFORMS[council_entry(council).platform]


def parser_version_of(council: str) -> str:
    """Today's extraction version for a council's platform."""
    return extraction_version(council_entry(council).platform)


def page_text(record: ArchivedRecord) -> str:
    """The page as the crawl decoded it: content codings undone, then the charset Scrapy uses."""
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    return decode_html(record.decoded_payload(), content_type)


def release_from_record(council: str, record: ArchivedRecord) -> ReleaseItem:
    """Parse and normalise the release page held by a response record, with today's parser."""
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


def release_from_sources(council: str, warc_dir: Path, sources: list[dict]) -> ReleaseItem:
    """A version read from several records (a portal's answers and documents), read again from them."""
    exchanges = [exchange_of(read_record(Path(warc_dir) / s["warc_file"], s["warc_offset"]), s["url"]) for s in sources]
    return release_from_exchanges(council, exchanges)


def stored_page_reader(warc_dir: Path, council: str) -> Callable[[object], dict | None]:
    """For `record_release`: a stored version (its warc_file and offset) read again with today's
    parser, as a record dict; None when its record cannot be read (the comparison then stands)."""

    def reread(version) -> dict | None:
        if not version.warc_file or version.warc_offset is None:
            return None
        try:
            if getattr(version, "sources", None):
                return release_from_sources(council, warc_dir, version.sources).to_dict()
            record = read_record(Path(warc_dir) / version.warc_file, version.warc_offset)
            return release_from_record(council, record).to_dict()
        except (RecordError, OSError, ValueError):
            return None

    return reread
