"""The WARC writer, tested by round trip: write records, read them back with warcio, compare bytes."""

import gzip
import hashlib
from base64 import b32encode
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator

from foicrawl.warc.writer import OPEN_SUFFIX, HttpMessage, RotatingWarcWriter

MOMENT = datetime(2026, 11, 22, 2, 0, 0, 123456, tzinfo=UTC)
BODY = gzip.compress(b"<html><body><h1>FOI release</h1></body></html>" * 20, mtime=0)


def sha1_b32(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def exchange(writer, url="http://127.0.0.1:8802/disclosures/1", body=BODY):
    request = HttpMessage("GET /disclosures/1 HTTP/1.1", [("Host", "127.0.0.1:8802"), ("Accept-Encoding", "gzip")], protocol="")
    response = HttpMessage("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                      ("Content-Length", str(len(body)))], body)  # fmt: skip
    return writer.write_exchange(url, request, response, MOMENT, ip_address="127.0.0.1")


def test_round_trip_keeps_the_bytes_as_received(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "foicrawl-test", {"software": "foicrawl-test", "foicrawl-run-id": "r1"})
    capture = exchange(writer)
    assert (tmp_path / (capture.warc_file + OPEN_SUFFIX)).exists(), "written under a temporary name"
    writer.close()
    path = tmp_path / capture.warc_file
    assert path.exists() and not (tmp_path / (capture.warc_file + OPEN_SUFFIX)).exists()

    with open(path, "rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.raw_stream.read(), r.http_headers) for r in ArchiveIterator(stream)]
    types = [r[0] for r in records]
    assert types == ["warcinfo", "response", "request"]
    info = records[0][2].decode()
    assert "software: foicrawl-test" in info and "foicrawl-run-id: r1" in info
    _, headers, payload, http = records[1]
    assert headers.protocol == "WARC/1.1"
    assert payload == BODY, "the payload is the gzip body as the server sent it"
    assert http.get_header("Content-Encoding") == "gzip"
    assert headers.get_header("WARC-Payload-Digest") == sha1_b32(BODY) == capture.payload_digest
    assert headers.get_header("WARC-Record-ID") == capture.warc_record_id
    assert headers.get_header("WARC-Date") == "2026-11-22T02:00:00.123456Z"
    assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
    request_headers = records[2][1]
    assert request_headers.get_header("WARC-Concurrent-To") == capture.warc_record_id
    assert headers.get_header("WARC-Concurrent-To") == request_headers.get_header("WARC-Record-ID")


def test_offset_points_at_a_gzip_member_holding_the_record(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "t", {"software": "t"})
    captures = [exchange(writer, f"http://x/{n}", gzip.compress(bytes([n]) * 500, mtime=0)) for n in range(3)]
    writer.close()
    data = (tmp_path / captures[0].warc_file).read_bytes()
    for n, capture in enumerate(captures):
        member = data[capture.warc_offset : capture.warc_offset + capture.warc_length]
        record = gzip.decompress(member)
        assert record.startswith(b"WARC/1.1\r\n")
        assert f"WARC-Record-ID: {capture.warc_record_id}".encode() in record
        assert record.endswith(gzip.compress(bytes([n]) * 500, mtime=0) + b"\r\n\r\n")


def test_rotates_at_the_size_limit_and_each_file_starts_with_warcinfo(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "t", {"software": "t"}, max_size=2000)
    captures = [exchange(writer, f"http://x/{n}", gzip.compress(bytes(range(256)) * 8 * (n + 1), mtime=0)) for n in range(5)]
    writer.close()
    assert len(writer.files_written) >= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(writer.files_written)
    for name in writer.files_written:
        with open(tmp_path / name, "rb") as stream:
            assert next(iter(ArchiveIterator(stream))).rec_type == "warcinfo"
    assert {c.warc_file for c in captures} == set(writer.files_written)


def test_failure_is_a_request_and_a_metadata_record(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "t", {"software": "t"})
    request = HttpMessage("GET / HTTP/1.1", [("Host", "gone.example")], protocol="")
    request_id = writer.write_failure("https://gone.example/", request, MOMENT, "DNSLookupError: no such host")
    writer.close()
    with open(tmp_path / writer.files_written[0], "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Concurrent-To"), r.content_stream().read()) for r in ArchiveIterator(stream)]
    assert records[1][0] == "request"
    assert records[2] == ("metadata", request_id, b"fetch-error: DNSLookupError: no such host\r\n")


def test_reader_names_a_payload_altered_inside_a_valid_gzip_member(tmp_path):
    from foicrawl.warc.reader import read_record

    writer = RotatingWarcWriter(tmp_path, "t", {"software": "t"})
    capture = exchange(writer)
    writer.close()
    path = tmp_path / capture.warc_file
    data = path.read_bytes()
    member = data[capture.warc_offset : capture.warc_offset + capture.warc_length]
    record = gzip.decompress(member)
    assert read_record(path, capture.warc_offset).problems == []
    tampered = record[:-10] + bytes([record[-10] ^ 0x01]) + record[-9:]  # one payload byte, digests untouched
    path.write_bytes(data[: capture.warc_offset] + gzip.compress(tampered) + data[capture.warc_offset + capture.warc_length :])
    assert read_record(path, capture.warc_offset).problems == ["block digest does not match", "payload digest does not match"]


def test_a_file_left_open_by_a_dead_crawl_is_recovered_without_its_cut_off_record(tmp_path):
    from foicrawl.warc.recover import recover_open_files

    writer = RotatingWarcWriter(tmp_path / "warc", "foicrawl-t", {"software": "t", "foicrawl-run-id": "dead"})
    captures = [exchange(writer, f"http://x/{n}") for n in range(3)]
    open_file = tmp_path / "warc" / (captures[0].warc_file + OPEN_SUFFIX)
    whole = open_file.stat().st_size
    open_file.write_bytes(open_file.read_bytes() + gzip.compress(b"WARC/1.1\r\nWARC-Type: response")[:40])  # died mid-record
    assert recover_open_files(tmp_path / "warc", tmp_path / "index", "foicrawl-other-") == {}
    [(recovered, run_id)] = recover_open_files(tmp_path / "warc", tmp_path / "index", "foicrawl-t-").items()
    assert run_id == "dead", "the file says which run wrote it, so its run can be told"
    assert recovered.name == captures[0].warc_file and recovered.stat().st_size == whole
    with open(recovered, "rb") as stream:
        assert [r.rec_type for r in ArchiveIterator(stream)] == ["warcinfo"] + ["response", "request"] * 3
    assert (tmp_path / "index" / (recovered.name + ".cdxj")).exists()
