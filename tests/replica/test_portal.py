"""The iCasework portal replica as plain HTTP sees it: shells without release data, the feeds, errors
as iCasework sends them, and document links whose tokens expire."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from html import escape

import pytest
from lxml import etree

from foicrawl.replica.portal import AccessTokens
from foicrawl.replica.portal_pages import COUNCIL_PAGE_PATH, LOG_PATH
from foicrawl.replica.server import serving
from foicrawl.replica.sites import council_page_site, make_site


@contextmanager
def portal(size: int = 12, **options):
    site = make_site("hertfordshire", size=size, seed=3, **options)
    with serving(site) as server:
        yield site, server.base_url


def get(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def release_texts(case) -> list[str]:
    """What a reader of a release sees, in every form a page could hold it."""
    texts = [case.title, case.label, case.request_text.splitlines()[0], case.response_text.splitlines()[-1],
             case.requested.isoformat(), case.published.isoformat(), *(d.title for d in case.documents), *(d.uid for d in case.documents)]  # fmt: skip
    return texts + [escape(t) for t in texts]


def test_plain_http_of_the_portal_pages_holds_no_release_data():
    with portal() as (site, base):
        cases = site.dataset.listed()
        page = council_page_site(site, base)
        with serving(page) as council:
            pages = [get(base + LOG_PATH)[2], get(council.base_url + COUNCIL_PAGE_PATH)[2], get(base + "/resource?id=855014&db=hertfordshire")[2]]
            pages += [get(f"{base}/cases?public=true&CaseId={c.uid}&Embed=True")[2] for c in cases]
            status, headers, council_html = get(council.base_url + COUNCIL_PAGE_PATH)
        for html in pages:
            text = html.decode()
            assert not [t for c in cases for t in release_texts(c) if t in text]
        # The council's page embeds the log from the portal's origin, and allows only that frame.
        assert f'<iframe src="{escape(base + LOG_PATH)}"' in council_html.decode()
        assert headers["Content-Security-Policy"] == f"frame-src {base}"
        # The case pages differ only by the case id taken from their URL.
        assert all(f'data-case-id="{c.uid}"' in pages[3 + n].decode() for n, c in enumerate(cases))


def test_the_feed_filters_on_the_date_received_in_both_formats():
    with portal(size=30) as (site, base):
        cases = site.dataset.listed()
        middle = cases[15].requested
        status, headers, body = get(f"{base}/getcases?From={middle.isoformat()}")
        assert status == 200 and headers["Content-Type"] == "text/xml;charset=UTF-8"
        ids = [e.text for e in etree.fromstring(body).iter("CaseId")]
        assert ids == [c.uid for c in cases if c.requested >= middle]
        status, headers, body = get(f"{base}/getcases?Format=json&Until={middle.isoformat()}")
        assert headers["Content-Type"] == "application/json;charset=UTF-8"
        assert [c["CaseId"] for c in json.loads(body)] == [c.uid for c in cases if c.requested <= middle]
        days = (site.dataset.today - middle).days
        status, _, body = get(f"{base}/getcases?Format=JSON&Days={days}")
        assert [c["CaseId"] for c in json.loads(body)] == [c.uid for c in cases if c.requested >= middle]
        assert get(f"{base}/getcases?From=2100-01-01")[2].endswith(b"<Cases />\n")


def test_errors_come_as_icasework_sends_them():
    with portal() as (site, base):
        status, headers, _ = get(f"{base}/getcases", method="POST")
        assert (status, headers["X-Application-Error-Code"], headers["X-Application-Error-Info"]) == (400, "43000", "Invalid HTTP Method")
        status, headers, _ = get(f"{base}/getcases?db=eastsussex")
        assert (status, headers["X-Application-Error-Code"]) == (403, "43001")
        status, headers, _ = get(f"{base}/getcases?From=yesterday")
        assert status == 400 and headers["X-Application-Error-Code"] and "Invalid parameter" in headers["X-Application-Error-Info"]
        status, headers, body = get(f"{base}/getcasedetails?CaseId=1")  # as recorded for an unknown case
        assert (status, headers["Content-Disposition"]) == (400, 'filename="output.xml"') and b"An Unexpected Error Occured" in body
        assert get(f"{base}/getcasedocuments?CaseId=1")[2].endswith(b"<Documents />\n")
        withdrawn = site.dataset.listed()[0]
        site.dataset.withdraw(withdrawn.case_ref)
        assert get(f"{base}/getcasedetails?CaseId={withdrawn.uid}")[0] == 400
        assert withdrawn.uid not in get(f"{base}/getcases?Format=json")[2].decode()


def test_document_links_expire_and_a_stale_link_fails():
    with portal(size=20, token_ttl=1.0) as (site, base):
        case = next(c for c in site.dataset.listed() if c.documents)
        answer = etree.fromstring(get(f"{base}/getcasedocuments?CaseId={case.uid}")[2])
        link = answer.find("Document").text
        assert f"ref={case.documents[0].uid}&bin=Y&auth=0&db=" in link and "&access_token=" in link
        status, headers, body = get(link)
        assert (status, body) == (200, case.documents[0].content)
        time.sleep(1.05)
        status, headers, _ = get(link)
        assert (status, headers["X-Application-Error-Code"]) == (403, "43004")
        assert get(link.split("&access_token=")[0])[0] == 403  # no token, no document


def test_tokens_live_at_least_half_their_life_from_when_they_are_handed_out():
    tokens = AccessTokens(ttl=3600)
    for now in (9_000.0, 10_000.0, 10_799.0):  # one half-hour step: the same token, issued at 9000
        handed = tokens.issue(now=now)
        assert tokens.valid(handed, now=now + 1800) and tokens.valid(handed, now=12_599)
        assert not tokens.valid(handed, now=12_600)
    assert not tokens.valid(tokens.expired(now=10_000.0), now=10_000.0)
    assert not tokens.valid(handed.replace(handed[-1], "0" if handed[-1] != "0" else "1"), now=10_000.0)


def test_the_expired_token_fault_hands_out_a_dead_link_first():
    with portal(size=20, faults=("expired-token",)) as (site, base):
        case = next(c for c in site.dataset.listed() if c.documents)
        first, second = (etree.fromstring(get(f"{base}/getcasedocuments?CaseId={case.uid}")[2]).find("Document").text for _ in range(2))
        assert get(first)[0] == 403 and get(second)[0] == 200


@pytest.mark.parametrize("theme", ["standard", "alternate"])
def test_each_theme_serves_its_own_script_over_the_same_feeds(theme):
    with portal(theme=theme) as (site, base):
        shell = get(base + LOG_PATH)[2].decode()
        scripts = [line.split('"')[1] for line in shell.splitlines() if "<script src=" in line]
        assert len(scripts) == 1 and get(base + scripts[0])[0] == 200
        code = get(base + scripts[0])[2].decode()
        assert "getcases?Format=json" in code and "getcasedetails?CaseId=" in code + get(base + "/portal/scripts/case-view.js")[2].decode()
