"""Nightly incremental crawls against a full sweep, measured on the replica (N >= 500)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from foicrawl.replica import council_pages

from helpers import catalogue, runs, warc_records

EVIDENCE_PATHS = {council_pages.STYLESHEET, council_pages.SCRIPT, *council_pages.LOGOS, *council_pages.CITED_PATHS}

RECHECKS = 10


def records_of_run(archive, run_files: list[str]) -> list[dict]:
    return [r for r in warc_records(archive) if r["file"] in run_files]


def is_evidence_path(path: str) -> bool:
    """A document, a cited council page or a page requisite (not a listing or a release)."""
    return "/documents/" in path or path in EVIDENCE_PATHS


def hits(site, evidence: bool) -> dict[str, int]:
    with site.lock:
        return {p: n for p, n in site.hits.items() if is_evidence_path(p) == evidence and not p.startswith("/__")}


@pytest.mark.parametrize("council", ["herefordshire", "hastings"])
def test_incremental_finds_the_new_releases_in_few_requests_and_the_full_sweep_finds_the_edit(
    council, replica, crawl, archive
):
    server = replica(council, size=520)
    site = server.site
    crawl(council, server.base_url, mode="full")
    full_requests = site.requests_served
    assert len(catalogue(council)) == 520

    k = 7
    new = {r.case_ref for r in site.dataset.publish(k)}
    edited = site.dataset.listed()[300]  # an old release, beyond the rechecks
    site.dataset.edit(edited.case_ref, "Update: the figures for 2023/24 were revised.")

    before, pages_before, evidence_before = site.requests_served, hits(site, False), hits(site, True)
    crawl(council, server.base_url, mode="incremental")
    nightly = site.requests_served - before
    nightly_pages = sum(hits(site, False).values()) - sum(pages_before.values())
    # Herefordshire: the first page (the seven new releases), then one of held releases only. Hastings:
    # every year page, since a release can be published with an earlier date.
    listing_pages = len(site.years) if council == "hastings" else 2
    assert nightly_pages <= k + listing_pages + RECHECKS + 5, nightly_pages
    # Evidence only for the new releases (the rechecked ones are unchanged): their documents and cited
    # council pages, and the page requisites once.
    fetched = {p for p, n in hits(site, True).items() if n > evidence_before.get(p, 0)}
    new_documents = {d.uid for r in site.dataset.listed() if r.case_ref in new for d in r.documents}
    assert {p.rsplit("/", 1)[-1] for p in fetched if "/documents/" in p} == new_documents
    held = {r["case_ref"]: r for r in catalogue(council)}
    assert new <= set(held) and len(held) == 527
    run = runs(council)[-1]
    assert (run.mode, run.releases_new, run.releases_changed) == ("incremental", k, 0)
    assert run.requests == nightly
    nightly_records = records_of_run(archive, run.warc_files)
    not_modified = [r for r in nightly_records if r["type"] == "response" and r["status"] == 304]
    assert len(not_modified) >= RECHECKS - k, "rechecks were conditional requests answered 304"
    assert held[edited.case_ref]["version"] == 1, "an incremental run does not sweep old releases"

    crawl(council, server.base_url, mode="full")
    versions = [r for r in catalogue(council, all_versions=True) if r["case_ref"] == edited.case_ref]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["response_text"].endswith("Update: the figures for 2023/24 were revised.")
    sweep = runs(council)[-1]
    assert (sweep.releases_new, sweep.releases_changed, sweep.releases_unchanged) == (0, 1, 526)
    sweep_records = records_of_run(archive, sweep.warc_files)
    release_urls = {r["url"] for r in catalogue(council)}
    full_copies = [r for r in sweep_records if r["type"] == "response" and r["uri"] in release_urls and r["status"] == 200]
    revisits = [r for r in sweep_records if r["type"] == "revisit" and r["uri"] in release_urls]
    assert [r["uri"] for r in full_copies] == [versions[1]["url"]]
    assert len(revisits) == 526
    for revisit in revisits[:20]:
        assert revisit["payload"] == b"", "a revisit record holds no second copy of the page"
    print(f"\n{council}: full crawl {full_requests} requests; nightly {nightly} requests "
          f"({sum(len(r['payload']) for r in nightly_records)} payload bytes)")


def test_withdrawn_releases_are_marked_with_the_date_and_kept(replica, crawl, archive):
    server = replica("herefordshire", size=60)
    crawl("herefordshire", server.base_url)
    gone = server.site.dataset.listed()[30]
    recent = server.site.dataset.listed()[0]
    server.site.dataset.withdraw(gone.case_ref)
    crawl("herefordshire", server.base_url)
    rows = {r["case_ref"]: r for r in catalogue("herefordshire")}
    assert len(rows) == 60, "nothing is deleted"
    assert rows[gone.case_ref]["withdrawn"] is True
    assert rows[gone.case_ref]["withdrawn_on"] == runs("herefordshire")[-1].finished_at.date().isoformat()
    assert sum(r["withdrawn"] for r in rows.values()) == 1
    assert runs("herefordshire")[-1].releases_withdrawn == 1
    gone_pages = [r for r in warc_records(archive) if r["type"] == "response" and r["status"] == 404
                  and not is_evidence_path(urlsplit(r["uri"]).path)]  # a listed document may be gone too
    assert [r["uri"] for r in gone_pages] == [rows[gone.case_ref]["url"]]

    server.site.dataset.withdraw(recent.case_ref)  # a recent one: an incremental recheck sees it go
    crawl("herefordshire", server.base_url, mode="incremental")
    assert {r["case_ref"] for r in catalogue("herefordshire") if r["withdrawn"]} == {gone.case_ref, recent.case_ref}


@pytest.mark.parametrize("council", ["herefordshire", "hastings"])
def test_incremental_finds_new_releases_among_held_ones_and_backdated_ones(council, replica, crawl, archive):
    server = replica(council, size=60)
    crawl(council, server.base_url, mode="full")
    data = server.site.dataset
    held = data.listed()
    # Published with the date of held releases: the listing sorts them among those, across pages.
    interleaved = data.publish(25, on=held[10].listed_on)
    backdated = data.publish(1, on=held[50].listed_on)  # dated long ago: deep in the listing (an earlier year page)
    new = {r.case_ref for r in interleaved + backdated}
    listed = data.listed()
    if council == "herefordshire":  # the case that fooled the first-held-page stop
        assert any(r.case_ref not in new for r in listed[:20]) and any(r.case_ref in new for r in listed[20:])
    else:
        assert backdated[0].requested.year < data.today.year

    crawl(council, server.base_url, mode="incremental")
    assert new <= {r["case_ref"] for r in catalogue(council)}
    run = runs(council)[-1]
    assert (run.mode, run.status, run.releases_new) == ("incremental", "ok", 26)


def test_incremental_with_nothing_new_reads_one_listing_page_at_herefordshire(replica, crawl, archive):
    server = replica("herefordshire", size=60)
    crawl("herefordshire", server.base_url, mode="full")
    before = server.site.requests_served
    crawl("herefordshire", server.base_url, mode="incremental")
    assert server.site.listing_requests == 3 + 1, "a whole page of held releases, and the total agrees: stop"
    assert server.site.requests_served - before == 1 + 1 + RECHECKS  # robots.txt, the page, the rechecks
