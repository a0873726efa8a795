"""A council's ModernGov committee site, as the replica serves it on its own port: committee pages,
meetings lists, meeting (agenda) pages, decisions, issue histories, documents (real PDFs, some behind
the extension-less `mgConvert2PDF.aspx?ID=` handler, paths with spaces), the web service
(`mgWebService.asmx/GetCommittees`, `GetMeetings`, `GetMeeting`; other methods "not valid"), and the
site's stylesheet and logo.

Modelled on the real pages in shared/real/moderngov, in another plausible markup (an older template:
headings, definition lists and tables, no #modgov wrapper), so parsers meet two. Everything is made
from the ids in the URL, deterministically: any committee, meeting or decision an answer cites exists.
Options: `blocked_html` answers every HTML page 403 with a Cloudflare challenge while the web service
and documents answer (as Milton Keynes and RBWM do); `text_mode` serves the plain "text mode" pages
ModernGov falls back to when a council's template breaks.
"""

from __future__ import annotations

import hashlib
import html
import random
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import quote, unquote

from foicrawl.replica import documents
from foicrawl.replica.dataset import Dataset
from foicrawl.replica.server import ReplicaSite, Reply, html_reply, not_found

COMMITTEES = [
    "Cabinet", "Overview and Scrutiny Committee", "Planning Committee", "Licensing Committee",
    "Audit and Governance Committee", "Full Council", "Charity Committee", "Leader's Question Time",
]  # fmt: skip
ITEM_TITLES = [
    "Apologies for absence", "Declarations of interest", "Minutes of the previous meeting",
    "Quarterly performance report", "Corporate plan progress", "Budget monitoring", "Chair's announcements",
    "Housing strategy update", "Fly-tipping enforcement review", "Treasury management", "Urgent items",
]  # fmt: skip
NAMES = ["Ali", "Barnes", "Chowdhury", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan",
         "Lewis", "Morgan", "Nolan", "Owen", "Patel"]  # fmt: skip
STYLESHEET = "/SiteSpecific/ssMgStyles.css"
LOGO = "/SiteSpecific/images/council-logo.png"
CSS = f"body{{font-family:Arial,sans-serif;margin:0}}#header{{background:#1d4f91 url({LOGO}) no-repeat 1em center;" \
      "padding:1em 1em 1em 12em;color:#fff}}#content{{margin:1em}}table{{border-collapse:collapse}}"  # fmt: skip
NOT_VALID = b"Web Service method name is not valid."


def _rng(*parts) -> random.Random:
    return random.Random(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest())


def committee_name(committee_id: int) -> str:
    return "Overview and Scrutiny Committee" if committee_id == 391 else COMMITTEES[committee_id % len(COMMITTEES)]


def meetings_of(committee_id: int, today: date) -> list[int]:
    return [committee_id * 100 + k for k in range(1, 5)]


def meeting_date(meeting_id: int, today: date) -> date:
    committee_id, k = divmod(meeting_id, 100)
    return date(2021, 6, 1) + timedelta(days=(committee_id * 7 + k * 45) % 1600)


def meeting_status(meeting_id: int) -> str:
    return "Cancelled" if meeting_id % 100 == 3 else "Confirmed"


def agenda(meeting_id: int) -> list[dict]:
    """Agenda items: number, title, and the report documents (`s` ids) under some of them."""
    rng = _rng("agenda", meeting_id)
    titles = rng.sample(ITEM_TITLES, 4)
    items = []
    for number, title in enumerate(titles, start=1):
        docs = []
        if number in (2, 4):
            sid = meeting_id * 10 + number
            docs.append({"id": sid, "title": f"{title} report"})
        items.append({"number": number, "title": title, "documents": docs})
    return items


def frontsheet_name(meeting_id: int, today: date) -> str:
    day = meeting_date(meeting_id, today)
    return f"Agenda frontsheet {day:%d-%b-%Y} 18.00 {committee_name(meeting_id // 100)}.pdf"


@lru_cache(maxsize=512)
def _document_pdf(kind: str, number: int, title: str) -> bytes:
    rng = _rng(kind, number)
    lines = [title, "", f"Document {kind}{number}", *(rng.choice(ITEM_TITLES) + "." for _ in range(6))]
    return documents.pdf([lines], title=title)


