"""Gzip bombs and pages compressed twice, served by a proxy in front of the replica: a bomb is
reported and the crawl, reindex and verify go on; a page gzipped twice is read fully, never stored
or verified while still compressed."""

from __future__ import annotations

import pytest

from foicrawl.cli import main
from foicrawl.replica.proxy import misbehaving

from helpers import catalogue, warc_records

RELEASE_PAGES = r"date/\?id="


def test_a_gzip_bomb_is_reported_not_fatal(replica, crawl, archive, capsys, monkeypatch):
    server = replica("hastings", size=5)
    victim = server.site.dataset.listed()[1]
    with misbehaving(server.base_url, {"gzip-bomb": rf"date/\?id={victim.uid}$"}) as proxy:
        _, log = crawl("hastings", proxy.base_url, DOWNLOAD_MAXSIZE=8 * 1024 * 1024)
    assert proxy.applied["gzip-bomb"] >= 1
    assert "exceeded DOWNLOAD_MAXSIZE" in log
    assert {r["case_ref"] for r in catalogue("hastings")} == server.site.dataset.expected_refs() - {victim.case_ref}
    [bomb] = [r for r in warc_records(archive) if r["type"] == "response" and r["uri"].endswith(victim.uid)][:1]
    assert len(bomb["payload"]) < 200_000, "kept as sent: small on the wire"

    monkeypatch.setenv("FOICRAWL_MAX_DECODED_SIZE", str(8 * 1024 * 1024))
    capsys.readouterr()
    assert main(["reindex"]) == 0
    out = capsys.readouterr()
    assert "4 releases" in out.out and "1 records could not be read" in out.out
    assert victim.uid in out.err and "gzip body inflates past the 8,388,608-byte limit" in out.err
    assert main(["verify"]) == 0

    # A cap lower than the pages themselves: every version is reported, none crashes verify.
    monkeypatch.setenv("FOICRAWL_MAX_DECODED_SIZE", "1000")
    capsys.readouterr()
    assert main(["verify"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].endswith(": 0 OK, 4 mismatched, 0 missing")
    mismatches = [line for line in lines if line.startswith("MISMATCH")]
    assert len(mismatches) == 4 and all("inflates past the 1,000-byte limit" in line for line in mismatches)


@pytest.mark.parametrize("fault", ["double-gzip", "gzip-twice-said-once"])
def test_a_page_gzipped_twice_is_read_fully(fault, replica, crawl, archive, capsys):
    server = replica("hastings", size=5)
    with misbehaving(server.base_url, {fault: RELEASE_PAGES}) as proxy:
        crawl("hastings", proxy.base_url)
    assert proxy.applied[fault] == 5
    rows = catalogue("hastings")
    assert {r["case_ref"] for r in rows} == server.site.dataset.expected_refs()
    for row in rows:
        assert row["title"] and row["request_text"] and "\x1f" not in row["response_text"]
        release = server.site.dataset.find_by_ref(row["case_ref"])
        assert row["title"] == release.title
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.strip().endswith(": 5 OK, 0 mismatched, 0 missing")
