"""WARC 1.1 files, one gzip member a record, written under a temporary name and renamed when complete.

Independent of Scrapy: the capture extension turns each HTTP exchange into `HttpMessage`s and hands
them here. Every response is written with the request that produced it (linked both ways by
WARC-Concurrent-To), with block and payload digests. A file rotates once it passes its size limit.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OPEN_SUFFIX = ".open"
WARC_VERSION = "WARC/1.1"
# Hop-by-hop framing already undone by the HTTP client: keep the header for the record, renamed, so
# that readers do not try to de-chunk a body that is no longer chunked.
UNDONE_FRAMING = {"transfer-encoding"}


@dataclass
class HttpMessage:
    """A request or response as it crossed the wire: start line parts, headers, body bytes."""

    start_line: str  # "GET /path?q HTTP/1.1" or "200 OK"
    headers: list[tuple[str, str]]
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass
class PriorCapture:
    """An earlier full response record with a given payload: what a revisit record points at."""

    url: str
    warc_date: str
    record_id: str
    payload_digest: str
    block_digest: str
    warc_file: str
    warc_offset: int
    warc_length: int


@dataclass
class Capture:
    """Where a response lives in the archive: what each catalogue version points at."""

    url: str
    status: int
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    payload_digest: str
    block_digest: str
    fetched_at: str  # ISO 8601, UTC
    request_record_id: str | None = None
    revisit_of: PriorCapture | None = None  # set when the record is a revisit of this capture

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ResourceCapture:
    """Where a resource record (a rendered page, a screenshot) lives in the archive."""

    uri: str
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    block_digest: str


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _framing_safe(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(f"X-Archive-Orig-{name}" if name.lower() in UNDONE_FRAMING else name, value)
            for name, value in headers]  # fmt: skip


@dataclass
class RotatingWarcWriter:
    """Writes records to `<directory>/<prefix>-<timestamp>-<serial>.warc.gz`.

    The open file carries the `.open` suffix; `close()` (and rotation) renames it, so a file without
    the suffix is always complete. `warcinfo` fields head every file.
    """

    directory: Path
    prefix: str
    warcinfo: dict[str, str]
    max_size: int = 1024**3
    files_written: list[str] = field(default_factory=list)
    _serial: int = 0
    _stream: object = None
    _writer: WARCWriter | None = None
    _name: str | None = None
    _together: bool = False

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")

    def _open(self) -> None:
        self._serial += 1
        self._name = f"{self.prefix}-{self._started}-{self._serial:05d}.warc.gz"
        self._stream = open(self.directory / (self._name + OPEN_SUFFIX), "wb")
        self._writer = WARCWriter(self._stream, gzip=True, warc_version=WARC_VERSION)
        info = {**self.warcinfo, "hostname": socket.gethostname(), "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}  # fmt: skip
        self._writer.write_record(self._writer.create_warcinfo_record(self._name, info))

    def _ensure_open(self) -> None:
        if self._writer is None:
            self._open()
        elif self._stream.tell() >= self.max_size and not self._together:
            self.close()
            self._open()

    @contextmanager
    def together(self):
        """Records written inside stay in one file, one after another (a browser page's exchanges)."""
        self._ensure_open()
        self._together = True
        try:
            yield self
        finally:
            self._together = False

    def _write(self, record) -> tuple[int, int]:
        offset = self._stream.tell()
        self._writer.write_record(record)
        self._stream.flush()
        return offset, self._stream.tell() - offset

    def _http_record(self, record_type: str, url: str, message: HttpMessage, moment: datetime,
                     extra: dict[str, str]) -> object:  # fmt: skip
        headers = StatusAndHeaders(message.start_line, _framing_safe(message.headers),
                                   protocol=message.protocol)  # fmt: skip
        warc_headers = {"WARC-Record-ID": new_record_id(), "WARC-Date": warc_date(moment), **extra}
        return self._writer.create_warc_record(
            url, record_type, payload=BytesIO(message.body), length=len(message.body),
            http_headers=headers, warc_headers_dict=warc_headers,
        )  # fmt: skip

    def _revisit_record(self, url: str, response: HttpMessage, moment: datetime, prior: PriorCapture,
                        extra: dict[str, str]) -> object:  # fmt: skip
        """The response's headers only, pointing at the earlier record that holds the same payload."""
        headers = StatusAndHeaders(response.start_line, _framing_safe(response.headers), protocol=response.protocol)
        record = self._writer.create_revisit_record(
            url, prior.payload_digest, prior.url, prior.warc_date, http_headers=headers,
            warc_headers_dict={"WARC-Record-ID": new_record_id(), "WARC-Date": warc_date(moment), **extra},
        )  # fmt: skip
        record.rec_headers.add_header("WARC-Refers-To", prior.record_id)
        return record

    def write_exchange(self, url: str, request: HttpMessage, response: HttpMessage, moment: datetime,
                       ip_address: str | None = None, revisit_of: PriorCapture | None = None,
                       warc_headers: dict[str, str] | None = None) -> Capture:  # fmt: skip
        """A response and the request that produced it, linked both ways. With `revisit_of`, the
        response is written as a revisit record of that earlier capture (its payload is identical).
        `warc_headers` go on both records (a browser page's WARC-Page-ID)."""
        self._ensure_open()
        response_id, request_id = new_record_id(), new_record_id()
        extra = {"WARC-Concurrent-To": request_id, **({"WARC-IP-Address": ip_address} if ip_address else {}),
                 **(warc_headers or {})}  # fmt: skip
        if revisit_of is not None:
            response_record = self._revisit_record(url, response, moment, revisit_of, extra)
        else:
            response_record = self._http_record("response", url, response, moment, extra)
        response_record.rec_headers.replace_header("WARC-Record-ID", response_id)
        request_record = self._http_record("request", url, request, moment,
                                           {"WARC-Concurrent-To": response_id, **(warc_headers or {})})  # fmt: skip
        request_record.rec_headers.replace_header("WARC-Record-ID", request_id)
        offset, length = self._write(response_record)
        self._write(request_record)
        status = int(response.start_line.split(" ", 1)[0])
        return Capture(
            url=url,
            status=status,
            warc_file=self._name,
            warc_offset=offset,
            warc_length=length,
            warc_record_id=response_id,
            payload_digest=response_record.rec_headers.get_header("WARC-Payload-Digest"),
            block_digest=response_record.rec_headers.get_header("WARC-Block-Digest"),
            fetched_at=moment.astimezone(UTC).isoformat(timespec="microseconds"),
            request_record_id=request_id,
            revisit_of=revisit_of,
        )

    def write_failure(self, url: str, request: HttpMessage, moment: datetime, reason: str,
                      warc_headers: dict[str, str] | None = None) -> str:  # fmt: skip
        """A request that got no response (refused, timed out, bad certificate): the request, and a
        metadata record saying what happened."""
        self._ensure_open()
        request_id = new_record_id()
        request_record = self._http_record("request", url, request, moment, dict(warc_headers or {}))
        request_record.rec_headers.replace_header("WARC-Record-ID", request_id)
        self._write(request_record)
        fields = f"fetch-error: {reason}\r\n".encode()
        metadata = self._writer.create_warc_record(
            url, "metadata", payload=BytesIO(fields), length=len(fields),
            warc_headers_dict={"WARC-Date": warc_date(moment), "WARC-Concurrent-To": request_id, **(warc_headers or {})},
        )  # fmt: skip
        self._write(metadata)
        return request_id

    def write_resource(self, uri: str, content_type: str, data: bytes, moment: datetime,
                       warc_headers: dict[str, str] | None = None) -> ResourceCapture:  # fmt: skip
        """Something the crawler made rather than received (a rendered DOM, a screenshot), under a
        `urn:` target so that it is never taken for what a server sent."""
        self._ensure_open()
        record_id = new_record_id()
        record = self._writer.create_warc_record(
            uri, "resource", payload=BytesIO(data), length=len(data),
            warc_headers_dict={"WARC-Record-ID": record_id, "WARC-Date": warc_date(moment),
                               "Content-Type": content_type, **(warc_headers or {})},
        )  # fmt: skip
        offset, length = self._write(record)
        return ResourceCapture(uri, self._name, offset, length, record_id,
                               record.rec_headers.get_header("WARC-Block-Digest"))  # fmt: skip

    def close(self) -> None:
        if self._writer is None:
            return
        self._stream.close()
        os.replace(self.directory / (self._name + OPEN_SUFFIX), self.directory / self._name)
        self.files_written.append(self._name)
        self._writer = self._stream = None
