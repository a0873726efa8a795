"""A crawl writes nothing outside the archive and fetches nothing but the site: Scrapy's cookie
middleware splits cookie domains with tldextract, which would fetch the public suffix list and cache
it under $HOME/.cache."""

from __future__ import annotations

from foicrawl.replica.proxy import misbehaving

from helpers import catalogue


def test_a_crawl_that_gets_cookies_writes_nothing_under_home(replica, crawl, archive, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("TLDEXTRACT_CACHE", raising=False)
    server = replica("hastings", size=8)
    with misbehaving(server.base_url, {"set-cookie": ""}) as proxy:
        _, log = crawl("hastings", proxy.base_url)
    assert proxy.applied["set-cookie"] > 8, "the site set cookies, so the cookie middleware split their domains"
    assert len(catalogue("hastings")) == 8
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
    assert "publicsuffix" not in log.lower()
