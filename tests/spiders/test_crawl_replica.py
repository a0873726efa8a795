"""Real crawls (`scrapy crawl` processes) of the replica sites on 127.0.0.1, read back from the
catalogue and the WARC files."""

from __future__ import annotations

import gzip

import pytest

from foicrawl.catalogue.releases import EXPORT_FIELDS
from foicrawl.replica import pages_hastings, pages_herefordshire

from helpers import catalogue, runs, warc_files, warc_records, warcio_check


@pytest.mark.parametrize("council", ["hastings", "herefordshire"])
def test_full_crawl_catalogues_every_release_once_with_evidence(council, replica, crawl, archive):
    server = replica(council, size=80)
    expected = server.site.dataset.expected_refs()
    crawl(council, server.base_url)

    rows = catalogue(council)
    assert len(rows) == len(expected) == 80
    assert {r["case_ref"] for r in rows} == expected
    for row in rows:
        assert set(EXPORT_FIELDS) <= set(row)
        assert row["version"] == 1 and row["withdrawn"] is False
        assert row["title"] and row["request_text"] and row["response_text"]
        assert row["url"].startswith(server.base_url)
        assert row["capture"]["warc_file"] and row["capture"]["warc_record_id"].startswith("<urn:uuid:")

    # Each release page was fetched once, whatever listings named it.
    release_hits = {path: n for path, n in server.site.hits.items() if "id=" in path or path.count("/") == 2}
    assert all(n == 1 for n in release_hits.values()), release_hits

    files = warc_files(archive)
    assert files and not list((archive / "warc").glob("*.open"))
    check = warcio_check(files)
    assert check.returncode == 0, check.stdout + check.stderr

    records = warc_records(archive)
    assert records[0]["type"] == "warcinfo"
    responses = {r["id"]: r for r in records if r["type"] == "response"}
    assert any(r["uri"] == f"{server.base_url}/robots.txt" for r in responses.values())
    requests = [r for r in records if r["type"] == "request"]
    assert len(requests) == len(responses) == server.site.requests_served
    # Each catalogue version points at the record holding the page, with the bytes as sent (gzip).
    for row in rows:
        record = responses[row["capture"]["warc_record_id"]]
        assert (record["file"], record["offset"]) == (row["capture"]["warc_file"], row["capture"]["warc_offset"])
        assert record["http_headers"].get_header("Content-Encoding") == "gzip"
        assert row["case_ref"] in gzip.decompress(record["payload"]).decode()


def test_the_warc_payload_is_byte_for_byte_what_the_server_sent(replica, crawl, archive):
    server = replica("herefordshire", size=30)
    crawl("herefordshire", server.base_url)
    seed = server.site.dataset.find_by_ref("FOI2022/00092")
    sent = gzip.compress(pages_herefordshire.release_page(seed).encode(), mtime=0)
    [record] = [r for r in warc_records(archive) if r["type"] == "response" and r["uri"].endswith(seed.uid)]
    assert record["payload"] == sent


