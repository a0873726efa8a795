"""ModernGov (Civica) committee sites, as answers cite them: pure parsers of its pages and of its web
service's XML.

Pages are told apart by their address (`page_type`), and read by the labels a reader sees
("Purpose of committee", "Membership", "Decision status:", an "Items" table), not by class names, so
the real template, an older one and the plain "text mode" page all read. What ModernGov really does
is handled: the meeting id spelled `MId`, `MID` or `MeetingId`; titles HTML-encoded twice by the web
service; document handlers with no extension (`mgConvert2PDF.aspx?ID=`); spaces in document paths;
pages blocked behind a Cloudflare challenge (403 "Just a moment...").
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from lxml import etree

from foicrawl.parsers.dates import parse_date
from foicrawl.parsers.html_text import (
    element_text,
    labelled_value,
    parse_html,
    section_after,
    squash,
)

COMMITTEE, MEETINGS, MEETING, DECISION, ISSUE, DOCUMENT, WEBSERVICE, OTHER = (
    "committee", "meetings", "meeting", "decision", "issue", "document", "webservice", "other",
)  # fmt: skip
_PAGES = {
    "mgcommitteedetails.aspx": COMMITTEE,
    "ielistmeetings.aspx": MEETINGS,
    "ielistdocuments.aspx": MEETING,
    "iedecisiondetails.aspx": DECISION,
    "mgissuehistoryhome.aspx": ISSUE,
    "mgissuehistorychronology.aspx": ISSUE,
    "ieissuedetails.aspx": ISSUE,
    "mgconvert2pdf.aspx": DOCUMENT,
}
_MEETING_ID_PARAMS = ("mid", "meetingid", "lmeetingid")
_SIZE = re.compile(r"\b(PDF|DOCX?|XLSX?|RTF|HTML?|ZIP|PPTX?|ODT|CSV)\s+([\d.,]+)\s*(KB|MB|GB|B)\b", re.I)
_WHEN = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\.?,?\s+\d{4})"
    r"(?:,?\s+(\d{1,2}(?:[.:]\d{2})?\s*[ap]\.?m\.?))?",
    re.I,
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b")
_BLOCKED = re.compile(r"just a moment|attention required|cf-chl|challenge-platform|checking your browser", re.I)
_TEXT_MODE = re.compile(r"text mode|text only version|template (?:could not|cannot) be (?:loaded|displayed)", re.I)
_STATUS_WORDS = ("cancelled", "postponed", "moved", "rescheduled", "provisional", "confirmed")


# --- Addresses ------------------------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


def page_type(url: str) -> str:
    path = urlsplit(url).path.lower()
    name = path.rsplit("/", 1)[-1]
    if "mgwebservice.asmx" in path:
        return WEBSERVICE
    if name in _PAGES:
        return _PAGES[name]
    if "/documents/" in path or re.search(r"\.(pdf|docx?|xlsx?|rtf|pptx?|odt|csv|zip)$", name):
        return DOCUMENT
    return OTHER


def meeting_id(url: str) -> str | None:
    """The meeting a URL names, however ModernGov spells the parameter (MId, MID, MeetingId)."""
    query = _query(url)
    for name in _MEETING_ID_PARAMS:
        if query.get(name, "").isdigit():
            return query[name]
    return None


def committee_id(url: str) -> str | None:
    query = _query(url)
    kind = page_type(url)
    names = ("id",) if kind == COMMITTEE else ("committeeid", "cid", "lcommitteeid")
    for name in names:
        if query.get(name, "").isdigit():
            return query[name]
    return None


def site_root(url: str) -> str:
    """Where the install lives (most at the host's root, some under a folder such as /mgov/)."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0]
    if "mgwebservice.asmx" in folder.lower():
        folder = folder[: folder.lower().index("mgwebservice.asmx")].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{folder}/"


def webservice_url(page_url: str, method: str, **params: str) -> str:
    """`mgWebService.asmx/<method>?...` on the same install as `page_url`."""
    return urljoin(site_root(page_url), f"mgWebService.asmx/{method}") + ("?" + urlencode(params) if params else "")


def is_blocked(status: int | None, text: str) -> bool:
    """A bot wall (Cloudflare's "Just a moment...") instead of the page."""
    return bool(status in (403, 429, 503) and _BLOCKED.search(text[:20000] or ""))


# --- Pages ----------------------------------------------------------------------------------------


def _content(root):
    found = root.xpath("//*[@id='modgov']")
    if found:
        return found[0]
    for path in ("//main", "//*[@role='main']", "//*[@id='content']", "//body"):
        found = root.xpath(path)
        if found:
            return found[0]
    return root


def _headings(root) -> list[str]:
    return [squash(h.text_content()) for h in root.iter("h1", "h2", "h3") if squash(h.text_content())]


def _document_title(anchor) -> str:
    parts = [anchor.text or ""]
    for child in anchor:
        classes = (child.get("class") or "").lower()
        if "mgfilesize" not in classes and "mghide" not in classes and isinstance(child.tag, str):
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return squash(" ".join(parts)) or squash(anchor.get("title") or "")


def documents_on(root, base_url: str) -> list[dict]:
    """Document links on a page, same host as the page: `documents/g<id>/...`, `documents/s<id>/...`,
    `mgConvert2PDF.aspx?ID=`, each once, with the type and size shown beside it ("PDF 198 KB")."""
    host = urlsplit(base_url).netloc.lower()
    found: dict[str, dict] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).netloc.lower() != host or page_type(url) != DOCUMENT:
            continue
        key = url.split("#", 1)[0]
        if key in found:
            continue
        shown = _SIZE.search(element_text(anchor.getparent() if anchor.getparent() is not None else anchor))
        found[key] = {"url": key, "title": _document_title(anchor), "shown_size": squash(shown[0]) if shown else None}
    return list(found.values())


