"""Every saved page against the item its parser must return (the JSON beside the page)."""

from dataclasses import asdict

import pytest

from foicrawl.parsers import disclosurelog, hastings

from conftest import expected, fixture_page

RELEASES = [
    ("herefordshire", "herefordshire/release_shared.html"),
    ("herefordshire", "herefordshire/release_seed_standard.html"),
    ("herefordshire", "herefordshire/release_seed_alternate.html"),
    ("herefordshire", "herefordshire/release_documents_standard.html"),
    ("herefordshire", "herefordshire/release_documents_alternate.html"),
    ("hastings", "hastings/release_shared.html"),
    ("hastings", "hastings/release_seed_alternate.html"),
    ("hastings", "hastings/release_six_digit_ref.html"),
    ("hastings", "hastings/release_eight_digit_ref.html"),
    ("hastings", "hastings/release_table_alternate.html"),
]
LISTINGS = [
    ("herefordshire", "herefordshire/listing_shared.html"),
    ("herefordshire", "herefordshire/listing_standard.html"),
    ("herefordshire", "herefordshire/listing_alternate_last.html"),
    ("hastings", "hastings/year_listing_shared.html"),
    ("hastings", "hastings/year_listing_alternate.html"),
]
PARSERS = {"herefordshire": disclosurelog, "hastings": hastings}


@pytest.mark.parametrize(("council", "page"), RELEASES)
def test_release_page(council, page):
    text, url = fixture_page(page)
    assert PARSERS[council].parse_release(text, url, council).to_dict() == expected(page)


@pytest.mark.parametrize(("council", "page"), LISTINGS)
def test_listing_page(council, page):
    text, url = fixture_page(page)
    listing = PARSERS[council].parse_listing(text, url)
    want = expected(page)
    assert [asdict(e) for e in listing.entries] == want["entries"]
    assert (listing.next_url, listing.total) == (want["next_url"], want["total"])


def test_both_markups_of_a_release_read_the_same():
    for council, standard, alternate in [
        ("herefordshire", "herefordshire/release_seed_standard.html", "herefordshire/release_seed_alternate.html"),
        ("herefordshire", "herefordshire/release_documents_standard.html", "herefordshire/release_documents_alternate.html"),
        ("hastings", "hastings/release_shared.html", "hastings/release_seed_alternate.html"),
    ]:
        a = PARSERS[council].parse_release(*fixture_page(standard), council).to_dict()
        b = PARSERS[council].parse_release(*fixture_page(alternate), council).to_dict()
        a.pop("url"), b.pop("url")
        assert a == b


@pytest.mark.parametrize(
    ("heading", "ref"),
    [
        ("FOI request (FOI210071)", "FOI210071"),  # 2017: six digits
        ("FOI request (FOI-80998936)", "FOI-80998936"),  # 2018: eight
        ("FOI request (FOIR-121741682)", "FOIR-121741682"),  # 2019 on: nine
        ("FOI request (FOIR-794042706)", "FOIR-794042706"),
        ("FOI request", None),
    ],
)
def test_hastings_reference_formats(heading, ref):
    page = f"<html><body><div id='content'><h1>{heading}</h1><h2>Title</h2><h3>Response</h3><p>A</p></div></body></html>"
    assert hastings.parse_release(page, "https://www.hastings.gov.uk/x").case_ref == ref


def test_herefordshire_documents_are_read_with_type_and_size():
    item = disclosurelog.parse_release(*fixture_page("herefordshire/release_documents_standard.html"), "herefordshire")
    assert item.documents, "the saved page lists documents"
    for document in item.documents:
        assert document.url.startswith("https://herefordshire.disclosurelog.co.uk/disclosures/")
        assert "/documents/" in document.url
        assert document.media_type and document.size and document.size % 1024 == 0


def test_the_shared_listing_has_two_releases_and_the_next_page():
    listing = disclosurelog.parse_listing(*fixture_page("herefordshire/listing_shared.html"))
    assert [e.date_text for e in listing.entries] == ["15 October 2024", "8 February 2022"]
    assert listing.total == 3046
    assert listing.next_url.endswith("/disclosures?page=2&sortType=PUBLISHED_DATE_DESCENDING")


def test_hastings_category_url_is_the_same_release():
    date_url = "https://www.hastings.gov.uk/my-council/freedom-of-information/date/?id=FOIR-395819655"
    category_url = date_url.replace("/date/", "/category/")
    assert hastings.canonical_release_url(category_url) == date_url
    assert hastings.canonical_release_url(date_url) == date_url


def test_a_page_that_is_not_a_release_gives_an_item_without_reference():
    item = disclosurelog.parse_release("<html><body><p>Service unavailable</p></body></html>", "https://x/d", "herefordshire")
    assert (item.case_ref, item.title, item.request_text, item.response_text) == (None, None, None, None)