def test_second_crawl_adds_nothing_and_an_edit_makes_version_2(replica, crawl, archive):
    server = replica("hastings", size=40)
    crawl("hastings", server.base_url)
    first = {r["case_ref"]: r for r in catalogue("hastings")}

    crawl("hastings", server.base_url)
    second = {r["case_ref"]: r for r in catalogue("hastings")}
    assert len(catalogue("hastings", all_versions=True)) == 40
    assert second.keys() == first.keys()
    for ref, row in second.items():
        assert row["version"] == 1 and row["first_seen"] == first[ref]["first_seen"]
        assert row["last_seen"] > first[ref]["last_seen"]
    last_run = runs("hastings")[-1]
    assert (last_run.releases_new, last_run.releases_changed, last_run.releases_unchanged) == (0, 0, 40)

    server.site.dataset.edit("FOIR-395819655", "Update: the Overview and Scrutiny committee now meets monthly.")
    crawl("hastings", server.base_url)
    versions = [r for r in catalogue("hastings", all_versions=True) if r["case_ref"] == "FOIR-395819655"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["response_text"] == first["FOIR-395819655"]["response_text"]
    assert versions[1]["response_text"].endswith("Update: the Overview and Scrutiny committee now meets monthly.")
    assert versions[0]["capture"]["warc_record_id"] != versions[1]["capture"]["warc_record_id"]
    assert len(catalogue("hastings", all_versions=True)) == 41
    assert runs("hastings")[-1].releases_changed == 1


def test_bad_pages_are_dropped_or_kept_with_null_dates_and_the_crawl_goes_on(replica, crawl, archive):
    server = replica("hastings", size=40, faults=("missing-ref", "bad-date", "flaky"))
    _, log = crawl("hastings", server.base_url)
    dataset = server.site.dataset
    no_ref = next(r for r in dataset.listed() if r.case_ref is None)
    bad_date = next(r for r in dataset.listed() if r.shown_dates)
    no_ref_url = f"{server.base_url}{pages_hastings.LOG}date/?id={no_ref.uid}"

    assert f"WARNING: Dropped {no_ref_url}: no case reference" in log
    assert "WARNING: Malformed requested_on" in log and "'31 Febtember 2023'" in log
    rows = {r["case_ref"]: r for r in catalogue("hastings")}
    assert set(rows) == dataset.expected_refs() and len(rows) == 41
    row = rows[bad_date.case_ref]
    assert row["requested_on"] is None and row["dates_as_shown"]["requested_on"] == "31 Febtember 2023"
    assert row["responded_on"] is not None
    assert runs("hastings")[-1].items_dropped == 1

    records = warc_records(archive)
    assert any(r["type"] == "response" and r["uri"] == no_ref_url for r in records), "the dropped page is evidence"
    for path in server.site.flaky_paths:
        statuses = [r["status"] for r in records if r["type"] == "response" and r["uri"] == server.base_url + path]
        assert statuses == [503, 200], (path, statuses)


@pytest.mark.parametrize("shift", [{"shift_every": 2, "max_shifts": 3}, {"withdraw_every": 2, "max_shifts": 2}])
def test_a_listing_that_shifts_during_the_crawl_loses_nothing(shift, replica, crawl, archive):
    server = replica("herefordshire", size=120, **shift)
    at_start = server.site.dataset.expected_refs()
    crawl("herefordshire", server.base_url)
    held = {r["case_ref"] for r in catalogue("herefordshire")}
    still_listed = server.site.dataset.expected_refs()
    assert still_listed <= held, sorted(still_listed - held)
    assert (at_start & still_listed) <= held
    assert server.site.listing_requests > 7, "the listing was walked again after it shifted"


def test_documents_listed_on_a_release_are_recorded(replica, crawl, archive):
    server = replica("herefordshire", size=60)
    crawl("herefordshire", server.base_url)
    rows = {r["case_ref"]: r for r in catalogue("herefordshire")}
    with_documents = [r for r in server.site.dataset.listed() if r.documents]
    assert with_documents
    for release in with_documents:
        documents = rows[release.case_ref]["documents"]
        assert [d["title"] for d in documents] == [d.title for d in release.documents]
        assert [d["url"] for d in documents] == [
            f"{server.base_url}{pages_herefordshire.document_path(release, d)}" for d in release.documents
        ]
        assert all(d["media_type"] and d["size"] for d in documents)


def test_a_site_that_goes_away_stops_the_crawl_instead_of_retrying_for_hours(replica, archive):
    from foicrawl.crawling.process import run_crawl

    from conftest import FAST

    server = replica("herefordshire", size=300)
    listing = server.site.listing

    def listing_then_die(page_text):  # the site dies once its listing's first pages are served
        reply = listing(page_text)
        if server.site.listing_requests >= 3:
            server.site.down = True
        return reply

    server.site.listing = listing_then_die
    process = run_crawl("herefordshire", server.base_url, settings={**FAST, "FOICRAWL_MAX_CONSECUTIVE_FAILURES": "5"},
                        log_file=archive / "dead.log", timeout=300)  # fmt: skip
    log = (archive / "dead.log").read_text()
    assert "5 requests in a row got no answer" in log and "the site is unreachable, stopping" in log
    [run] = runs("herefordshire")
    assert (run.status, run.finish_reason) == ("failed", "site_unreachable")
    assert process.returncode == 1, "scrapy crawl says the run failed"
    failures = [r for r in warc_records(archive) if r["type"] == "metadata"]
    assert 5 <= len(failures) < 40, "each try that got no answer is in the WARC, and there were not hundreds"