def _when(text: str) -> dict:
    """A meeting's date and time as shown, and the date in ISO form."""
    match = _WHEN.search(text)
    if not match:
        numeric = _NUMERIC_DATE.search(text)
        day = parse_date(numeric[1]) if numeric else None
        return {"date": day.isoformat() if day else None, "time": None}
    day = parse_date(match[1])
    return {"date": day.isoformat() if day else None, "time": squash(match[2]) if match[2] else None}


def _status(text: str) -> str | None:
    low = text.lower()
    for word in _STATUS_WORDS:
        if re.search(rf"\b{word}\b", low):
            return word.capitalize()
    return None


_INLINE = ("span", "strong", "b", "label", "em", "dt", "th")


def _label(root, *labels: str) -> str | None:
    """The value beside a label. ModernGov writes `<p><span>Venue: </span>Guildhall. <a>View
    directions</a></p>`: the value is the rest of the label's block, not its next element."""
    for label in labels:
        wanted = label.lower().rstrip(":")
        for el in root.iter(*_INLINE):
            if squash(el.text_content()).lower().rstrip(": ") != wanted:
                continue
            parent = el.getparent()
            if el.tag in ("dt", "th") or parent is None:
                following = el.getnext()
                value = element_text(following) if following is not None else ""
            else:
                value = squash(element_text(parent))[len(squash(el.text_content())):]
            value = re.sub(r"\s*View directions\s*$", "", value.lstrip(" :")).strip()
            if value:
                return value
        value = labelled_value(root, label)
        if value:
            return value
    return None


def _title_after(root, heading_labels: tuple[str, ...]) -> str | None:
    """The page's subject: the heading after a page-kind heading ("Committee details"), else the
    first heading that is not a page-kind label."""
    headings = _headings(root)
    lowered = [h.lower().rstrip(":") for h in headings]
    for i, heading in enumerate(lowered):
        if heading in heading_labels and i + 1 < len(headings):
            return headings[i + 1]
    for heading in headings:
        if heading.lower().rstrip(":") not in heading_labels:
            return heading
    return None


