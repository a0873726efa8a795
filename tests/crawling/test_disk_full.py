"""A WARC disk that fills up mid-crawl (a real one: a small tmpfs mounted over the archive's warc/
folder): the crawl stops cleanly, says the disk is full, stores no release without its record and
leaves no file open; once there is room, the next crawl completes and verify passes."""

from __future__ import annotations

import subprocess

import pytest

from foicrawl.cli import main
from foicrawl.crawling.process import run_crawl

from conftest import FAST
from helpers import catalogue, runs, warc_files


@pytest.fixture
def small_disk(archive):
    """archive/warc on a tmpfs of 40 KiB (root only; skipped where mounting is not allowed)."""
    warc = archive / "warc"
    warc.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40k", "tmpfs", str(warc)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield warc
    finally:
        subprocess.run(["umount", str(warc)], check=True)


def test_a_full_disk_stops_the_crawl_and_the_next_crawl_completes(replica, archive, small_disk):
    server = replica("hastings", size=60)
    first = run_crawl("hastings", server.base_url, settings=FAST, log_file=archive / "full.log", timeout=300)
    log = (archive / "full.log").read_text()
    assert "No space left on device (the disk is full)" in log and "Stopping the crawl" in log
    assert not list(small_disk.glob("*.open")), "the file was cut back to its whole records and closed"
    [run] = runs("hastings")
    assert (run.status, run.finish_reason) == ("failed", "warc_write_failed")
    stored = catalogue("hastings")
    assert 0 < len(stored) < 60
    assert main(["verify"]) == 0, "every release stored has its evidence"
    assert first.returncode is not None

    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)  # space comes back
    run_crawl("hastings", server.base_url, settings=FAST, log_file=archive / "next.log", timeout=300)
    assert runs("hastings")[-1].status == "ok"
    assert {r["case_ref"] for r in catalogue("hastings")} == server.site.dataset.expected_refs()
    assert main(["verify"]) == 0
    assert len(warc_files(archive)) == 2
