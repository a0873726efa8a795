"""The HTTP header block of a response is archived byte for byte as the server sent it: raw UTF-8
values are not percent-encoded or double-encoded, names keep their case and order."""

from __future__ import annotations

import gzip
import zlib

from foicrawl.cli import main
from foicrawl.replica.proxy import misbehaving

from helpers import catalogue, warc_records


def record_block(archive, record) -> bytes:
    """The record's block (HTTP head and payload) read straight from the file."""
    data = (archive / "warc" / record["file"]).read_bytes()[record["offset"]:]
    text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    return text[text.index(b"\r\n\r\n") + 4:]


def test_the_header_block_is_archived_as_sent(replica, crawl, archive):
    server = replica("hastings", size=4)
    with misbehaving(server.base_url, {"raw-headers": r"date/\?id="}) as proxy:
        crawl("hastings", proxy.base_url)
    assert proxy.applied["raw-headers"] == 4
    responses = [r for r in warc_records(archive) if r["type"] == "response"]
    assert len(responses) == len(proxy.sent_heads)
    for record in responses:
        path = record["uri"][len(proxy.base_url):]
        block = record_block(archive, record)
        assert block.startswith(proxy.sent_heads[path]), (path, block[:400], proxy.sent_heads[path])
    page = next(r for r in responses if "id=" in r["uri"])
    block = record_block(archive, page)
    assert ('content-disposition: inline; filename="Réponse_FOI–2024.html"\r\n'
            "X-Council-NOTE: Grüße aus Hastings\r\nx-lower-case: kept as sent\r\n").encode() in block
    assert "Grüße".encode() in block and b"%C3" not in block and "GrÃ¼".encode() not in block
    assert len(catalogue("hastings")) == 4
    assert main(["verify"]) == 0


def test_only_the_undone_framing_header_is_renamed_in_place(tmp_path):
    from test_warc_writer import MOMENT
    from warcio.archiveiterator import ArchiveIterator

    from foicrawl.warc.writer import HttpMessage, RotatingWarcWriter

    raw = ("HTTP/1.1 200 OK\r\nDate: Mon, 23 Nov 2026 02:00:00 GMT\r\ntransfer-encoding: chunked\r\n"
           "Content-Type: text/html; charset=utf-8\r\nX-Naïve: ü\r\n\r\n").encode()  # fmt: skip
    writer = RotatingWarcWriter(tmp_path, "t", {"software": "t"})
    request = HttpMessage("GET / HTTP/1.1", [("Host", "x")], protocol="")
    response = HttpMessage("200 OK", [("Transfer-Encoding", "chunked")], b"<p>hi</p>", raw_head=raw)
    writer.write_exchange("http://x/", request, response, MOMENT)
    writer.close()
    with open(tmp_path / writer.files_written[0], "rb") as stream:
        record = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        assert record.content_stream().read() == b"<p>hi</p>", "warcio does not try to de-chunk it"
    data = gzip.open(tmp_path / writer.files_written[0]).read()
    assert raw.replace(b"transfer-encoding:", b"X-Archive-Orig-transfer-encoding:") + b"<p>hi</p>" in data