def _section_text(root, label: str) -> str | None:
    section = section_after(root, label)
    if not section:
        return None
    return squash(" ".join(element_text(el) for el in section if isinstance(el.tag, str))) or None


def _first_of_section(root, label: str) -> str | None:
    section = [el for el in section_after(root, label) or [] if isinstance(el.tag, str) and element_text(el)]
    return element_text(section[0]) if section else None


def _members(root) -> list[dict]:
    section = section_after(root, "Membership") or []
    members = []
    for el in section:
        if not isinstance(el.tag, str):
            continue
        rows = list(el.iter("li")) or list(el.iter("tr"))
        for row in rows:
            text = element_text(row)
            if not text or (row.tag == "tr" and not list(row.iter("td"))):  # a header row
                continue
            name, _, rest = text.partition("(")
            role = rest.split(")", 1)[0].strip() if rest else None
            cells = [squash(c.text_content()) for c in row.iter("td")]
            if len(cells) >= 2 and not rest:
                name, role = cells[0], cells[1] or None
            members.append({"name": squash(name), "role": role or None})
    return members


def parse_committee(text: str, url: str) -> dict:
    root = _content(parse_html(text))
    meetings = next((urljoin(url, a.get("href")) for a in root.iter("a")
                     if page_type(urljoin(url, a.get("href") or "")) == MEETINGS), None)  # fmt: skip
    return {
        "type": COMMITTEE,
        "committee_id": committee_id(url),
        "name": _title_after(root, ("committee details", "committee")),
        "purpose": _section_text(root, "Purpose of committee") or _section_text(root, "Purpose"),
        "members": _members(root),
        "meetings_url": meetings,
        "documents": documents_on(root, url),
    }


def parse_meetings(text: str, url: str) -> dict:
    """`ieListMeetings.aspx`: a committee's meetings, each with its date and what is published."""
    root = _content(parse_html(text))
    meetings, seen = [], set()
    for anchor in root.iter("a"):
        href = urljoin(url, anchor.get("href") or "")
        if page_type(href) != MEETING or not meeting_id(href) or meeting_id(href) in seen:
            continue
        seen.add(meeting_id(href))
        row = next((a for a in anchor.iterancestors("li", "tr")), None)
        row = row if row is not None else (anchor.getparent() if anchor.getparent() is not None else anchor)
        label = element_text(anchor)
        note = squash(element_text(row).replace(label, "", 1)).lstrip("-– ").strip() or None
        meetings.append({"meeting_id": meeting_id(href), "url": href, "shown": label, **_when(label),
                         "status": _status(note or ""), "note": note})  # fmt: skip
    return {
        "type": MEETINGS,
        "committee_id": committee_id(url),
        "name": _title_after(root, ("browse meetings", "meetings")),
        "meetings": meetings,
    }


def _agenda_items(root, base_url: str) -> list[dict]:
    """Numbered agenda items ("54." then the title), from the Items table or list."""
    items = []
    containers = [t for t in root.iter("table", "ol", "ul") if _is_items(t)]
    for container in containers[:1]:
        for row in container.iter("tr", "li"):
            if row.getparent() is not None and row.getparent().tag in ("ul", "ol") and row.getparent() is not container:
                continue
            cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")] or [row]
            text = element_text(cells[0])
            number = re.match(r"^\s*(\d+[a-z]?)\.?(?:\s|$)", text)
            if not number:
                continue
            title_cell = cells[1] if len(cells) > 1 else cells[0]
            title_el = next((p for p in title_cell.iter("p", "h3", "h4", "strong", "a") if squash(p.text_content())
                             and not re.fullmatch(r"\d+[a-z]?\.?", squash(p.text_content()))), None)  # fmt: skip
            title = squash(title_el.text_content()) if title_el is not None else squash(text[number.end():])
            title = _SIZE.sub("", re.sub(r"^\d+[a-z]?\.\s*", "", title)).strip()
            items.append({"number": number[1], "title": title, "documents": documents_on(title_cell, base_url)})
    return items


