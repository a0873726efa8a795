"""Content codings: the crawler asks only for what the archive's readers undo, and a body no reader
can decode is reported record by record, never an abort (behind a proxy that answers regardless)."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import zipfile

from foicrawl.cli import main
from foicrawl.codings import ACCEPTED_ENCODINGS
from foicrawl.provenance.tools import tool
from foicrawl.replica.proxy import misbehaving
from foicrawl.warc.index import update_index
from foicrawl.warc.reader import read_record

from helpers import catalogue, warc_files, warc_records

RELEASE_PAGES = r"date/\?id="


def test_the_crawler_never_asks_for_zstd_and_a_zstd_answer_still_verifies(replica, crawl, archive, capsys, tmp_path):
    server = replica("hastings", size=6)
    with misbehaving(server.base_url, {"zstd": RELEASE_PAGES}) as proxy:
        crawl("hastings", proxy.base_url)
    assert proxy.applied["zstd"] == 6
    records = warc_records(archive)
    requests = [r for r in records if r["type"] == "request"]
    pages = {r["http_headers"].get_header("Accept-Encoding") for r in requests if re.search(RELEASE_PAGES, r["uri"])}
    assert pages == {ACCEPTED_ENCODINGS} == {"gzip, deflate, br"}
    # Documents and cited pages are asked for unencoded (their size cap counts the bytes as stored).
    assert {r["http_headers"].get_header("Accept-Encoding") for r in requests} <= {ACCEPTED_ENCODINGS, "identity"}
    zstd_pages = [r for r in records if r["type"] == "response" and r["http_headers"].get_header("Content-Encoding") == "zstd"]
    assert len(zstd_pages) == 6
    assert len(catalogue("hastings")) == 6
    assert main(["verify"]) == 0
    ref = catalogue("hastings")[0]["case_ref"]
    assert main(["replay", ref, "--out", str(tmp_path / "page.html")]) == 0
    assert ref.encode() in (tmp_path / "page.html").read_bytes()
    assert main(["reindex"]) == 0
    assert "6 releases" in capsys.readouterr().out


def test_a_coding_nobody_reads_is_reported_per_record_by_every_reader(replica, crawl, archive, capsys, tmp_path):
    server = replica("hastings", size=6)
    victim = server.site.dataset.listed()[2]
    with misbehaving(server.base_url, {"unknown-coding": rf"date/\?id={victim.uid}$"}) as proxy:
        _, log = crawl("hastings", proxy.base_url)
    assert proxy.applied["unknown-coding"] == 1
    assert f"Dropped {proxy.base_url}" in log and "Content-Encoding 'x-squash' is not one foicrawl can decode" in log
    assert len(catalogue("hastings")) == 5

    # verify and replay: a catalogue version pointing at that record fails alone, with the reason.
    [record] = [r for r in warc_records(archive) if r["type"] == "response"
                and r["http_headers"].get_header("Content-Encoding") == "x-squash"]  # fmt: skip
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        row = db.execute("SELECT v.id, r.case_ref FROM release_versions v JOIN releases r ON r.id = v.release_id "
                         "ORDER BY r.case_ref LIMIT 1").fetchone()  # fmt: skip
    held = read_record(archive / "warc" / record["file"], record["offset"])
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("UPDATE release_versions SET warc_file=?, warc_offset=?, warc_record_id=?, payload_digest=?, block_digest=? "
                   "WHERE id=?", (record["file"], record["offset"], held.record_id,
                                  held.warc_headers.get_header("WARC-Payload-Digest"),
                                  held.warc_headers.get_header("WARC-Block-Digest"), row[0]))  # fmt: skip
    capsys.readouterr()
    assert main(["verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    [failure] = [line for line in out if line.startswith("MISMATCH")]
    assert failure.startswith(f"MISMATCH: hastings {row[1]} version 1: archived page cannot be decoded: ")
    assert "Content-Encoding 'x-squash' is not one foicrawl can decode" in failure
    assert out[-1].endswith(": 4 OK, 1 mismatched, 0 missing")
    page = tmp_path / "page.html"
    assert main(["replay", row[1], "--out", str(page)]) == 1
    assert "x-squash" in capsys.readouterr().err
    assert page.read_bytes() == record["payload"], "the bytes as sent, still encoded"

    # index, reindex and the WACZ read past it.
    assert update_index(archive / "warc", archive / "index", rebuild=True)
    assert main(["reindex"]) == 0
    out = capsys.readouterr()
    assert "5 releases" in out.out and "1 records could not be read" in out.out
    assert f"{victim.uid}" in out.err and "x-squash" in out.err
    wacz = tmp_path / "a.wacz"
    assert main(["export", "--format", "wacz", "-o", str(wacz)]) == 0
    result = subprocess.run([tool("wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(wacz) as package:
        assert sorted(n for n in package.namelist() if n.startswith("archive/")) == [f"archive/{p.name}" for p in warc_files(archive)]
