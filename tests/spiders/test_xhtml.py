"""A council whose site serves XHTML (an XML declaration first): every page is read, as HTML is."""

from __future__ import annotations

import pytest

from foicrawl.cli import main
from foicrawl.replica.proxy import misbehaving

from helpers import catalogue


@pytest.mark.parametrize("council", ["hastings", "herefordshire"])
def test_xhtml_pages_with_an_xml_declaration_are_catalogued(council, replica, crawl, archive):
    server = replica(council, size=6)
    with misbehaving(server.base_url, {"xhtml": ""}) as proxy:
        _, log = crawl(council, proxy.base_url)
    assert proxy.applied["xhtml"] >= 7, "listings and release pages alike"
    assert "Dropped" not in log and "Skipped listing" not in log
    rows = catalogue(council)
    assert {r["case_ref"] for r in rows} == server.site.dataset.expected_refs()
    assert all(r["title"] and r["request_text"] for r in rows)
    assert main(["verify"]) == 0
