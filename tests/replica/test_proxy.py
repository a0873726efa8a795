"""The misbehaving proxy passes a site through byte for byte, and misbehaves only where told."""

from __future__ import annotations

import gzip
import http.client
from urllib.parse import urlsplit

import pytest

from foicrawl.replica import pages_herefordshire


def get(origin: str, target: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", target, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def test_without_faults_the_site_comes_through_unchanged(replica, proxy):
    server = replica("herefordshire", size=5)
    front = proxy(server.base_url)
    release = server.site.dataset.listed()[0]
    status, headers, body = get(front.base_url, f"/disclosures/{release.uid}", {"Accept-Encoding": "gzip"})
    direct = get(server.base_url, f"/disclosures/{release.uid}", {"Accept-Encoding": "gzip"})
    assert status == 200 and body == direct[2]
    assert gzip.decompress(body).decode() == pages_herefordshire.release_page(release)
    assert (headers["ETag"], headers["Content-Encoding"]) == (direct[1]["ETag"], "gzip")
    # Conditional requests pass through too.
    assert get(front.base_url, f"/disclosures/{release.uid}", {"If-None-Match": headers["ETag"]})[0] == 304


def test_faults_answer_only_the_requests_they_match_and_only_as_often_as_told(replica, proxy):
    server = replica("herefordshire", size=5)
    front = proxy(server.base_url)
    front.add("error-page", match=r"page=2\b", times=1)
    front.add("redirect-offsite", match=r"^/disclosures/", target="http://127.0.0.1:9")
    front.add("cookie-redirect", match=r"page=3\b")
    front.add("redirect-loop", match=r"page=4\b")
    front.add("server-error", match=r"page=5\b")

    status, _, body = get(front.base_url, "/disclosures?page=2")
    assert status == 200 and b"Sorry, something went wrong" in body
    assert b"disclosures</p>" in get(front.base_url, "/disclosures?page=2")[2], "times=1: the next one passes"
    uid = server.site.dataset.listed()[0].uid
    status, headers, _ = get(front.base_url, f"/disclosures/{uid}")
    assert (status, headers["Location"]) == (302, f"http://127.0.0.1:9/disclosures/{uid}")
    status, headers, _ = get(front.base_url, "/disclosures?page=3")
    assert (status, headers["Location"], headers["Set-Cookie"]) == (
        302, f"{front.base_url}/disclosures?page=3", "replica_consent=yes; Path=/")  # fmt: skip
    assert get(front.base_url, "/disclosures?page=3", {"Cookie": "replica_consent=yes"})[0] == 200
    assert [get(front.base_url, "/disclosures?page=4")[0] for _ in range(3)] == [302, 302, 302]
    assert [get(front.base_url, "/disclosures?page=5")[0] for _ in range(4)] == [500] * 4
    assert front.applied == {"error-page": 1, "redirect-offsite": 1, "cookie-redirect": 1, "redirect-loop": 3,
                             "server-error": 4}  # fmt: skip


def test_an_unknown_fault_is_refused(replica, proxy):
    front = proxy(replica("herefordshire", size=3).base_url)
    with pytest.raises(ValueError, match="unknown fault 'slow'; known: redirect-offsite"):
        front.add("slow")


def test_the_replica_publishes_releases_dated_among_older_ones(replica):
    import json

    server = replica("herefordshire", size=30)
    older = server.site.dataset.listed()[25]
    status, _, body = get(server.base_url, f"/__replica__/publish?count=2&on={older.listed_on.isoformat()}")
    new = json.loads(body)["changed"]
    assert status == 200 and len(new) == 2
    listed = [r.case_ref for r in server.site.dataset.listed()]
    assert all(listed.index(ref) >= 20 for ref in new), "backdated: past the first page of the listing"
