"""Redirects met by council pages, tried through the misbehaving proxy: releases and listings come
only from the council's own hosts, and no redirect loses a page to the duplicate filter."""

from __future__ import annotations

import re

from foicrawl.councils import Council
from foicrawl.urls import on_hosts

from helpers import catalogue, runs, warc_records


def test_the_council_hosts_come_from_the_register_or_the_stand_in():
    live = Council("x", "X", "hastings", "https://www.hastings.gov.uk")
    assert live.own_hosts() == {"www.hastings.gov.uk"}
    assert live.own_hosts("https://www.hastings.gov.uk") == {"www.hastings.gov.uk"}
    moved = Council("x", "X", "hastings", "https://www.hastings.gov.uk", hosts=["www.hastings.gov.uk", "hastings.gov.uk"])
    assert moved.own_hosts() == {"www.hastings.gov.uk", "hastings.gov.uk"}
    # A stand-in (a mirror, the replica) is trusted alone, port and all.
    assert moved.own_hosts("http://127.0.0.1:8801") == {"127.0.0.1:8801"}
    assert on_hosts("https://www.hastings.gov.uk/my-council/", live.own_hosts())
    assert on_hosts("https://WWW.Hastings.gov.uk:443/x", live.own_hosts())
    assert not on_hosts("https://evil.example/my-council/", live.own_hosts())
    assert not on_hosts("http://127.0.0.1:9999/x", live.own_hosts("http://127.0.0.1:8801"))
    assert on_hosts("http://127.0.0.1:8801/x", live.own_hosts("http://127.0.0.1:8801"))


def test_an_offsite_redirect_is_archived_logged_and_never_catalogued(replica, proxy, crawl, archive):
    server = replica("herefordshire", size=30)
    forger = replica("herefordshire", size=30)  # the same pages on another host, one of them forged
    front = proxy(server.base_url)
    crawl("herefordshire", front.base_url)
    target = server.site.dataset.listed()[5]
    forger.site.dataset.edit(target.case_ref, "Forged: the council never published this.")
    path = f"/disclosures/{target.uid}"
    front.add("redirect-offsite", match=re.escape(path) + "$", target=forger.base_url)
    front.add("redirect-offsite", match=r"page=2&", target=forger.base_url)  # a listing page too

    _, log = crawl("herefordshire", front.base_url)
    versions = [r for r in catalogue("herefordshire", all_versions=True) if r["case_ref"] == target.case_ref]
    assert [v["version"] for v in versions] == [1]
    assert "Forged" not in versions[0]["response_text"]
    assert forger.site.requests_served == 0, "nothing was asked of the other host"
    assert (f"WARNING: Off-site redirect: {front.base_url}{path} redirects (302) to {forger.base_url}{path}, "
            "which is not the council's own host; not followed") in log  # fmt: skip
    assert "WARNING: Off-site redirect: " + front.base_url + "/disclosures?page=2&" in log
    redirects = [r for r in warc_records(archive) if r["type"] == "response" and r["status"] == 302]
    assert {r["uri"]: r["http_headers"].get_header("Location") for r in redirects if r["uri"].endswith(path)} == {
        front.base_url + path: forger.base_url + path}  # fmt: skip


def test_a_cookie_wall_redirecting_to_the_same_url_loses_nothing(replica, proxy, crawl, archive):
    server = replica("herefordshire", size=45)
    front = proxy(server.base_url)
    front.add("cookie-redirect", match=r"^/(?!robots\.txt)")  # every page, until the request carries the cookie
    crawl("herefordshire", front.base_url)
    assert {r["case_ref"] for r in catalogue("herefordshire")} == server.site.dataset.expected_refs()
    run = runs("herefordshire")[-1]
    assert (run.status, run.releases_new) == ("ok", 45)
    assert front.applied["cookie-redirect"] >= 1
    first_page = [r for r in warc_records(archive) if r["type"] == "response" and "page=1&" in r["uri"]]
    assert [r["status"] for r in first_page] == [302, 200], "the redirect and the page it led to are both evidence"


def test_a_redirect_loop_is_a_warning_and_bounded_and_a_lost_listing_is_not_ok(replica, proxy, crawl, archive):
    server = replica("herefordshire", size=30)
    front = proxy(server.base_url)
    looping = server.site.dataset.listed()[3]
    front.add("redirect-loop", match=re.escape(f"/disclosures/{looping.uid}") + "$")
    _, log = crawl("herefordshire", front.base_url)
    assert f"WARNING: Redirect loop: {front.base_url}/disclosures/{looping.uid} redirects back to itself" in log
    assert front.applied["redirect-loop"] == 3
    assert looping.case_ref not in {r["case_ref"] for r in catalogue("herefordshire")}
    assert len(catalogue("herefordshire")) == 29

    front.clear()
    front.add("redirect-loop", match=r"page=1&")  # now the listing itself is lost
    _, log = crawl("herefordshire", front.base_url, mode="incremental")
    run = runs("herefordshire")[-1]
    assert run.status == "incomplete", "a run that never read its listing is not ok"
    assert run.listing_problems == [f"listing page {front.base_url}/disclosures?page=1&sortType=PUBLISHED_DATE_DESCENDING "
                                    "was not read (redirect loop)"]  # fmt: skip