def _uk(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


class ModernGovSite(ReplicaSite):
    """One council's ModernGov site. `live_host` is the host the real site has (web-service answers
    carry absolute URLs on it, as real ones do)."""

    def __init__(self, dataset: Dataset, live_host: str, blocked_html: bool = False, text_mode: bool = False):
        super().__init__(dataset)
        self.live_host = live_host
        self.blocked_html = blocked_html
        self.text_mode = text_mode

    @property
    def today(self) -> date:
        return self.dataset.today

    def route(self, path: str, query: dict[str, str]) -> Reply:
        query = {k.lower(): v for k, v in query.items()}
        path = unquote(path)
        low = path.lower()
        if path == STYLESHEET:
            return Reply(200, CSS.encode(), "text/css")
        if path == LOGO:
            return Reply(200, documents.png(), "image/png")
        if low.startswith("/mgwebservice.asmx/"):
            return self.webservice(path.rsplit("/", 1)[-1], query)
        if low.startswith("/documents/"):
            return self.document(path)
        if low == "/mgconvert2pdf.aspx":
            sid = query.get("id", "")
            return self.pdf(sid.isdigit() and int(sid), "s") if sid.isdigit() else not_found()
        pages = {  # the page, and the names its id goes by (the meeting id is spelled three ways)
            "/mgcommitteedetails.aspx": (("id",), self.committee_page),
            "/ielistmeetings.aspx": (("committeeid", "cid"), self.meetings_page),
            "/ielistdocuments.aspx": (("mid", "meetingid"), self.meeting_page),
            "/iedecisiondetails.aspx": (("id",), self.decision_page),
            "/mgissuehistoryhome.aspx": (("iid",), self.issue_page),
        }
        if low not in pages:
            return not_found()
        names, render = pages[low]
        number = next((query[n] for n in names if query.get(n, "").isdigit()), None)
        if number is None:
            return html_reply(self._page("Error", "<p>The page you requested could not be found.</p>"), 404)
        number = int(number)
        if self.blocked_html:
            return self.challenge()
        return html_reply(self._page(*render(number)))

    # HTML ----------------------------------------------------------------------------------------

    def challenge(self) -> Reply:
        body = ("<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body>"
                "<div id=\"challenge-platform\"><h1>Checking your browser before accessing</h1>"
                "<p>This process is automatic.</p></div></body></html>")  # fmt: skip
        return html_reply(body, 403, headers={"cf-mitigated": "challenge", "Server": "cloudflare"}, cacheable=False)

    def _page(self, title: str, content: str) -> str:
        if self.text_mode:
            return (f"<html><head><title>{html.escape(title)}</title></head><body>"
                    "<p><strong>This page is being shown in text mode because the page template could not be "
                    f"loaded.</strong></p>{content}</body></html>")  # fmt: skip
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} - {html.escape(self.live_host)}</title>
<link rel="stylesheet" href="{STYLESHEET}"></head>
<body><div id="header"><img src="{LOGO}" alt="Council logo"> Committee meetings and decisions</div>
<div id="content">
{content}
</div><div id="footer"><p>modern.gov</p></div></body></html>"""

    def _document_link(self, href: str, title: str, size: int) -> str:
        return f'<a href="{html.escape(href)}">{html.escape(title)}</a> (PDF {max(1, round(size / 1024))} KB)'

    def _report_link(self, document: dict) -> str:
        title = document["title"]
        size = len(_document_pdf("s", document["id"], title))
        return self._document_link(f"documents/s{document['id']}/{title}.pdf", title, size)

    def committee_page(self, committee_id: int) -> tuple[str, str]:
        rng = _rng("committee", committee_id)
        name = committee_name(committee_id)
        members = "".join(
            f"<tr><td>Councillor {rng.choice('ABCDEFGHJKLMNPRS')}. {rng.choice(NAMES)}</td><td>{role}</td></tr>"
            for role in ("Chair", "Vice-Chair", "", "", "")
        )
        content = f"""<h1>{html.escape(name)}</h1>
