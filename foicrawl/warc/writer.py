"""WARC 1.1 files, one gzip member a record, written under a temporary name and renamed when complete.

Independent of Scrapy: the capture extension turns each HTTP exchange into `HttpMessage`s and hands
them here. Every response is written with the request that produced it (linked both ways by
WARC-Concurrent-To), with block and payload digests. A file rotates once it passes its size limit.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from foicrawl.warc.index import index_line, write_index

logger = logging.getLogger(__name__)

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
    raw_head: bytes | None = None  # the status and header lines as received, when the client kept them


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


_UNDONE_FRAMING_LINE = re.compile(rb"^(" + b"|".join(n.encode() for n in UNDONE_FRAMING) + rb")([ \t]*:)", re.I | re.M)


class HeadAsReceived(StatusAndHeaders):
    """HTTP headers written into the record as the bytes received (warcio would re-serialise them:
    names re-cased by Scrapy, non-ASCII bytes percent-encoded). Only the undone framing header is
    renamed, in place, as in `_framing_safe`."""

    def __init__(self, raw: bytes):
        self.raw = _UNDONE_FRAMING_LINE.sub(rb"X-Archive-Orig-\1\2", raw)
        parsed = StatusAndHeadersParser([], verify=False).parse(BytesIO(self.raw))
        super().__init__(parsed.statusline, parsed.headers, protocol=parsed.protocol)

    def compute_headers_buffer(self, header_filter=None) -> None:
        self.headers_buff = self.raw


def _http_headers(message: HttpMessage) -> StatusAndHeaders:
    if message.raw_head:
        return HeadAsReceived(message.raw_head)
    return StatusAndHeaders(message.start_line, _framing_safe(message.headers), protocol=message.protocol)


class WarcWriteError(OSError):
    """The WARC file could not be written (disk full, I/O error): the crawl must stop."""


def _sync_directory(directory: Path) -> None:
    """fsync a directory, so that a file created or renamed in it keeps its name after a crash."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
    _size: int = 0  # bytes written to the open file
    synced_to: int = 0  # bytes of the open file known to be on disk (fsync'd)
    failure: WarcWriteError | None = None  # set by a failed write: the writer writes nothing more
    # Where each file's CDXJ index goes, written as the file closes from lines made as its records
    # were written (None: the caller indexes the files itself).
    index_dir: Path | None = None
    _index_lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")

    def _open(self) -> None:
        self._serial += 1
        self._name = f"{self.prefix}-{self._started}-{self._serial:05d}.warc.gz"
        try:
            # Unbuffered: each record goes to the file in one piece, so a failed write leaves no
            # bytes in a buffer that could land later (see _write).
            self._stream = open(self.directory / (self._name + OPEN_SUFFIX), "wb", buffering=0)
        except OSError as error:
            self._fail(error)
        self._size = self.synced_to = 0
        self._writer = WARCWriter(None, gzip=True, warc_version=WARC_VERSION)  # builds records; _write writes
        _sync_directory(self.directory)  # the new name itself survives a power loss
        info = {**self.warcinfo, "hostname": socket.gethostname(), "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}  # fmt: skip
        self._write(self._writer.create_warcinfo_record(self._name, info))

    def _ensure_open(self) -> None:
        if self.failure is not None:
            raise self.failure
        if self._writer is None:
            self._open()
        elif self._size >= self.max_size and not self._together:
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
        """Append one record (one gzip member). On a failed write (disk full, I/O error) the file is
        cut back to its last whole record and closed, and WarcWriteError says why; every later
        write raises it again."""
        buffer = BytesIO()
        WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION).write_record(record)
        data = memoryview(buffer.getvalue())
        offset = self._size
        try:
            while data:
                data = data[self._stream.write(data):]
        except OSError as error:
            self._abandon(offset)
            self._fail(error)
        self._size += len(buffer.getbuffer())
        if self.index_dir is not None and (line := index_line(record, offset, self._size - offset, self._name)):
            self._index_lines.append(line)
        return offset, self._size - offset

    def _fail(self, error: OSError) -> None:
        where = self.directory / ((self._name or self.prefix) + OPEN_SUFFIX)
        full = " (the disk is full)" if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else ""
        self.failure = WarcWriteError(f"cannot write the WARC file {where}: {error.strerror or error}{full}")
        raise self.failure from error

    def _abandon(self, whole: int) -> None:
        """Cut the open file back to `whole` bytes (its complete records) and close it under its
        final name; if even that fails, the `.open` file is left for the next crawl to recover."""
        try:
            os.ftruncate(self._stream.fileno(), whole)
            self._size = whole
            if whole == 0:  # not even its warcinfo: no file at all
                self._stream.close()
                (self.directory / (self._name + OPEN_SUFFIX)).unlink()
                self._writer = self._stream = None
                self._index_lines = []
            else:
                self.close()
        except OSError:
            self._stream.close()
            self._writer = self._stream = None

    def _http_record(self, record_type: str, url: str, message: HttpMessage, moment: datetime,
                     extra: dict[str, str]) -> object:  # fmt: skip
        headers = _http_headers(message)
        warc_headers = {"WARC-Record-ID": new_record_id(), "WARC-Date": warc_date(moment), **extra}
        return self._writer.create_warc_record(
            url, record_type, payload=BytesIO(message.body), length=len(message.body),
            http_headers=headers, warc_headers_dict=warc_headers,
        )  # fmt: skip

    def _revisit_record(self, url: str, response: HttpMessage, moment: datetime, prior: PriorCapture,
                        extra: dict[str, str]) -> object:  # fmt: skip
        """The response's headers only, pointing at the earlier record that holds the same payload."""
        headers = _http_headers(response)
        record = self._writer.create_revisit_record(
            url, prior.payload_digest, prior.url, prior.warc_date, http_headers=headers,
            warc_headers_dict={"WARC-Record-ID": new_record_id(), "WARC-Date": warc_date(moment), **extra},
        )  # fmt: skip
        record.rec_headers.add_header("WARC-Refers-To", prior.record_id)
        return record

    def write_exchange(self, url: str, request: HttpMessage, response: HttpMessage, moment: datetime,
                       ip_address: str | None = None, revisit_of: PriorCapture | None = None,
                       truncated: str | None = None, warc_headers: dict[str, str] | None = None) -> Capture:  # fmt: skip
        """A response and the request that produced it, linked both ways. With `revisit_of`, the
        response is written as a revisit record of that earlier capture (its payload is identical).
        `truncated` ("length") marks a body cut short on purpose (WARC-Truncated). `warc_headers` go on
        both records (a browser page's WARC-Page-ID)."""
        self._ensure_open()
        response_id, request_id = new_record_id(), new_record_id()
        extra = {"WARC-Concurrent-To": request_id, **({"WARC-IP-Address": ip_address} if ip_address else {}),
                 **(warc_headers or {})}  # fmt: skip
        if truncated:
            extra["WARC-Truncated"] = truncated
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

    def sync(self) -> None:
        """Make every record written so far durable (fsync), if any is not yet.

        The ordering rule of the archive: a catalogue commit that points at a WARC record comes
        after `sync()`; so batch commits, and sync once before each batch's commit."""
        if self._stream is None or self._size <= self.synced_to:
            return
        os.fsync(self._stream.fileno())
        self.synced_to = self._size

    @property
    def current_file(self) -> str | None:
        return self._name if self._writer is not None else None

    def write_metadata(self, url: str, moment: datetime, fields: dict[str, str], refers_to: str | None = None) -> str:
        """A metadata record (application/warc-fields) about `url`, pointing at the record it
        describes: what the archive says of a capture beyond its bytes (why it was fetched)."""
        self._ensure_open()
        body = "".join(f"{name}: {' '.join(str(value).split())}\r\n" for name, value in fields.items()).encode()
        headers = {"WARC-Date": warc_date(moment), **({"WARC-Refers-To": refers_to} if refers_to else {})}
        record = self._writer.create_warc_record(url, "metadata", payload=BytesIO(body), length=len(body),
                                                 warc_content_type="application/warc-fields",
                                                 warc_headers_dict=headers)  # fmt: skip
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID")

    def close(self) -> None:
        if self._writer is None:
            return
        self.sync()
        self._stream.close()
        os.replace(self.directory / (self._name + OPEN_SUFFIX), self.directory / self._name)
        _sync_directory(self.directory)
        self.files_written.append(self._name)
        self._writer = self._stream = None
        lines, self._index_lines = self._index_lines, []
        if self.index_dir is not None:
            try:
                write_index(lines, self.directory / self._name, self.index_dir)
            except OSError as error:  # the next crawl indexes a file left without an index
                logger.error("Could not write the index of %s: %s", self._name, error)
