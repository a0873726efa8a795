"""Real crawls of the iCasework portal replica through a real headless Chromium: what is catalogued,
the browser traffic as WARC evidence, the nightly run, verify, reindex and pywb replay."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import sqlite3
import time
import urllib.request
from urllib.parse import quote

import pytest
from playwright.async_api import async_playwright
from warcio.archiveiterator import ArchiveIterator

from foicrawl.cli import main
from foicrawl.crawling.browser import launch_options
from foicrawl.crawling.process import run_crawl
from foicrawl.pipelines.normalise import tidy_text
from foicrawl.provenance.replay import listen, prepare_pywb, start_server, stop_server
from foicrawl.replica.portal_data import MEDIA_TYPES
from foicrawl.replica.portal_pages import LOG_PATH, case_shell
from foicrawl.replica.server import serving
from foicrawl.replica.sites import make_site
from foicrawl.warc.reader import sha1_digest

from conftest import FAST
from helpers import catalogue, runs, warc_records, warcio_check

BROWSER = {**FAST, "FOICRAWL_BROWSER_MAX_PAGES": "2", "FOICRAWL_BROWSER_CONTEXT_PAGES": "4"}


def view(base: str, case_id: str) -> str:
    return f"{base}/cases?public=true&CaseId={case_id}&Embed=True"


def stat(log: str, key: str) -> int:
    match = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(match[1]) if match else 0


@pytest.fixture(scope="module")
def portal_crawls(tmp_path_factory):
    """Crawls of one portal: a full crawl, the same again, a full crawl after an edit, then two new
    releases and a nightly (incremental) run. The replica is stopped when they are done."""
    directory = tmp_path_factory.mktemp("portal") / "archive"
    site = make_site("hertfordshire", size=10, seed=5)
    edited = site.dataset.listed()[6]
    steps = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOICRAWL_ARCHIVE_DIR", str(directory))
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        with serving(site) as server:
            for step in ("first", "again", "edited", "nightly"):
                if step == "edited":
                    site.dataset.edit(edited.case_ref, "Update: the figures for 2023 were corrected.")
                if step == "nightly":
                    site.dataset.publish(2)
                log = directory / f"{step}.log"
                mode = "incremental" if step == "nightly" else "full"
                process = run_crawl("hertfordshire", server.base_url, mode, BROWSER, log_file=log, timeout=300)
                assert process.returncode == 0, log.read_text()[-3000:]
                steps[step] = {"log": log.read_text(), "run": runs("hertfordshire")[-1],
                               "rows": catalogue("hertfordshire", all_versions=True),
                               "warc": set((directory / "warc").glob("*.warc.gz"))}  # fmt: skip
    return directory, site, server.base_url, edited, steps


@pytest.fixture
def archived(portal_crawls, archive):
    shutil.copytree(portal_crawls[0], archive)
    return archive


def test_a_full_crawl_catalogues_every_published_case_with_every_field(portal_crawls):
    _, site, base, edited, steps = portal_crawls
    rows = steps["first"]["rows"]
    cases = {c.uid: c for c in site.dataset.listed() if c.uid in {r["case_ref"] for r in rows}}
    assert len(rows) == len(cases) == 10  # before the nightly's two new ones
    with_documents = next(c for c in cases.values() if c.documents and c is not edited)
    plain = next(c for c in cases.values() if not c.documents and c is not edited)
    for case in (with_documents, plain):
        row = next(r for r in rows if r["case_ref"] == case.uid)
        assert {k: row[k] for k in ("council", "case_ref", "title", "requested_on", "responded_on", "published_on",
                                    "request_text", "url", "version", "withdrawn")} == {
            "council": "hertfordshire", "case_ref": case.uid, "title": case.title,
            "requested_on": case.requested.isoformat(), "responded_on": case.responded.isoformat(),
            "published_on": case.published.isoformat(), "request_text": tidy_text(case.request_text),
            "url": view(base, case.uid), "version": 1, "withdrawn": False}  # fmt: skip
        assert row["response_text"] == tidy_text(case.response_text)
        assert row["dates_as_shown"] == {"requested_on": case.requested.isoformat(), "responded_on": case.responded.isoformat(),
                                         "published_on": case.published.isoformat()}  # fmt: skip
        assert [link["url"] for link in row["response_links"]] == re.findall(r"https://\S+", case.response_text)
        assert [{k: v for k, v in d.items() if k != "text_chars"} for d in row["documents"]] == [
            {"url": f"{base}/servlet/servlets.getImg?ref={d.uid}&bin=Y&auth=0&db={quote(site.db, safe='')}",
             "title": d.title, "media_type": MEDIA_TYPES[d.fmt], "size": len(d.content), "size_as_listed": len(d.content),
             "sha256": hashlib.sha256(d.content).hexdigest(), "id": d.uid, "status": 200, "reason": None,
             "text_reason": None}
            for d in case.documents
        ]  # fmt: skip
        # Each document is evidence too, linked by its id: described (its text read) like any other.
        assert all(d["text_chars"] > 0 for d in row["documents"])
        assert sorted(e["key"] for e in row["evidence"]) == sorted(d.uid for d in case.documents)
        roles = [s["role"] for s in row["capture"]["sources"]]
        assert roles == ["details", "documents"] + ["document"] * len(case.documents)
        assert row["capture"]["warc_record_id"] == row["capture"]["sources"][0]["warc_record_id"]
        assert row["capture"]["sources"][0]["url"] == f"{base}/getcasedetails?CaseId={case.uid}"


def entries(path) -> list[dict]:
    """Every record of a WARC file with its WARC headers, HTTP headers and payload as stored."""
    found = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            payload = record.raw_stream.read()
            found.append({"type": record.rec_type, "uri": record.rec_headers.get_header("WARC-Target-URI"),
                          "warc": record.rec_headers, "http": record.http_headers, "payload": payload})  # fmt: skip
    return found


def test_every_browser_exchange_is_a_warc_pair_and_the_dom_a_resource(portal_crawls):
    _, site, base, _, steps = portal_crawls
    [path] = steps["first"]["warc"]
    assert warcio_check([path]).returncode == 0
    records = entries(path)
    by_id = {r["warc"].get_header("WARC-Record-ID"): r for r in records}
    # robots.txt went through Scrapy's own handler (as the server sent it, gzip and all); no page of the browser's.
    robots = next(r for r in records if r["type"] == "response" and r["uri"] == f"{base}/robots.txt")
    assert robots["warc"].get_header("WARC-Page-ID") is None
    browser = [r for r in records if r["warc"].get_header("WARC-Page-ID")]
    exchanges = [r for r in browser if r["type"] in ("response", "revisit")]
    for response in exchanges:  # each one a pair: request and response, linked both ways
        request = by_id[response["warc"].get_header("WARC-Concurrent-To")]
        assert request["type"] == "request" and request["uri"] == response["uri"]
        assert request["warc"].get_header("WARC-Concurrent-To") == response["warc"].get_header("WARC-Record-ID")
        assert request["warc"].get_header("WARC-Page-ID") == response["warc"].get_header("WARC-Page-ID")
        if response["type"] == "response":  # decoded as the browser received it, headers saying so
            http = response["http"]
            assert http.get_header("Content-Encoding") is None and http.get_header("Transfer-Encoding") is None
            assert int(http.get_header("Content-Length")) == len(response["payload"])
            assert response["warc"].get_header("WARC-Payload-Digest") == sha1_digest(response["payload"])
    assert len([r for r in browser if r["type"] == "request"]) == len(exchanges)
    assert len([r for r in exchanges if r["type"] == "response" and r["http"].get_header("x-orig-Content-Encoding") == "gzip"]) > 15
    kinds = {r["warc"].get_header("WARC-Resource-Type") for r in exchanges}
    assert kinds == {"document", "script", "stylesheet", "fetch"}
    pages = [r for r in exchanges if r["uri"].startswith(f"{base}/cases?")]
    assert len(pages) == 11  # the log and ten cases, each once
    case = site.dataset.get(steps["first"]["rows"][0]["case_ref"])
    shell = next(r for r in pages if r["uri"] == view(base, case.uid))
    assert shell["payload"] == case_shell(case.uid).encode()  # what the server sent, not the rendered DOM
    resources = [r for r in records if r["type"] == "resource"]
    cases = [r["case_ref"] for r in steps["first"]["rows"]]
    assert {r["uri"] for r in resources if r["uri"].startswith("urn:dom:")} == {f"urn:dom:{base}{LOG_PATH}"} | {
        f"urn:dom:{view(base, c)}" for c in cases}
    assert len([r for r in resources if r["uri"].startswith("urn:view:")]) == 11
    assert not [r for r in records if r["type"] == "response" and r["uri"].startswith("urn:")]
    dom = next(r for r in resources if r["uri"] == f"urn:dom:{view(base, case.uid)}")
    assert case.title.encode() in dom["payload"] and case.title.encode() not in shell["payload"]


def test_the_browser_is_bounded_and_counted_in_the_memory_figures(portal_crawls):
    log = portal_crawls[4]["first"]["log"]
    assert "'foicrawl.crawling.browser.CrawlMemoryUsage'" in log and "'scrapy.extensions.memusage.MemoryUsage'" not in log
    assert stat(log, "playwright/page_count/max_concurrent") <= 2
    assert stat(log, "playwright/page_count") == stat(log, "playwright/page_count/closed") == 11
    assert stat(log, "playwright/context_count") == 3 and stat(log, "foicrawl/browser/contexts_recycled") == 2
    assert stat(log, "memusage/max") - stat(log, "memusage/startup") > 50 * 1024 * 1024  # the browser's processes


def test_a_second_crawl_adds_no_version_and_stores_revisits(portal_crawls):
    directory, _, _, _, steps = portal_crawls
    run = steps["again"]["run"]
    assert (run.releases_new, run.releases_changed, run.releases_unchanged, run.status) == (0, 0, 10, "ok")
    assert len(steps["again"]["rows"]) == 10
    new_file = (steps["again"]["warc"] - steps["first"]["warc"]).pop()
    types = [r["type"] for r in warc_records(directory) if r["file"] == new_file.name]
    assert types.count("revisit") > types.count("response")


def test_an_edit_yields_version_2(portal_crawls):
    _, _, _, edited, steps = portal_crawls
    run = steps["edited"]["run"]
    assert (run.releases_new, run.releases_changed, run.releases_unchanged) == (0, 1, 9)
    versions = [r for r in steps["edited"]["rows"] if r["case_ref"] == edited.uid]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["response_text"].endswith("Update: the figures for 2023 were corrected.")
    assert versions[0]["response_text"] == tidy_text(edited.response_text.rsplit("\n\nUpdate:", 1)[0])


def test_a_nightly_run_asks_the_feed_and_renders_only_new_releases_and_rechecks(portal_crawls):
    directory, site, base, _, steps = portal_crawls
    run, log = steps["nightly"]["run"], steps["nightly"]["log"]
    assert (run.mode, run.releases_new, run.status) == ("incremental", 2, "ok")
    assert run.requests == 1 + 1 + 2 + 10  # robots.txt, the feed, two new cases, ten rechecks
    new_file = (steps["nightly"]["warc"] - steps["edited"]["warc"]).pop()
    records = [r for r in warc_records(directory) if r["file"] == new_file.name]
    feed = next(r for r in records if r["type"] == "response" and r["uri"] == f"{base}/getcases?Days=120")
    assert feed["http_headers"].get_header("Content-Encoding") == "gzip"  # through Scrapy, as the server sent it
    assert not [r for r in records if r["uri"] == f"{base}{LOG_PATH}"]  # the log page was not rendered
    assert stat(log, "playwright/page_count") == 12
    assert len({r["case_ref"] for r in steps["nightly"]["rows"]}) == 12


def test_verify_passes_and_catches_a_flipped_byte_in_a_feed_answer(archived, capsys):
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": 13 OK, 0 mismatched, 0 missing")
    row = next(r for r in catalogue("hertfordshire") if r["documents"])
    documents_answer = row["capture"]["sources"][1]
    path = archived / "warc" / documents_answer["warc_file"]
    data = bytearray(path.read_bytes())
    data[documents_answer["warc_offset"] + documents_answer["warc_length"] // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert main(["verify"]) == 1
    lines = capsys.readouterr().out.splitlines()
    failures = [line for line in lines if line.startswith("MISMATCH")]
    assert failures and all(f"hertfordshire {row['case_ref']} version" in line for line in failures)
    assert f"documents record ({documents_answer['url']})" in failures[0]


def test_reindex_reproduces_the_export(archived, capsys):
    assert main(["export", "--all-versions"]) == 0
    before = capsys.readouterr().out
    assert main(["reindex"]) == 0
    capsys.readouterr()
    assert main(["export", "--all-versions"]) == 0
    assert capsys.readouterr().out == before


def test_verify_and_reparse_reread_a_portal_version_from_its_answers(archived, capsys):
    """A version read by an earlier parser is a stale extraction, not a mismatch; reparse re-reads
    it from the answers its page received (every source record) and keeps the old reading."""
    row = next(r for r in catalogue("hertfordshire") if r["documents"])
    with sqlite3.connect(archived / "catalogue.sqlite") as db:
        db.execute("UPDATE release_versions SET title = 'an older reading', parser_version = 'icasework/0+text/1' "
                   "WHERE id = (SELECT v.id FROM release_versions v JOIN releases r ON r.id = v.release_id "
                   "WHERE r.case_ref = ? AND v.version = 1)", (row["case_ref"],))  # fmt: skip
    capsys.readouterr()
    assert main(["verify"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith(("STALE", "MISMATCH", "MISSING"))] == [
        f"STALE EXTRACTION: hertfordshire {row['case_ref']} version 1: read by parser icasework/0+text/1, today's "
        f"icasework/1+text/1 reads: title differs: catalogue 'an older reading', archive {row['title']!r}"]  # fmt: skip
    assert main(["reparse"]) == 0
    assert "1 updated" in capsys.readouterr().out
    assert next(r for r in catalogue("hertfordshire") if r["case_ref"] == row["case_ref"])["title"] == row["title"]
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": 13 OK, 0 mismatched, 0 missing")


def test_pywb_replays_a_case_page_in_chromium_with_the_replica_stopped(portal_crawls, archived, tmp_path):
    _, site, base, _, steps = portal_crawls
    row = next(r for r in steps["first"]["rows"] if r["documents"])
    case = site.dataset.get(row["case_ref"])
    from foicrawl import config
    from foicrawl.catalogue.session import session_factory

    with session_factory()() as session:
        root = prepare_pywb(session, config.warc_dir(), config.index_dir(), tmp_path / "pywb")
    listener = listen(0)
    port = listener.getsockname()[1]
    server = start_server(root, listener)
    try:
        deadline = time.monotonic() + 90  # pywb takes a while to start on a busy machine
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "pywb did not start"
                time.sleep(0.3)
        timestamp = row["capture"]["fetched_at"][:19].replace("-", "").replace(":", "").replace("T", "")
        listed = site.dataset.listed()[2].title  # on the log once its script has read the archived feed
        shown = asyncio.run(_replayed_text(port, timestamp, {view(base, case.uid): row["title"], base + LOG_PATH: listed}))
    finally:
        stop_server(server)
    case_text, log_text, asked = shown
    assert row["title"] in case_text and row["response_text"].splitlines()[-1] in case_text
    assert row["documents"][0]["title"] in case_text
    assert listed in log_text  # the log, built by its script from the archived feed
    assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in asked)  # nothing went to the (stopped) replica


async def _replayed_text(port: int, timestamp: str, expected: dict[str, str]):
    """Each URL's text as replayed, once it shows its expected text (or after 10 s)."""
    asked, texts = [], []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options())
        page = await browser.new_page()
        page.on("request", lambda request: asked.append(request.url))
        for url, text in expected.items():
            await page.goto(f"http://127.0.0.1:{port}/foicrawl/{timestamp}mp_/{url}")
            frame = None
            for _ in range(100):  # pywb puts the archived page in a frame under its banner
                frame = next((f for f in page.frames if "mp_/" in f.url), None)
                if frame is not None and text in await frame.inner_text("body"):
                    break
                await asyncio.sleep(0.1)
            texts.append(await frame.inner_text("body"))
        await browser.close()
    return texts[0], texts[1], asked


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    """One crawl of a portal on a bad day, in its second markup: every case's first documents answer
    hands out expired links, one case's script throws, one case's details call hangs, feeds are slow,
    and the log, a case's page and another case's details call answer 503 the first time."""
    directory = tmp_path_factory.mktemp("faults") / "archive"
    site = make_site("hertfordshire", size=8, seed=9, theme="alternate", feed_delay=0.3, hang_seconds=20,
                     faults=("expired-token", "script-error", "hung-case", "slow-feed", "flaky"))  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOICRAWL_ARCHIVE_DIR", str(directory))
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        with serving(site) as server:
            log = directory / "faults.log"
            settings = {**BROWSER, "FOICRAWL_BROWSER_PAGE_TIMEOUT": "5"}
            process = run_crawl("hertfordshire", server.base_url, "full", settings, log_file=log, timeout=300)
            assert process.returncode == 0, log.read_text()[-3000:]
            rows, run = catalogue("hertfordshire"), runs("hertfordshire")[-1]
            cases, expected = {c.uid: c for c in site.dataset.listed()}, site.dataset.expected_refs()
            records = warc_records(directory)
            # Then a case leaves the log: the next full crawl asks for it, and its details call answers 400.
            gone = next(r["case_ref"] for r in rows if r["case_ref"] != site.script_error_case)
            site.dataset.withdraw(gone)
            again = directory / "again.log"
            process = run_crawl("hertfordshire", server.base_url, "full", settings, log_file=again, timeout=300)
            assert process.returncode == 0, again.read_text()[-3000:]
            withdrawn = [r for r in catalogue("hertfordshire") if r["withdrawn"]]
    first = {"log": log.read_text(), "rows": rows, "run": run, "cases": cases, "expected": expected, "records": records}
    return site, server.base_url, first, gone, withdrawn


