"""The catalogue on PostgreSQL (FOICRAWL_DATABASE_URL): a real server, started for these tests."""

from __future__ import annotations

from foicrawl.cli import main

from helpers import catalogue, runs


def test_crawls_dedupe_version_and_verify_on_postgresql(postgres, replica, crawl, archive, monkeypatch, capsys):
    monkeypatch.setenv("FOICRAWL_DATABASE_URL", postgres)
    server = replica("herefordshire", size=45)
    crawl("herefordshire", server.base_url)
    crawl("herefordshire", server.base_url)
    server.site.dataset.edit("FOI2022/00092")
    crawl("herefordshire", server.base_url)
    rows = catalogue("herefordshire", all_versions=True)
    assert len(rows) == 46
    assert [r["version"] for r in rows if r["case_ref"] == "FOI2022/00092"] == [1, 2]
    assert [(r.releases_new, r.releases_changed, r.releases_unchanged) for r in runs("herefordshire")] == [
        (45, 0, 0), (0, 0, 45), (0, 1, 44)]  # fmt: skip
    assert not (archive / "catalogue.sqlite").exists(), "nothing went to the default SQLite file"
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.strip().endswith(": 46 OK, 0 mismatched, 0 missing")
