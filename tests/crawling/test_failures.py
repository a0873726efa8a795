"""A request that gets no whole answer is archived with its reason in words; a crawl killed after
closing its WARC files but before indexing them has them indexed by the next crawl."""

from __future__ import annotations

from foicrawl.replica.proxy import misbehaving
from foicrawl.warc.capture import failure_reason

from helpers import catalogue, runs, warc_records

NO_RETRY = {"RETRY_TIMES": "0", "FOICRAWL_MAX_CONSECUTIVE_FAILURES": "0"}


def fetch_errors(archive) -> dict[str, str]:
    return {r["uri"]: r["payload"].decode() for r in warc_records(archive) if r["type"] == "metadata"}


def test_a_body_cut_short_is_archived_with_its_reason(replica, crawl, archive):
    server = replica("hastings", size=4)
    victim = server.site.dataset.listed()[0]
    with misbehaving(server.base_url, {"cut-body": rf"date/\?id={victim.uid}$"}) as proxy:
        crawl("hastings", proxy.base_url, **NO_RETRY)
    [(uri, text)] = fetch_errors(archive).items()
    assert uri.endswith(victim.uid)
    assert text == ("fetch-error: ResponseDataLossError: Indicates that Scrapy couldn't get a complete response. "
                    "(caused by ResponseFailed: ConnectionDone: Connection was closed cleanly.; "
                    "_DataLoss: _DataLoss indicates that not all of a message body was received.)\r\n")


def test_a_site_that_hangs_up_is_archived_with_the_cause(replica, crawl, archive):
    server = replica("hastings", size=4)
    server.site.down = True
    crawl("hastings", server.base_url, returncode=1, **NO_RETRY)  # the run failed: scrapy crawl says so
    errors = fetch_errors(archive)
    assert errors and all(
        text == "fetch-error: DownloadFailedError: Indicates that a request download has failed. "
        "(caused by ResponseNeverReceived: ConnectionDone: Connection was closed cleanly.)\r\n"
        for text in errors.values()
    ), errors


def test_a_reason_is_never_empty():
    class Quiet(Exception):
        """Says nothing by itself."""

    try:
        try:
            raise Quiet()
        except Quiet as cause:
            raise RuntimeError("") from cause
    except RuntimeError as error:
        assert failure_reason(error) == "RuntimeError: Unspecified run-time error. (caused by Quiet: Says nothing by itself.)"


def test_a_crawl_killed_before_indexing_its_closed_file_has_it_indexed_next_time(replica, crawl, archive):
    server = replica("hastings", size=6)
    crawl("hastings", server.base_url)
    [index] = list((archive / "index").glob("*.cdxj"))
    index.unlink()  # what a kill at "Closing spider" leaves: the file renamed, its index never written
    crawl("hastings", server.base_url)
    assert index.exists(), "the next crawl indexed the file it found without an index"
    assert runs("hastings")[-1].status == "ok" and len(catalogue("hastings")) == 6
    revisits = [r for r in warc_records(archive) if r["type"] == "revisit"]
    assert len(revisits) >= 6, "unchanged pages point back at the first crawl's records, found through that index"