<p class="pageType">Committee details</p>
<p><a href="ieListMeetings.aspx?CId={committee_id}">Browse meetings and agendas for this committee</a></p>
<h3>Purpose of committee</h3>
<p>The {html.escape(name)} considers reports on the council's performance and decisions in its remit.</p>
<h3>Membership</h3>
<table><tr><th>Councillor</th><th>Role</th></tr>{members}</table>
<h3>Contact information</h3><p>Democratic Services, democratic.services@example.gov.uk</p>"""
        return name, content

    def meetings_page(self, committee_id: int) -> tuple[str, str]:
        name = committee_name(committee_id)
        rows = []
        for meeting in meetings_of(committee_id, self.today):
            day = meeting_date(meeting, self.today)
            note = "CANCELLED" if meeting_status(meeting) == "Cancelled" else "Agenda, Minutes"
            rows.append(f'<tr><td><a href="ieListDocuments.aspx?CId={committee_id}&amp;MId={meeting}">'
                        f"{day.day} {day:%b %Y} 6.00 pm</a></td><td>{note}</td></tr>")  # fmt: skip
        content = (f"<h1>Browse meetings</h1><h2>{html.escape(name)}</h2>"
                   f"<table><tr><th>Date</th><th>Documents</th></tr>{''.join(rows)}</table>")  # fmt: skip
        return f"Meetings of {name}", content

    def meeting_page(self, meeting_id: int) -> tuple[str, str]:
        committee_id = meeting_id // 100
        name = committee_name(committee_id)
        day = meeting_date(meeting_id, self.today)
        status = meeting_status(meeting_id)
        front = frontsheet_name(meeting_id, self.today)
        front_size = len(_document_pdf("g", meeting_id, front))
        docs = f"<li>{self._document_link(f'documents/g{meeting_id}/{front}?T=0', 'Agenda frontsheet', front_size)}</li>"
        items = []
        for item in agenda(meeting_id):
            links = "".join(f"<li>{self._report_link(d)}</li>" for d in item["documents"])
            items.append(f"<li><h3>{item['number']}. {html.escape(item['title'])}</h3>"
                         + (f"<ul>{links}</ul>" if links else "") + "</li>")  # fmt: skip
        content = f"""<h1>{html.escape(name)}</h1>
<dl><dt>Committee</dt><dd><a href="mgCommitteeDetails.aspx?ID={committee_id}">{html.escape(name)}</a></dd>
<dt>Date</dt><dd>{_long(day)} 6.00 pm</dd><dt>Status</dt><dd>{status}</dd>
<dt>Venue</dt><dd>Council Chamber, Town Hall</dd></dl>
<h2>Documents</h2><ul>{docs}</ul>
<h2>Agenda items</h2><ol>{''.join(items)}</ol>"""
        return f"{name} - {_long(day)}", content

    def decision_page(self, decision_id: int) -> tuple[str, str]:
        rng = _rng("decision", decision_id)
        meeting = (decision_id % 900 + 100) * 100 + 1
        day = meeting_date(meeting, self.today)
        title = rng.choice(ITEM_TITLES)
        sid = decision_id * 10 + 9
        link = self._document_link(f"documents/s{sid}/{title} decision notice.pdf", f"{title} decision notice",
                                   len(_document_pdf("s", sid, f"{title} decision notice")))  # fmt: skip
        content = f"""<h1>Decision details</h1><h2>{html.escape(title)}</h2>
