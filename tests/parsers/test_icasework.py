"""The iCasework parser on saved feed answers: the real recorded ones (real_*) and the replica's."""

import hashlib
import json
from dataclasses import asdict

import pytest
from lxml import etree

from foicrawl.items import Exchange
from foicrawl.parsers import icasework
from foicrawl.replica import portal_feed

from conftest import FIXTURES, fixture_page

PORTAL = "https://hertfordshireportal.icasework.com"
FOLDER = FIXTURES / "hertfordshire"


def saved(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


def want(name: str):
    return json.loads((FOLDER / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_the_real_getcases_answers_name_both_cases_in_xml_and_json():
    xml = icasework.parse_listing(saved("real_getcases.xml"), "https://uatportal.icasework.com/getcases")
    json_ = icasework.parse_listing(saved("real_getcases.json"), "https://uatportal.icasework.com/getcases?Format=json")
    view = "https://uatportal.icasework.com/cases?public=true&CaseId={}&Embed=True"
    assert [asdict(e) for e in xml.entries] == [
        {"url": view.format(487347), "title": "y", "date_text": "2021-02-15T16:42:19"},
        {"url": view.format(487342), "title": "h", "date_text": "2021-02-15T16:39:18"},
    ]
    assert [(e.url, e.title, e.date_text) for e in json_.entries] == [
        (view.format(487347), "y", "2021-02-15"), (view.format(487342), "h", "2021-02-15")]
    assert (xml.total, xml.next_url) == (2, None)
    assert icasework.parse_listing(saved("real_getcases_empty.xml"), "https://x/getcases").entries == []


def test_the_real_documents_answer_gives_the_document_id_name_type_and_link():
    [document] = icasework.parse_documents(saved("real_getcasedocuments.xml"))
    assert (document.id, document.name, document.media_type) == ("D225851", "Response (some not held)", "application/pdf")
    assert document.url.endswith("ref=D225851&bin=Y&auth=0&db=UJzFimNH5H4%3D&access_token=REDACTED")
    assert icasework.without_token(document.url) == "https://uat.icasework.com/servlet/servlets.getImg?ref=D225851&bin=Y&auth=0&db=UJzFimNH5H4%3D"
    assert icasework.document_ref(document.url) == "D225851"


def _structure(body: bytes) -> set:
    """Every element path and attribute name in a getcases answer's cases."""
    found = set()
    for element in etree.fromstring(body).iter():
        path = "/".join([*reversed([a.tag for a in element.iterancestors()]), element.tag])
        found.add(path)
        found.update(f"{path}@{name}" for name in element.attrib)
    return found


def test_the_replica_feeds_use_exactly_the_recorded_names():
    assert _structure(saved("getcases.xml")) >= _structure(saved("real_getcases.xml")) - {"Cases/Case/Attributes/ReasonInformationNotHeld"}
    assert _structure(saved("getcases.xml")) <= _structure(saved("real_getcases.xml"))
    real_keys = {key for case in json.loads(saved("real_getcases.json")) for key in case}
    assert {key for case in json.loads(saved("getcases.json")) for key in case} == real_keys
    assert _structure(saved("documents.xml")) == _structure(saved("real_getcasedocuments.xml"))


@pytest.mark.parametrize("name", ["getcases.xml", "getcases.json"])
def test_replica_feed_answers(name):
    text, url = fixture_page(f"hertfordshire/{name}")
    listing = icasework.parse_listing(text, url)
    assert {"entries": [asdict(e) for e in listing.entries], "next_url": None, "total": 4} == want(name)


@pytest.mark.parametrize("name", ["details_documents.xml", "details_plain.xml", "details_no_stage_date.xml"])
def test_details_answers(name):
    text, url = fixture_page(f"hertfordshire/{name}")
    assert icasework.parse_release(text, url, "hertfordshire").to_dict() == want(name)


def test_a_details_answer_in_full():
    item = icasework.parse_release(*fixture_page("hertfordshire/details_no_stage_date.xml"), "hertfordshire")
    assert item.url == f"{PORTAL}/cases?public=true&CaseId=400010&Embed=True"
    assert (item.case_ref, item.title, item.requested_on, item.responded_on, item.published_on) == (
        "400010", "Rough sleeping counts costs", "2025-04-04", None, "2025-04-28")
    assert item.request_text.startswith("Under the Freedom of Information Act 2000")
    assert item.response_links == [{"url": "https://councillors.hertfordshire.gov.uk/mgCommitteeDetails.aspx?ID=119",
                                    "text": "https://councillors.hertfordshire.gov.uk/mgCommitteeDetails.aspx?ID=119"}]


def test_an_answer_that_is_not_a_case_is_refused():
    with pytest.raises(ValueError, match="not a getcasedetails answer"):
        icasework.parse_details(b"<?xml version='1.0'?><Documents />", f"{PORTAL}/getcasedetails?CaseId=1", "x")
    with pytest.raises(ValueError, match="root <html>"):
        icasework.parse_details(b"<!DOCTYPE html><html><body>Error</body></html>", f"{PORTAL}/getcasedetails", "x")
    with pytest.raises(etree.XMLSyntaxError):  # iCasework's own error page is not even XML
        icasework.parse_details(portal_feed.ERROR_PAGE.encode(), f"{PORTAL}/getcasedetails?CaseId=1", "x")


def _page(documents_token: str = "t1", fetched=("D200007", "D200008")) -> list[Exchange]:
    text, url = fixture_page("hertfordshire/details_documents.xml")
    listed = saved("documents.xml").replace(b"1795449992000-7119e1a62c80b62c940870e4", documents_token.encode())
    exchanges = [
        Exchange(f"{PORTAL}/cases?public=true&CaseId=400012&Embed=True", 200, "text/html", b"<html></html>"),
        Exchange(url, 200, "text/xml", text.encode()),
        Exchange(f"{PORTAL}/getcasedocuments?CaseId=400012", 200, "text/xml", listed),
    ]
    for ref in fetched:
        exchanges.append(Exchange(f"{PORTAL}/servlet/servlets.getImg?ref={ref}&bin=Y&auth=0&db=x&access_token={documents_token}",
                                  200, "application/pdf", f"%PDF {ref}".encode()))  # fmt: skip
    return exchanges


def test_a_release_from_its_page_answers_with_each_document_fetched():
    exchanges = _page()
    item = icasework.parse_release_exchanges(exchanges, "hertfordshire")
    assert item.case_ref == "400012" and item.title == "Allotment waiting lists data"
    assert [asdict(d) for d in item.documents] == [
        {"url": f"{PORTAL}/servlet/servlets.getImg?ref=D200007&bin=Y&auth=0&db=XwW8RSeba3c%3D", "title": "Response (some exempt)",
         "media_type": "application/pdf", "size": 12, "sha256": hashlib.sha256(b"%PDF D200007").hexdigest(), "id": "D200007"},
        {"url": f"{PORTAL}/servlet/servlets.getImg?ref=D200008&bin=Y&auth=0&db=XwW8RSeba3c%3D",
         "title": "Appendix A - Allotment waiting lists data", "media_type": "application/pdf", "size": 12,
         "sha256": hashlib.sha256(b"%PDF D200008").hexdigest(), "id": "D200008"},
    ]  # fmt: skip
    assert icasework.evidence(exchanges) == [("details", 1), ("documents", 2), ("document", 3), ("document", 4)]
    assert icasework.documents_to_fetch(exchanges) == []


def test_a_document_whose_link_expired_is_read_from_the_later_answer_and_fetch():
    exchanges = _page("old", fetched=())
    assert [d.id for d in icasework.documents_to_fetch(exchanges)] == ["D200007", "D200008"]
    exchanges.append(Exchange(f"{PORTAL}/servlet/servlets.getImg?ref=D200007&access_token=old", 403, "text/html", b"expired"))
    assert [d.id for d in icasework.documents_to_fetch(exchanges)] == ["D200007", "D200008"]
    exchanges += _page("new")[2:]  # the documents asked for again (fresh links), and both fetched
    item = icasework.parse_release_exchanges(exchanges, "hertfordshire")
    assert all(d.sha256 for d in item.documents)
    assert icasework.evidence(exchanges) == [("details", 1), ("documents", 4), ("document", 5), ("document", 6)]


def test_a_document_not_fetched_is_listed_without_its_digest():
    item = icasework.parse_release_exchanges(_page(fetched=("D200008",)), "hertfordshire")
    assert [(d.id, d.sha256 is None, d.size) for d in item.documents] == [("D200007", True, None), ("D200008", False, 12)]


def test_a_page_without_its_answers_cannot_be_read():
    with pytest.raises(ValueError, match="no details answer"):
        icasework.parse_release_exchanges(_page()[:1], "hertfordshire")
    with pytest.raises(ValueError, match="no documents answer"):
        icasework.parse_release_exchanges(_page()[:2], "hertfordshire")
