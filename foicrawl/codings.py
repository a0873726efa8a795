"""HTTP content codings undone with a size cap: the one decoder for every reader of a body.

A server's body is kept in the WARC as sent; whoever reads it (the crawl's spider, verify, replay,
reindex) undoes its Content-Encoding here. Every decoder stops at `max_decoded_size()` bytes, so a
gzip bomb is a reported record, never a MemoryError; an unknown coding is a clear error naming it.
A text body that is still gzip after its declared codings are undone (a server that compresses
twice and says so once) is inflated again, so nothing is stored or verified while still compressed.
"""

from __future__ import annotations

import os
import zlib

# The codings the crawler asks for: those warcio, pywb and these readers all undo. (zstd is not
# among them: pywb cannot replay it; it is still undone here if a server sends it unasked.)
ACCEPTED_ENCODINGS = "gzip, deflate, br"
MAX_DECODED_SIZE_ENV = "FOICRAWL_MAX_DECODED_SIZE"
DEFAULT_MAX_DECODED_SIZE = 50 * 1024 * 1024  # the crawl's DOWNLOAD_MAXSIZE
GZIP_MAGIC = b"\x1f\x8b"
MAX_EXTRA_LAYERS = 3
_CHUNK = 64 * 1024


class UndecodableContent(ValueError):
    """A body that cannot be decoded: unknown coding, corrupt data, or over the size cap."""


def max_decoded_size() -> int:
    """The cap on a decoded body, in bytes: FOICRAWL_MAX_DECODED_SIZE, else 50 MiB."""
    value = os.environ.get(MAX_DECODED_SIZE_ENV, "").strip()
    return int(value) if value.isdigit() else DEFAULT_MAX_DECODED_SIZE


def _too_big(coding: str, cap: int) -> UndecodableContent:
    return UndecodableContent(f"{coding} body inflates past the {cap:,}-byte limit ({MAX_DECODED_SIZE_ENV}): "
                              "a decompression bomb or an oversized page, not decoded")  # fmt: skip


def _zlib(body: bytes, wbits: int, coding: str, cap: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = decompressor.decompress(body, cap + 1)
    if len(out) > cap or decompressor.unconsumed_tail:
        raise _too_big(coding, cap)
    return out + decompressor.flush()


def _gzip(body: bytes, cap: int) -> bytes:
    try:
        return _zlib(body, 16 + zlib.MAX_WBITS, "gzip", cap)
    except zlib.error as error:
        raise UndecodableContent(f"corrupt gzip body: {error}") from None


def _deflate(body: bytes, cap: int) -> bytes:
    try:
        return _zlib(body, zlib.MAX_WBITS, "deflate", cap)
    except zlib.error:
        try:  # raw deflate, as some servers send it
            return _zlib(body, -zlib.MAX_WBITS, "deflate", cap)
        except zlib.error as error:
            raise UndecodableContent(f"corrupt deflate body: {error}") from None


def _brotli(body: bytes, cap: int) -> bytes:
    import brotli

    decompressor = brotli.Decompressor()
    try:
        out = decompressor.process(body, output_buffer_limit=cap + 1)
    except brotli.error as error:
        raise UndecodableContent(f"corrupt br body: {error}") from None
    if len(out) > cap:
        raise _too_big("br", cap)
    if not decompressor.is_finished():
        raise UndecodableContent("br body ends early")
    return out


def _zstd(body: bytes, cap: int) -> bytes:
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        try:
            from backports import zstd
        except ImportError:
            raise UndecodableContent("Content-Encoding 'zstd' cannot be decoded here (no zstd library)") from None
    out, data = [], body
    size = 0
    while data:
        decompressor = zstd.ZstdDecompressor()
        try:
            chunk = decompressor.decompress(data, cap + 1 - size)
        except zstd.ZstdError as error:
            raise UndecodableContent(f"corrupt zstd body: {error}") from None
        size += len(chunk)
        out.append(chunk)
        if size > cap or (not decompressor.eof and not decompressor.needs_input):
            raise _too_big("zstd", cap)
        if not decompressor.eof:
            raise UndecodableContent("zstd body ends early")
        data = decompressor.unused_data
    return b"".join(out)


DECODERS = {"gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate, "br": _brotli, "zstd": _zstd}


def codings_of(header: str | bytes | None) -> list[str]:
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    return [c.strip().lower() for c in (header or "").split(",") if c.strip()]


def decode_content(body: bytes, content_encoding: str | bytes | None, max_size: int | None = None) -> bytes:
    """The body with its Content-Encoding undone (codings applied in order, undone in reverse).
    Raises UndecodableContent for an unknown coding, corrupt data or a body over the cap."""
    cap = max_decoded_size() if max_size is None else max_size
    for coding in reversed(codings_of(content_encoding)):
        if coding == "identity":
            continue
        decoder = DECODERS.get(coding)
        if decoder is None:
            raise UndecodableContent(f"Content-Encoding {coding!r} is not one foicrawl can decode "
                                     f"(it reads {', '.join(sorted(DECODERS))})")  # fmt: skip
        body = decoder(body, cap)
    return body


def undo_leftover_gzip(body: bytes, max_size: int | None = None) -> bytes:
    """A page body that is still gzip after its declared codings were undone, inflated fully."""
    cap = max_decoded_size() if max_size is None else max_size
    layers = 0
    while body[:2] == GZIP_MAGIC:
        layers += 1
        if layers > MAX_EXTRA_LAYERS:
            raise UndecodableContent(f"body is still gzip after {MAX_EXTRA_LAYERS} extra layers were undone")
        body = _gzip(body, cap)
    return body


def page_bytes(body: bytes, content_encoding: str | bytes | None, max_size: int | None = None) -> bytes:
    """A page as a reader sees it: every coding undone, declared or left over."""
    return undo_leftover_gzip(decode_content(body, content_encoding, max_size), max_size)
