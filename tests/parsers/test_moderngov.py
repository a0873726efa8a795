"""ModernGov pages and web-service answers, each type in two markups: the real one (Kingston,
Manchester) and the replica's older template, plus the text-mode page and a bot challenge."""

from pathlib import Path

import pytest

from foicrawl.parsers import moderngov as mg
from foicrawl.parsers.evidence import describe, filename_of

PAGES = Path(__file__).parent.parent / "fixtures" / "moderngov"
KINGSTON = "https://moderngov.kingston.gov.uk/"
HASTINGS = "https://hastings.moderngov.co.uk/"


def page(name: str, url: str) -> dict:
    return mg.parse_page((PAGES / name).read_text(encoding="utf-8"), url)


@pytest.mark.parametrize(("name", "url", "committee", "members", "chair"), [
    ("kingston_CommitteeDetails.html", KINGSTON + "mgCommitteeDetails.aspx?ID=711",
     "Kingston and North Kingston Neighbourhood Committee", 15, "Councillor Olly Wehring"),
    ("alternate_committee.html", HASTINGS + "mgCommitteeDetails.aspx?ID=391", "Overview and Scrutiny Committee", 5, None),
])  # fmt: skip
def test_committee_name_purpose_members_and_its_meetings_page(name, url, committee, members, chair):
    found = page(name, url)
    assert (found["type"], found["name"], len(found["members"])) == ("committee", committee, members)
    assert found["purpose"] and "ommittee" in found["purpose"]
    assert found["members"][0]["role"] == "Chair"
    if chair:
        assert found["members"][0]["name"] == chair and found["members"][2]["role"] is None
    assert mg.page_type(found["meetings_url"]) == "meetings" and mg.committee_id(found["meetings_url"]) == url[-3:]


@pytest.mark.parametrize(("name", "url", "count", "first", "cancelled"), [
    ("kingston_BrowseMeetings.html", KINGSTON + "ieListMeetings.aspx?CommitteeId=711", 15, ("10337", "2026-06-15"), "10161"),
    ("alternate_meetings.html", HASTINGS + "ieListMeetings.aspx?CId=391", 4, ("39101", "2024-08-26"), "39103"),
])  # fmt: skip
def test_meetings_list(name, url, count, first, cancelled):
    found = page(name, url)
    meetings = found["meetings"]
    assert len(meetings) == count and (meetings[0]["meeting_id"], meetings[0]["date"]) == first
    assert [m["meeting_id"] for m in meetings if m["status"] == "Cancelled"] == [cancelled]
    assert all(mg.page_type(m["url"]) == "meeting" for m in meetings)


