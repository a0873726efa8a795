"""A release read from an archived response: the same parser and normalisation as the crawl, so
that `verify` and `reindex` see exactly what the crawl stored."""

from __future__ import annotations

from foicrawl.councils import council as council_entry
from foicrawl.items import ReleaseItem
from foicrawl.parsers import PLATFORMS
from foicrawl.parsers.html_text import decode_html
from foicrawl.pipelines.normalise import normalise
from foicrawl.warc.reader import ArchivedRecord


def platform_of(council: str):
    return PLATFORMS[council_entry(council).platform]


def is_release_record(council: str, record: ArchivedRecord) -> bool:
    return (record.record_type in ("response", "revisit") and record.status == 200
            and platform_of(council).is_release_url(record.target_uri))  # fmt: skip


def release_from_record(council: str, record: ArchivedRecord) -> ReleaseItem:
    """Parse and normalise the release page held by a response record."""
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    text = decode_html(record.decoded_payload(), content_type)
    item = platform_of(council).parse_release(text, record.target_uri, council)
    normalise(item)
    return item