def test_expired_links_lose_no_document(fault_crawl):
    _, _, first, *_ = fault_crawl
    rows, cases = first["rows"], first["cases"]
    documents = [d for r in rows for d in r["documents"]]
    assert len(documents) == sum(len(cases[r["case_ref"]].documents) for r in rows) > 0
    for row in rows:
        assert [(d["id"], d["sha256"]) for d in row["documents"]] == [
            (d.uid, hashlib.sha256(d.content).hexdigest()) for d in cases[row["case_ref"]].documents]
    refused = [r for r in first["records"] if r["type"] == "response" and "servlets.getImg" in r["uri"] and r["status"] == 403]
    assert len(refused) == len(documents)  # each first link had expired, and was asked for again
    assert "could not be fetched" not in first["log"]


def test_a_page_that_never_settles_is_logged_counted_and_skipped(fault_crawl):
    site, base, first, *_ = fault_crawl
    log, run = first["log"], first["run"]
    assert f"Page never settled, skipped: {view(base, site.hung_case)}" in log
    assert stat(log, "foicrawl/browser/timeouts") == 1 and run.status == "ok"
    assert {r["case_ref"] for r in first["rows"]} == first["expected"] - {site.hung_case}


def test_a_script_error_is_logged_and_the_case_still_read_from_its_answers(fault_crawl):
    site, base, first, *_ = fault_crawl
    assert f"Script error on {view(base, site.script_error_case)}: " in first["log"]
    row = next(r for r in first["rows"] if r["case_ref"] == site.script_error_case)
    assert row["title"] == site.dataset.get(site.script_error_case).title and row["responded_on"] is None


def test_a_case_taken_off_the_log_is_marked_withdrawn(fault_crawl):
    *_, gone, withdrawn = fault_crawl
    assert [(r["case_ref"], r["version"]) for r in withdrawn] == [(gone, 1)] and withdrawn[0]["withdrawn_on"]


def test_503s_are_asked_again_and_lose_nothing(fault_crawl):
    site, base, first, *_ = fault_crawl
    failed = {r["uri"] for r in first["records"] if r["type"] == "response" and r["status"] == 503}
    assert failed == {base + path for path in site.flaky_paths}
    details = next(p for p in site.flaky_paths if p.startswith("/getcasedetails"))
    assert f"Rendering {view(base, details.rsplit('=', 1)[1])} again: the case's details call answered 503" in first["log"]
    assert details.rsplit("=", 1)[1] in {r["case_ref"] for r in first["rows"]}
