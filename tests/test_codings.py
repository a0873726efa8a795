"""The one decoder every reader of a body uses: each coding undone, every one capped."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from foicrawl.codings import UndecodableContent, decode_content, page_bytes

PAGE = b"<!DOCTYPE html><html><body><h1>FOI release</h1></body></html>" * 50


def zstd_compress(data: bytes) -> bytes:
    from backports import zstd

    return zstd.compress(data)


CODERS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "zstd": zstd_compress}


@pytest.mark.parametrize("coding", CODERS)
def test_each_coding_is_undone(coding):
    assert decode_content(CODERS[coding](PAGE), coding) == PAGE


@pytest.mark.parametrize("coding", CODERS)
def test_each_decoder_stops_at_the_cap(coding):
    bomb = CODERS[coding](b" " * 4_000_000)
    assert len(bomb) < 20_000
    with pytest.raises(UndecodableContent, match=f"^{coding} body inflates past the 100,000-byte limit"):
        decode_content(bomb, coding, max_size=100_000)
    assert len(decode_content(bomb, coding, max_size=4_000_000)) == 4_000_000


def test_the_cap_is_a_setting(monkeypatch):
    monkeypatch.setenv("FOICRAWL_MAX_DECODED_SIZE", "1000")
    with pytest.raises(UndecodableContent, match="1,000-byte limit"):
        decode_content(gzip.compress(PAGE), "gzip")


def test_gzip_twice_is_decoded_fully_whether_said_twice_or_once():
    twice = gzip.compress(gzip.compress(PAGE))
    assert decode_content(twice, "gzip, gzip") == PAGE
    assert decode_content(twice, "gzip") != PAGE, "said once, undone once: still compressed"
    assert page_bytes(twice, "gzip") == page_bytes(twice, "gzip, gzip") == PAGE


def test_an_unknown_or_corrupt_coding_is_named():
    with pytest.raises(UndecodableContent, match="Content-Encoding 'compress' is not one foicrawl can decode"):
        decode_content(PAGE, "compress")
    with pytest.raises(UndecodableContent, match="corrupt gzip body"):
        decode_content(b"\x1f\x8bnot gzip at all", "gzip")
    assert decode_content(PAGE, "identity") == decode_content(PAGE, None) == PAGE
