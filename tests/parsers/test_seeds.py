"""The two real releases behind the project must come out exactly as the councils published them."""

import pytest

from foicrawl.items import ReleaseItem
from foicrawl.parsers import disclosurelog, hastings
from foicrawl.pipelines.normalise import normalise

from conftest import SHARED, fixture_page


def herefordshire_seed() -> dict:
    paragraphs = (SHARED / "seeds" / "herefordshire_FOI2022-00092.txt").read_text().split("\n\n")
    section = lambda start, end: "\n\n".join(paragraphs[paragraphs.index(start) + 1 : paragraphs.index(end)])  # noqa: E731
    return {
        "title": paragraphs[1],
        "case_ref": paragraphs[2].removeprefix("Case reference "),
        "published": paragraphs[3].removeprefix("Published "),
        "request": section("Request", "Response"),
        "response": section("Response", "Documents"),
    }


def hastings_seed() -> dict:
    lines = (SHARED / "seeds" / "hastings_FOIR-395819655.txt").read_text().split("\n")
    response_at = lines.index("Response")
    # The seed's text runs "Responded Thu 03 February 2022" into the request's first line.
    responded, first_request_line = lines[4][: len("Responded Thu 03 February 2022")], lines[4][len("Responded Thu 03 February 2022"):]
    return {
        "heading": lines[1],
        "title": lines[2],
        "requested": lines[3].removeprefix("Requested "),
        "responded": responded.removeprefix("Responded "),
        "request_lines": [first_request_line, *lines[5:response_at]],
        "response_lines": lines[response_at + 1 : lines.index("-", response_at)],
    }


@pytest.mark.parametrize("page", ["herefordshire/release_seed_standard.html", "herefordshire/release_seed_alternate.html"])
def test_herefordshire_seed_release_exactly(page):
    seed = herefordshire_seed()
    item = disclosurelog.parse_release(*fixture_page(page), "herefordshire")
    assert item.case_ref == seed["case_ref"] == "FOI2022/00092"
    assert item.title == seed["title"] == "Performance management"
    assert item.published_on == seed["published"] == "8 February 2022"
    assert item.request_text == seed["request"]
    assert item.response_text == seed["response"]
    assert item.response_links == [
        {"url": "https://councillors.herefordshire.gov.uk/ieListDocuments.aspx?CId=251&MId=8224&Ver=4", "text": "here"}
    ]
    assert item.documents == []
    normalise(item)
    assert (item.published_on, item.requested_on, item.responded_on) == ("2022-02-08", None, None)


@pytest.mark.parametrize("page", ["hastings/release_shared.html", "hastings/release_seed_alternate.html"])
def test_hastings_seed_release_exactly(page):
    seed = hastings_seed()
    item: ReleaseItem = hastings.parse_release(*fixture_page(page))
    assert f"FOI request ({item.case_ref})" == seed["heading"]
    assert item.title == seed["title"]
    assert (item.requested_on, item.responded_on) == (seed["requested"], seed["responded"])
    # The seed is the page's text one block a line; the parser separates paragraphs by a blank line.
    assert [line for line in item.request_text.split("\n") if line] == seed["request_lines"]
    assert [line for line in item.response_text.split("\n") if line] == seed["response_lines"]
    assert [link["url"] for link in item.response_links] == [
        "https://www.hastings.gov.uk/my-council/corp-plan/progress/",
        "https://www.hastings.gov.uk/my-council/corp-plan/progress/",
        "https://hastings.moderngov.co.uk/mgCommitteeDetails.aspx?ID=391",
    ]
    normalise(item)
    assert (item.requested_on, item.responded_on, item.published_on) == ("2022-01-25", "2022-02-03", None)
    assert item.dates_as_shown == {"requested_on": "Tue 25 January 2022", "responded_on": "Thu 03 February 2022"}