def _is_items(container) -> bool:
    caption = container.find("caption")
    if caption is not None and squash(caption.text_content()).lower().rstrip(":") in ("items", "agenda items"):
        return True
    previous = container.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    return previous is not None and previous.tag in ("h2", "h3") and \
        squash(previous.text_content()).lower().rstrip(":") in ("items", "agenda items", "agenda")


def parse_meeting(text: str, url: str) -> dict:
    """`ieListDocuments.aspx`: committee, date, status, agenda items, document links."""
    root = _content(parse_html(text))
    title = _title_after(root, ("agenda, decisions and minutes", "agenda and minutes", "agenda, decisions",
                                "meeting", "agenda", "meeting details"))  # fmt: skip
    committee, when_text = None, title or ""
    if title and " - " in title:
        committee, when_text = title.rsplit(" - ", 1)
        if not _WHEN.search(when_text):  # "Committee - Part 2 - date": the date is after the last dash
            committee, when_text = title, title
    committee = _label(root, "Committee") or committee
    shown_date = _label(root, "Date", "Meeting date") or when_text
    status = _label(root, "Status", "Meeting status") or _status(when_text) or _status(title or "")
    return {
        "type": MEETING,
        "meeting_id": meeting_id(url),
        "committee_id": committee_id(url),
        "committee": squash(committee) if committee else None,
        "shown": squash(shown_date) or None,
        **_when(shown_date),
        "status": status,
        "venue": _label(root, "Venue", "Proposed venue"),
        "agenda_items": _agenda_items(root, url),
        "documents": documents_on(root, url),
        "no_documents": bool(re.search(r"no documents are available", root.text_content(), re.I)),
    }


def parse_decision(text: str, url: str) -> dict:
    root = _content(parse_html(text))
    meeting_link = next((urljoin(url, a.get("href")) for a in root.iter("a")
                         if page_type(urljoin(url, a.get("href") or "")) == MEETING), None)  # fmt: skip
    issue_link = next((urljoin(url, a.get("href")) for a in root.iter("a")
                       if page_type(urljoin(url, a.get("href") or "")) == ISSUE), None)  # fmt: skip
    published, decided = _label(root, "Publication date"), _label(root, "Date of decision")
    return {
        "type": DECISION,
        "decision_id": _query(url).get("id"),
        "title": _title_after(root, ("decision details", "decision")),
        "status": _label(root, "Decision status"),
        "key_decision": _label(root, "Is Key decision?", "Key decision"),
        "decision_maker": _label(root, "Decision Maker", "Decision maker"),
        "decided_at": _label(root, "Decided at meeting"),
        "meeting_url": meeting_link,
        "issue_url": issue_link,
        "published_on": _iso(published),
        "decided_on": _iso(decided),
        "decision": _first_of_section(root, "Decision") or _label(root, "Decision"),
        "documents": documents_on(root, url),
    }


def parse_issue(text: str, url: str) -> dict:
    """`mgIssueHistoryHome.aspx?IId=`: an issue's title, its dated history and documents."""
    root = _content(parse_html(text))
    events = []
    for row in root.iter("li", "tr", "p"):
        line = element_text(row)
        match = _NUMERIC_DATE.search(line) or _WHEN.search(line)
        if match and not any(a.tag in ("li", "tr") for a in row.iterancestors()) and len(line) < 400:
            day = parse_date(match[1])
            events.append({"date": day.isoformat() if day else None, "text": line})
    dates = sorted(e["date"] for e in events if e["date"])
    return {
        "type": ISSUE,
        "issue_id": _query(url).get("iid"),
        "title": _title_after(root, ("issue history", "issue details", "issue")),
        "decision_maker": _label(root, "Decision maker"),
        "events": events,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "documents": documents_on(root, url),
    }


def _iso(text: str | None) -> str | None:
    if not text:
        return None
    match = _NUMERIC_DATE.search(text)
    day = parse_date(match[1] if match else text)
    return day.isoformat() if day else None