<p><a href="mgIssueHistoryHome.aspx?IId={decision_id}">Find out more about this issue</a></p>
<table><tr><th>Decision maker:</th><td>{html.escape(committee_name(meeting // 100))}</td></tr>
<tr><th>Decision status:</th><td>Recommendations Approved</td></tr>
<tr><th>Is Key decision?:</th><td>No</td></tr>
<tr><th>Date of decision:</th><td>{day.day} {day:%B %Y}</td></tr>
<tr><th>Publication date:</th><td>{_uk(day + timedelta(days=2))}</td></tr>
<tr><th>Decided at meeting:</th><td><a href="ieListDocuments.aspx?CId={meeting // 100}&amp;MID={meeting}">{_uk(day)} - {html.escape(committee_name(meeting // 100))}</a></td></tr></table>
<h3>Decision:</h3><p>The recommendations in the report on {html.escape(title.lower())} were approved.</p>
<h3>Supporting documents</h3><ul><li>{link}</li></ul>"""
        return title, content

    def issue_page(self, issue_id: int) -> tuple[str, str]:
        rng = _rng("decision", issue_id)
        title = rng.choice(ITEM_TITLES)
        start = date(2021, 9, 1) + timedelta(days=issue_id % 700)
        content = f"""<h1>Issue history</h1><h2>{html.escape(title)}</h2>
<p>Decision maker: Cabinet</p>
<h3>History</h3><ul><li>{_uk(start)} - Added to the forward plan</li>
<li>{_uk(start + timedelta(days=30))} - Report published</li>
<li>{_uk(start + timedelta(days=40))} - Decision made</li></ul>"""
        return title, content

    # Documents and the web service ----------------------------------------------------------------

    def document(self, path: str) -> Reply:
        parts = path.split("/")
        if len(parts) < 4 or not parts[2][1:].isdigit() or parts[2][0] not in "gs":
            return not_found()
        return self.pdf(int(parts[2][1:]), parts[2][0], parts[3])

    def pdf(self, number: int, kind: str, name: str | None = None) -> Reply:
        if kind == "g":
            title = frontsheet_name(number, self.today)
        else:
            meeting, n = divmod(number, 10)
            item = next((i for i in agenda(meeting) if i["number"] == n), None)
            title = f"{item['title']} report" if item and item["documents"] else f"Document {number}"
            if n == 9:
                title = f"{_rng('decision', meeting).choice(ITEM_TITLES)} decision notice"
        body = _document_pdf(kind, number, title)
        disposition = f"inline; filename*=UTF-8''{quote(title if title.endswith('.pdf') else title + '.pdf')}"
        return Reply(200, body, "application/pdf", {"Content-Disposition": disposition})

    def webservice(self, method: str, query: dict[str, str]) -> Reply:
        if method == "GetMeeting" and query.get("lmeetingid", "").isdigit():
            return self._xml(self.get_meeting(int(query["lmeetingid"])))
        if method == "GetMeetings" and query.get("lcommitteeid", "").isdigit():
            return self._xml(self.get_meetings(int(query["lcommitteeid"])))
        if method == "GetCommittees":
            committees = "".join(f"<committee><committeeid>{i}</committeeid><committeetitle>{self._twice(committee_name(i))}"
                                 "</committeetitle><committeedeleted>False</committeedeleted></committee>"
                                 for i in (100, 101, 102, 391))  # fmt: skip
            return self._xml(f"<committees><committeescount> 4</committeescount>{committees}</committees>")
        return Reply(500, NOT_VALID, "text/plain; charset=utf-8", cacheable=False)

    @staticmethod
    def _twice(text: str) -> str:
        """As the real web service does: HTML-encoded, then XML-escaped again (`Chair&amp;#39;s`)."""
        return html.escape(html.escape(text, quote=True).replace("&#x27;", "&#39;"), quote=False)

    def _xml(self, body: str) -> Reply:
        return Reply(200, ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode(), "text/xml; charset=utf-8")

    def get_meeting(self, meeting_id: int) -> str:
        day = meeting_date(meeting_id, self.today)
        name = self._twice(committee_name(meeting_id // 100))
        items = []
        for item in agenda(meeting_id):
            docs = "".join(
                f"<linkeddoc><attachmentid>{d['id']}</attachmentid><title>{self._twice(d['title'])}</title>"
                f"<isurl>False</isurl><url>https://{self.live_host}/mgConvert2PDF.aspx?ID={d['id']}</url>"
                f"<committeetitle>{name}</committeetitle></linkeddoc>"
                for d in item["documents"]
            )
            items.append(f"<agendaitem><agendaitemid>{meeting_id * 10 + item['number']}</agendaitemid>"
                         f"<agendaitemtitle>{self._twice(item['title'])}</agendaitemtitle>"
                         f"<fulldisplaynumberformat>{item['number']}.</fulldisplaynumberformat>"
                         f"<refertocommittee>{name}</refertocommittee>"
                         f"<linkeddocuments>{docs}</linkeddocuments></agendaitem>")  # fmt: skip
        return (f"<meeting><meetingid>{meeting_id}</meetingid><meetingdate>{_uk(day)}</meetingdate>"
                f"<meetingstatus>{meeting_status(meeting_id)}</meetingstatus><meetingtime>6.00 pm</meetingtime>"
                f"<meetinglocation>Council Chamber, Town Hall</meetinglocation>"
                f"<agendaitems>{''.join(items)}</agendaitems></meeting>")  # fmt: skip

    def get_meetings(self, committee_id: int) -> str:
        meetings = "".join(
            f"<meeting><meetingid>{m}</meetingid><meetingdate>{_uk(meeting_date(m, self.today))}</meetingdate>"
            f"<meetingstatus>{meeting_status(m)}</meetingstatus><meetingtime>6.00 pm</meetingtime></meeting>"
            for m in meetings_of(committee_id, self.today)
        )
        return (f"<getmeetings><committee><committeeid>{committee_id}</committeeid>"
                f"<committeetitle>{self._twice(committee_name(committee_id))}</committeetitle>"
                f"<committeemeetings>{meetings}</committeemeetings></committee></getmeetings>")  # fmt: skip


LIVE_HOSTS = {"hastings": "hastings.moderngov.co.uk", "herefordshire": "councillors.herefordshire.gov.uk"}
BLOCKED = {"herefordshire"}  # its HTML behind a bot wall, its web service open


def build_moderngov(council: str, dataset: Dataset, **options) -> ModernGovSite:
    """The replica of a council's ModernGov site, sharing the council replica's data set (its day)."""
    options.setdefault("blocked_html", council in BLOCKED)
    return ModernGovSite(dataset, LIVE_HOSTS.get(council, f"{council}.moderngov.example"), **options)
