"""The crawl writes each WARC file's CDXJ index from the records as it writes them (no second read
of the file at close); the index must be exactly the one the indexer makes from the file: every
kind of record a crawl writes (responses, revisits, 304s, 404s, 503s, failures, metadata,
documents, requisites, raw header bytes, rotation)."""

from __future__ import annotations

from foicrawl.replica.proxy import misbehaving
from foicrawl.warc.index import index_warc

from helpers import warc_files


def assert_indexes_match_the_indexer(archive, tmp_path) -> int:
    files = warc_files(archive)
    for warc in files:
        written = (archive / "index" / (warc.name + ".cdxj")).read_bytes()
        rebuilt = index_warc(warc, tmp_path / "rebuilt").read_bytes()
        assert written == rebuilt, warc.name
    return len(files)


def test_the_index_written_with_the_records_is_the_indexers_own(replica, crawl, archive, tmp_path):
    server = replica("herefordshire", size=12, faults=("flaky",))
    crawl("herefordshire", server.base_url, FOICRAWL_WARC_MAX_SIZE=60_000)  # several files
    listed = server.site.dataset.listed()
    server.site.dataset.withdraw(listed[3].case_ref)
    server.site.dataset.edit(listed[5].case_ref)
    server.site.dataset.publish(2)
    crawl("herefordshire", server.base_url)  # revisits, a 404, a new version
    crawl("herefordshire", server.base_url, mode="incremental")  # 304s

    hastings = replica("hastings", size=5)
    with misbehaving(hastings.base_url, {"raw-headers": "", "xhtml": r"date/\?id="}) as proxy:
        crawl("hastings", proxy.base_url)
    assert assert_indexes_match_the_indexer(archive, tmp_path) >= 5
