"""Listings that fail in ways a parser cannot see, tried through the misbehaving proxy: a run that
did not read its whole listing is "incomplete" (and health says so), never "ok"."""

from __future__ import annotations

import re

from foicrawl.cli import main
from foicrawl.replica import pages_hastings

from helpers import catalogue, runs

PAGE_2 = "/disclosures?page=2&sortType=PUBLISHED_DATE_DESCENDING"


def test_a_listing_page_that_answers_200_with_an_error_page_makes_the_run_incomplete(replica, proxy, crawl, capsys):
    server = replica("herefordshire", size=60)
    front = proxy(server.base_url)
    front.add("error-page", match=r"page=2&")  # every time: the walks cannot get past it
    _, log = crawl("herefordshire", front.base_url)
    run = runs("herefordshire")[-1]
    assert len(catalogue("herefordshire")) == 20
    assert run.status == "incomplete"
    assert run.listing_problems == [
        f"listing page {front.base_url}{PAGE_2} lists no releases (an error page?)",
        "the listing announces 60 releases; 20 were listed after 3 walks",
    ]
    assert f"WARNING: The listing was not read completely: listing page {front.base_url}{PAGE_2} lists no releases" in log
    assert main(["health"]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("herefordshire"))
    assert " ".join(line.split()) == (f"herefordshire FAILING last run incomplete: listing page {front.base_url}{PAGE_2} "
                                      "lists no releases (an error page?) (and 1 more)")  # fmt: skip


def test_an_error_page_served_once_is_walked_again_and_the_run_is_complete(replica, proxy, crawl):
    server = replica("herefordshire", size=60)
    front = proxy(server.base_url)
    front.add("error-page", match=r"page=2&", times=1)
    crawl("herefordshire", front.base_url)
    run = runs("herefordshire")[-1]
    assert (run.status, run.listing_problems, run.releases_new) == ("ok", [], 60)


def test_a_hastings_year_page_that_is_an_error_page_makes_the_run_incomplete(replica, proxy, crawl):
    server = replica("hastings", size=40)
    front = proxy(server.base_url)
    front.add("error-page", match=r"year=2020$")
    crawl("hastings", front.base_url)
    run = runs("hastings")[-1]
    assert run.status == "incomplete"
    assert run.listing_problems == [
        f"listing page {front.base_url}{pages_hastings.LOG}date/?year=2020 lists no releases (an error page?)"]


def test_a_full_run_whose_listing_fails_asks_for_no_held_release_and_withdraws_nothing(replica, proxy, crawl, archive):
    server = replica("herefordshire", size=60)
    front = proxy(server.base_url)
    crawl("herefordshire", front.base_url)
    # A bad day: the listing fails and every other page says "not found".
    front.add("server-error", match=r"^/disclosures\?")
    front.add("not-found", match=r"^/disclosures/")
    _, log = crawl("herefordshire", front.base_url)
    run = runs("herefordshire")[-1]
    assert (run.status, run.releases_withdrawn) == ("incomplete", 0)
    assert not any(r["withdrawn"] for r in catalogue("herefordshire"))
    assert front.applied["not-found"] == 0, "no held release was asked for directly"
    assert ("WARNING: The listing was not read completely: not asking for the 60 held releases no listing named, "
            "so none is withdrawn this run") in log  # fmt: skip


def test_a_mass_withdrawal_is_refused_and_fails_the_run(replica, crawl, archive, capsys):
    server = replica("herefordshire", size=60)
    crawl("herefordshire", server.base_url)
    for release in server.site.dataset.listed()[10:30]:  # a third of the log gone at once
        server.site.dataset.withdraw(release.case_ref)
    _, log = crawl("herefordshire", server.base_url, returncode=1)
    run = runs("herefordshire")[-1]
    assert (run.status, run.finish_reason, run.releases_withdrawn) == ("failed", "mass withdrawal suspected", 0)
    assert not any(r["withdrawn"] for r in catalogue("herefordshire"))
    assert ("WARNING: Mass withdrawal suspected: 20 of 60 held releases answered 404/410, more than the 5 allowed "
            "(FOICRAWL_MASS_WITHDRAWAL_SHARE 0.05, FOICRAWL_MASS_WITHDRAWAL_MIN 5); none withdrawn") in log  # fmt: skip
    assert main(["health"]) == 1
    assert "last run failed (mass withdrawal suspected)" in capsys.readouterr().out

    # A person who has checked the site lets it through.
    crawl("herefordshire", server.base_url, FOICRAWL_MASS_WITHDRAWAL_SHARE="1")
    assert (runs("herefordshire")[-1].status, runs("herefordshire")[-1].releases_withdrawn) == ("ok", 20)
    assert sum(r["withdrawn"] for r in catalogue("herefordshire")) == 20


def test_a_page_that_fails_every_retry_is_counted_and_asked_for_again_by_the_next_run(replica, proxy, crawl, capsys):
    from foicrawl.nightly.scheduling import choose_mode

    server = replica("herefordshire", size=60)
    front = proxy(server.base_url)
    broken = server.site.dataset.listed()[30]
    url = f"{front.base_url}/disclosures/{broken.uid}"
    front.add("server-error", match=re.escape(f"/disclosures/{broken.uid}") + "$")
    _, log = crawl("herefordshire", front.base_url)
    run = runs("herefordshire")[-1]
    assert (run.status, run.failed_pages, run.releases_new) == ("ok_with_errors", 1, 59)
    assert run.failed_urls == [{"url": url, "reason": "HTTP 500"}]
    assert f"WARNING: Could not read release page {url}: HTTP 500" in log
    assert main(["health"]) == 0
    assert "last run full ok_with_errors: 59 releases seen; 1 page failed (asked for again next run)" in capsys.readouterr().out
    assert choose_mode("herefordshire", full_every_days=7) == "incremental", "the sweep counts: no full sweep tonight"

    front.clear()  # the council fixed the page; the next (incremental) run asks for it again
    crawl("herefordshire", front.base_url, mode="incremental")
    run = runs("herefordshire")[-1]
    assert (run.status, run.failed_pages, run.failed_urls, run.releases_new) == ("ok", 0, [], 1)
    assert broken.case_ref in {r["case_ref"] for r in catalogue("herefordshire")}


def test_many_failed_pages_fail_the_run(replica, proxy, crawl):
    server = replica("herefordshire", size=60)
    front = proxy(server.base_url)
    front.add("server-error", match=r"^/disclosures/[^/?]*[0-7]$")  # about half the releases
    failing = sum(r.uid[-1] in "01234567" for r in server.site.dataset.listed())
    crawl("herefordshire", front.base_url, returncode=1)
    run = runs("herefordshire")[-1]
    assert failing > 10 and run.failed_pages == failing
    assert (run.status, run.finish_reason) == ("failed", f"{failing} of 63 pages failed")