def test_meeting_page_real_markup():
    found = page("kingston_Agenda_151.html", KINGSTON + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4")
    assert (found["committee"], found["date"], found["time"]) == (
        "Kingston and North Kingston Neighbourhood Committee", "2026-01-15", "7:30 pm")
    assert found["venue"] == "Guildhall, Kingston upon Thames."
    assert [i["number"] for i in found["agenda_items"]] == [str(n) for n in range(54, 66)]
    assert found["agenda_items"][4] == {"number": "58", "title": "Minutes", "documents": [
        {"url": KINGSTON + "documents/s111920/Minutes of Previous Meeting.pdf", "title": "Minutes", "shown_size": "PDF 99 KB"}]}
    urls = [d["url"] for d in found["documents"]]
    assert len(urls) == len(set(urls)) == 20
    assert urls[0].endswith("documents/g10230/Agenda frontsheet Thursday 15-Jan-2026 19.30 Kingston and North Kingston Neighbourhood Committee.pdf?T=0")
    cancelled = page("kingston_Agenda_412.html", KINGSTON + "ieListDocuments.aspx?CId=711&MID=10161")
    assert (cancelled["meeting_id"], cancelled["status"], cancelled["documents"], cancelled["no_documents"]) == (
        "10161", "Cancelled", [], True)


@pytest.mark.parametrize("name", ["alternate_meeting.html", "textmode_meeting.html"])
def test_meeting_page_older_template_and_text_mode(name):
    url = HASTINGS + ("ieListDocuments.aspx?CId=391&MID=39102" if "alternate" in name else "ieListDocuments.aspx?MeetingId=11103")
    found = page(name, url)
    assert found["text_mode"] is ("textmode" in name)
    assert found["meeting_id"] == url.rsplit("=", 1)[-1]
    assert found["committee"] in ("Overview and Scrutiny Committee", "Leader's Question Time")
    assert found["date"] and found["time"] == "6.00 pm" and found["status"] in ("Confirmed", "Cancelled")
    assert [i["number"] for i in found["agenda_items"]] == ["1", "2", "3", "4"]
    assert len(found["documents"]) == 3 and found["documents"][0]["title"] == "Agenda frontsheet"
    assert " " in found["documents"][1]["url"], "paths with spaces are kept as the page gives them"


@pytest.mark.parametrize(("name", "url", "title", "decided", "published"), [
    ("lgsf_decision_detail_fragment.html", "https://democracy.example.gov.uk/ieDecisionDetails.aspx?ID=7",
     "Minutes of Previous Meeting", "2015-10-19", "2015-10-22"),
    ("alternate_decision.html", HASTINGS + "ieDecisionDetails.aspx?ID=512", "Quarterly performance report",
     "2024-07-04", "2024-07-06"),
])  # fmt: skip
def test_decision(name, url, title, decided, published):
    found = page(name, url)
    assert (found["title"], found["decided_on"], found["published_on"]) == (title, decided, published)
    assert found["status"] == "Recommendations Approved" and found["key_decision"] == "No"
    assert found["decision"].endswith("approved.") or "approved as a correct record" in found["decision"]
    assert mg.meeting_id(found["meeting_url"]) and mg.page_type(found["issue_url"]) == "issue"
    assert len(found["documents"]) == 1 and found["documents"][0]["shown_size"].endswith("KB")


@pytest.mark.parametrize("name", ["alternate_issue.html", "textmode_issue.html"])
def test_issue_history(name):
    found = page(name, HASTINGS + "mgIssueHistoryHome.aspx?IId=512&Opt=0")
    assert (found["issue_id"], found["title"], found["text_mode"]) == ("512", "Quarterly performance report", "textmode" in name)
    assert (found["first_date"], found["last_date"], len(found["events"])) == ("2023-01-26", "2023-03-07", 3)


def test_meeting_ids_however_spelled_and_the_web_service_address():
    for url in ("https://h/ieListDocuments.aspx?CId=1&MId=42", "https://h/ieListDocuments.aspx?CId=1&MID=42#AI3",
                "https://h/ieListDocuments.aspx?MeetingId=42", "https://h/mgWebService.asmx/GetMeeting?lMeetingId=42"):
        assert mg.meeting_id(url) == "42"
    assert mg.webservice_url("https://h/mgov/ieListDocuments.aspx?MID=42", "GetMeeting", lMeetingId="42") == \
        "https://h/mgov/mgWebService.asmx/GetMeeting?lMeetingId=42"
    assert mg.page_type("https://h/mgConvert2PDF.aspx?ID=5") == "document"
    assert mg.page_type("https://h/documents/s7942/polc2 - 23.09.2015.pdf") == "document"


@pytest.mark.parametrize(("name", "committee", "items", "documents"), [
    ("lgsf_meeting_with_minutes.xml", "Audit Committee", 2, 2),
    ("alternate_getmeeting.xml", "Leader's Question Time", 4, 2),
])  # fmt: skip
def test_get_meeting_with_titles_encoded_twice(name, committee, items, documents):
    found = mg.parse_webservice((PAGES / name).read_bytes(), "https://h/mgWebService.asmx/GetMeeting")
    assert found["committee"] == committee
    assert len(found["agenda_items"]) == items and len(found["documents"]) == documents
    assert all(mg.page_type(d["url"]) == "document" for d in found["documents"])
    assert "&" not in str(found)


def test_get_meetings_get_committees_and_a_disabled_method():
    meetings = mg.parse_webservice((PAGES / "lgsf_meetings.xml").read_bytes(), "https://h/mgWebService.asmx/GetMeetings")
    assert meetings["committees"][0]["meetings"][0] == {"meeting_id": "4966", "date": "2026-01-13",
                                                       "time": "10.00 am", "status": "Cancelled"}  # fmt: skip
    committees = mg.parse_webservice((PAGES / "lgsf_committees.xml").read_bytes(), "https://h/mgWebService.asmx/GetCommittees")
    assert [c["committee_id"] for c in committees["committees"]] == ["312", "163", "144"]
    off = mg.parse_webservice(b"Web Service method name is not valid.", "https://h/mgWebService.asmx/GetDecisions")
    assert off["error"] == "Web Service method name is not valid"


def test_a_bot_challenge_is_told_apart_from_the_page():
    body = (PAGES / "blocked_committee.html").read_bytes()
    fields = describe(body, url=HASTINGS + "mgCommitteeDetails.aspx?ID=391", status=403,
                      headers={"Content-Type": "text/html; charset=utf-8"}, moderngov_site=True)
    assert fields["parsed"] == {"type": "committee", "blocked": True}
    assert fields["reason"] == "HTTP 403 (a bot challenge, not the page)" and fields["kind"] == "page"


def test_file_names_from_content_disposition_are_names_never_paths():
    raw = 'attachment; filename="Réponse – données.xlsx"'.encode().decode("latin-1").encode("latin-1")
    assert filename_of(raw, "https://h/d/1") == "Réponse – données.xlsx"
    assert filename_of("attachment; filename*=UTF-8''Caf%C3%A9%20menu.pdf", "https://h/x") == "Café menu.pdf"
    assert filename_of('attachment; filename="../../etc/passwd"', "https://h/x") == "passwd"
    assert filename_of(None, "https://h/documents/s1/Annex%201.pdf") == "Annex 1.pdf"
