"""Reading one archived record back, checking it as evidence.

A record is read at its file and offset as one gzip member, its WARC headers and block taken apart
by hand so that every failure has a name: a missing file, a truncated file, a corrupt gzip member,
a record id that does not match, a block or payload digest that does not match the bytes.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

from foicrawl.codings import UndecodableContent, page_bytes

READ_CHUNK = 64 * 1024


class RecordError(Exception):
    """The record cannot be read as evidence; the message says why."""


@dataclass
class ArchivedRecord:
    path: Path
    offset: int
    length: int  # bytes of the gzip member in the file
    warc_headers: StatusAndHeaders
    block: bytes
    http_headers: StatusAndHeaders | None = None
    payload: bytes = b""
    problems: list[str] = field(default_factory=list)  # digest mismatches found on reading

    @property
    def record_id(self) -> str | None:
        return self.warc_headers.get_header("WARC-Record-ID")

    @property
    def record_type(self) -> str | None:
        return self.warc_headers.get_header("WARC-Type")

    @property
    def target_uri(self) -> str | None:
        return self.warc_headers.get_header("WARC-Target-URI")

    @property
    def date(self) -> str | None:
        return self.warc_headers.get_header("WARC-Date")

    @property
    def status(self) -> int | None:
        if self.http_headers is None or self.record_type not in ("response", "revisit"):
            return None
        return int(self.http_headers.get_statuscode())

    def decoded_payload(self) -> bytes:
        """The body as a reader sees it: every content coding undone (within the size cap). The
        record is not changed. Raises RecordError when the body cannot be decoded."""
        encoding = self.http_headers.get_header("Content-Encoding") if self.http_headers else None
        try:
            return page_bytes(self.payload, encoding)
        except UndecodableContent as error:
            raise RecordError(f"record at offset {self.offset} of {self.path.name} ({self.target_uri}): {error}") from None


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def digest_matches(expected: str | None, data: bytes) -> bool:
    if not expected:
        return True
    algorithm, _, value = expected.partition(":")
    if algorithm.lower() != "sha1":
        digest = hashlib.new(algorithm.lower().replace("-", ""), data).digest()
        return value.upper() in (base64.b32encode(digest).decode(), digest.hex().upper())
    return sha1_digest(data) == expected


def _read_member(path: Path, offset: int) -> tuple[bytes, int]:
    """The decompressed bytes of the gzip member at `offset`, and its length in the file."""
    if not path.exists():
        raise RecordError(f"WARC file missing: {path}")
    size = path.stat().st_size
    if offset >= size:
        raise RecordError(f"offset {offset} is past the end of {path.name} ({size} bytes): file truncated?")
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out, consumed = [], 0
    with open(path, "rb") as stream:
        stream.seek(offset)
        while not decompressor.eof:
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                raise RecordError(f"{path.name} ends inside the record at offset {offset}: file truncated")
            try:
                out.append(decompressor.decompress(chunk))
            except zlib.error as error:
                raise RecordError(f"corrupt gzip data in {path.name} at offset {offset}: {error}") from None
            consumed += len(chunk)
        consumed -= len(decompressor.unused_data)
    return b"".join(out), consumed


def read_record(path: Path, offset: int) -> ArchivedRecord:
    """Read and check the record at `offset`. Raises RecordError when it cannot be read; digest
    mismatches are listed in `problems`."""
    data, length = _read_member(Path(path), offset)
    head_end = data.find(b"\r\n\r\n")
    if not data.startswith(b"WARC/") or head_end < 0:
        raise RecordError(f"no WARC record at offset {offset} of {Path(path).name}")
    warc_headers = StatusAndHeadersParser(["WARC/1.0", "WARC/1.1"], verify=False).parse(BytesIO(data[: head_end + 4]))
    content_length = int(warc_headers.get_header("Content-Length") or -1)
    block = data[head_end + 4 : head_end + 4 + content_length]
    if content_length < 0 or len(block) != content_length:
        raise RecordError(f"record at offset {offset} of {Path(path).name} is shorter than its Content-Length")
    record = ArchivedRecord(Path(path), offset, length, warc_headers, block)
    if not digest_matches(warc_headers.get_header("WARC-Block-Digest"), block):
        record.problems.append("block digest does not match")
    content_type = warc_headers.get_header("Content-Type") or ""
    if content_type.startswith("application/http"):
        http_end = block.find(b"\r\n\r\n")
        if http_end < 0:
            raise RecordError(f"record at offset {offset} of {Path(path).name} has no HTTP headers")
        record.http_headers = StatusAndHeadersParser([], verify=False).parse(BytesIO(block[: http_end + 4]))
        record.payload = block[http_end + 4 :]
        if record.record_type != "revisit" and not digest_matches(warc_headers.get_header("WARC-Payload-Digest"), record.payload):
            record.problems.append("payload digest does not match")
    return record

