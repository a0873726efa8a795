"""Catalogue writes in batches: a clean stop (SIGTERM, Ctrl-C) stores every release the crawl
archived; a kill -9 loses at most the open batch, which `reindex` and the next crawl restore."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from foicrawl.cli import main
from foicrawl.crawling.process import crawl_command, crawl_environment
from foicrawl.provenance.extract import is_release_url

from conftest import FAST
from helpers import catalogue, warc_records

# One batch for the whole crawl unless it closes: nothing reaches the catalogue before the stop.
ONE_BIG_BATCH = {"FOICRAWL_CATALOGUE_BATCH_SIZE": "100000", "FOICRAWL_CATALOGUE_BATCH_SECONDS": "3600"}
SLOW = {**FAST, **ONE_BIG_BATCH, "DOWNLOAD_DELAY": "0.02", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


def archived_release_urls(archive) -> set[str]:
    """The release pages in the WARC files (complete or still open)."""
    records = warc_records(archive, include_open=True)
    return {r["uri"] for r in records
            if r["type"] == "response" and r["status"] == 200 and is_release_url("hastings", r["uri"])}  # fmt: skip


def crawl_until_some_pages(server, archive) -> subprocess.Popen:
    archive.mkdir(parents=True, exist_ok=True)
    log = open(archive / "crawl.log", "wb")
    process = subprocess.Popen(crawl_command("hastings", server.base_url, settings=SLOW), env=crawl_environment(),
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(archived_release_urls(archive)) < 15:
        time.sleep(0.2)
    return process


def test_a_clean_stop_stores_every_release_it_archived(replica, archive):
    server = replica("hastings", size=150)
    process = crawl_until_some_pages(server, archive)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 0
    stored = {r["url"] for r in catalogue("hastings")}
    archived = archived_release_urls(archive)
    assert 15 <= len(stored) < 150, "stopped halfway"
    assert stored == archived
    assert main(["verify"]) == 0


def test_a_kill_loses_only_the_open_batch_and_reindex_restores_it(replica, archive, crawl, capsys):
    server = replica("hastings", size=150)
    process = crawl_until_some_pages(server, archive)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert catalogue("hastings") == [], "the open batch was never committed"
    archived = archived_release_urls(archive)
    assert len(archived) >= 15

    capsys.readouterr()
    assert main(["reindex"]) == 0  # recovers the killed crawl's open WARC file, then rebuilds
    assert f"{len(archived)} releases" in capsys.readouterr().out
    assert {r["url"] for r in catalogue("hastings")} == archived
    assert main(["verify"]) == 0

    crawl("hastings", server.base_url)
    assert len(catalogue("hastings")) == 150
    assert main(["verify"]) == 0