_PARSERS = {COMMITTEE: parse_committee, MEETINGS: parse_meetings, MEETING: parse_meeting,
            DECISION: parse_decision, ISSUE: parse_issue}  # fmt: skip


def parse_page(text: str, url: str) -> dict:
    """Any cited ModernGov page: its type's fields (unknown types: documents only), and whether it
    came in the plain "text mode" template."""
    kind = page_type(url)
    parser = _PARSERS.get(kind)
    if parser is None:
        root = _content(parse_html(text))
        result = {"type": kind, "title": _title_after(root, ()), "documents": documents_on(root, url)}
    else:
        result = parser(text, url)
    result["text_mode"] = bool(_TEXT_MODE.search(parse_html(text).text_content()[:3000]))
    return result


# --- Web service ----------------------------------------------------------------------------------

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              remove_comments=True)  # fmt: skip


def _value(el, name: str) -> str | None:
    """A child's text, decoded once more: the web service encodes titles twice (`Chair&#39;s`)."""
    child = el.find(name)
    if child is None or child.text is None or not child.text.strip():
        return None
    return html.unescape(child.text.strip())


def _uk_date(text: str | None) -> str | None:
    day = parse_date(text)
    return day.isoformat() if day else None


def parse_webservice(body: bytes, url: str) -> dict:
    """`GetMeeting`, `GetMeetings` and `GetCommittees` answers; a disabled method is an error."""
    method = urlsplit(url).path.rsplit("/", 1)[-1]
    if re.search(rb"method name is not valid", body[:2000], re.I):
        return {"type": WEBSERVICE, "method": method, "error": "Web Service method name is not valid"}
    try:
        root = etree.fromstring(body, _XML_PARSER)
    except etree.XMLSyntaxError as error:
        return {"type": WEBSERVICE, "method": method, "error": f"not XML: {error}"[:200]}
    for el in root.iter():  # drop namespaces: some installs wrap the answer in one
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    result: dict = {"type": WEBSERVICE, "method": method}
    if root.tag == "meeting":
        items = []
        documents: dict[str, dict] = {}
        for item in root.iter("agendaitem"):
            items.append({"number": _value(item, "fulldisplaynumberformat") or _value(item, "agendaitemnumber"),
                          "title": _value(item, "agendaitemtitle")})  # fmt: skip
            for doc in item.iter("linkeddoc"):
                doc_url = _value(doc, "url")
                if doc_url and doc_url not in documents:
                    documents[doc_url] = {"url": doc_url, "title": _value(doc, "title"),
                                          "attachment_id": _value(doc, "attachmentid")}  # fmt: skip
        committee = next((_value(d, "committeetitle") for d in root.iter("linkeddoc") if _value(d, "committeetitle")),
                         None) or next((_value(i, "refertocommittee") for i in root.iter("agendaitem")), None)  # fmt: skip
        result.update(
            meeting_id=_value(root, "meetingid"),
            committee=committee,
            date=_uk_date(_value(root, "meetingdate")),
            time=_value(root, "meetingtime"),
            status=_value(root, "meetingstatus"),
            venue=_value(root, "meetinglocation"),
            agenda_items=items,
            documents=list(documents.values()),
        )
    elif root.tag == "getmeetings":
        result["committees"] = [
            {"committee_id": _value(c, "committeeid"), "name": _value(c, "committeetitle"),
             "meetings": [{"meeting_id": _value(m, "meetingid"), "date": _uk_date(_value(m, "meetingdate")),
                           "time": _value(m, "meetingtime"), "status": _value(m, "meetingstatus")}
                          for m in c.iter("meeting")]}
            for c in root.iter("committee")
        ]  # fmt: skip
    elif root.tag == "committees":
        result["committees"] = [{"committee_id": _value(c, "committeeid"), "name": _value(c, "committeetitle"),
                                 "expired": _value(c, "committeeexpired") == "True"}
                                for c in root.iter("committee")]  # fmt: skip
    else:
        result["error"] = f"unknown answer <{root.tag}>"
    return result
