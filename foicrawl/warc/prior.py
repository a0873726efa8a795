"""What the archive already holds, by URL: so an unchanged page is written as a revisit record
(identical-payload-digest) instead of a second copy, and a recheck can be a conditional request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from foicrawl.warc.index import CDXJ_SUFFIX
from foicrawl.warc.reader import RecordError, read_record
from foicrawl.warc.writer import OPEN_SUFFIX, PriorCapture


@dataclass
class IndexedCapture:
    timestamp: str
    digest: str
    warc_file: str
    warc_offset: int


class PriorCaptures:
    """The latest full response record of each URL (and of each payload, wherever it was fetched
    from), from the CDXJ index and this run's writes."""

    def __init__(self, warc_dir: Path, latest: dict[str, IndexedCapture] | None = None):
        self.warc_dir = warc_dir
        self.latest = latest or {}
        self.by_digest = {capture.digest: capture for capture in self.latest.values()}

    @classmethod
    def load(cls, warc_dir: Path, index_dir: Path, prefix: str = "") -> PriorCaptures:
        latest: dict[str, IndexedCapture] = {}
        for path in sorted(index_dir.glob(f"{prefix}*{CDXJ_SUFFIX}")) if index_dir.exists() else []:
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split(" ", 2)
                if len(parts) < 3:
                    continue
                fields = json.loads(parts[2])
                if fields.get("mime") == "warc/revisit" or fields.get("status") != "200" or "digest" not in fields:
                    continue
                current = latest.get(fields["url"])
                if current is None or parts[1] >= current.timestamp:
                    latest[fields["url"]] = IndexedCapture(parts[1], fields["digest"], fields["filename"],
                                                           int(fields["offset"]))  # fmt: skip
        return cls(warc_dir, latest)

    def same_payload(self, url: str, digest: str, any_url: bool = False) -> PriorCapture | None:
        """The earlier capture of `url` with this payload digest, read back to check it is there.
        With `any_url`, an earlier capture of the same payload at another URL will do (a document
        whose link carries a new access token each time)."""
        indexed = self.latest.get(url)
        if (indexed is None or indexed.digest != digest) and any_url:
            indexed = self.by_digest.get(digest)
        if indexed is None or indexed.digest != digest:
            return None
        try:
            record = read_record(self._path(indexed.warc_file), indexed.warc_offset)
        except RecordError:
            return None  # the earlier copy is damaged or gone: write a full copy again
        if record.problems or record.record_type != "response":
            return None
        return PriorCapture(url=record.target_uri, warc_date=record.date, record_id=record.record_id, payload_digest=digest,
                            block_digest=record.warc_headers.get_header("WARC-Block-Digest"),
                            warc_file=indexed.warc_file, warc_offset=indexed.warc_offset, warc_length=record.length)  # fmt: skip

    def _path(self, warc_file: str) -> Path:
        """A file of this run is still being written, under its `.open` name."""
        path = self.warc_dir / warc_file
        return path if path.exists() else path.with_name(warc_file + OPEN_SUFFIX)

    def validators(self, url: str) -> dict[str, str]:
        """ETag and Last-Modified of the latest capture, as conditional request headers."""
        indexed = self.latest.get(url)
        if indexed is None:
            return {}
        try:
            record = read_record(self.warc_dir / indexed.warc_file, indexed.warc_offset)
        except RecordError:
            return {}
        headers = {}
        if etag := record.http_headers.get_header("ETag"):
            headers["If-None-Match"] = etag
        if modified := record.http_headers.get_header("Last-Modified"):
            headers["If-Modified-Since"] = modified
        return headers

    def remember(self, url: str, timestamp: str, digest: str, warc_file: str, warc_offset: int) -> None:
        self.latest[url] = self.by_digest[digest] = IndexedCapture(timestamp, digest, warc_file, warc_offset)
