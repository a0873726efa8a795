"""One crawl of a council at a time, and what a crawl killed by hand leaves behind is settled by
the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from foicrawl.cli import main
from foicrawl.crawling.process import crawl_command, crawl_environment, run_crawl
from foicrawl.spiders.base import ALREADY_RUNNING

from conftest import FAST
from helpers import catalogue, runs, warc_files

ROOT = Path(__file__).resolve().parents[2]
SLOW = {**FAST, "DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


def start_slow_crawl(server, archive) -> subprocess.Popen:
    command = crawl_command("hastings", server.base_url, settings=SLOW)
    archive.mkdir(parents=True, exist_ok=True)
    log = open(archive / "slow.log", "wb")
    process = subprocess.Popen(command, env=crawl_environment(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(catalogue("hastings")) < 20:  # let it store some releases
        time.sleep(0.3)
    return process


def test_a_second_crawl_of_the_same_council_does_not_start(replica, archive, tmp_path):
    server = replica("hastings", size=200)
    first = start_slow_crawl(server, archive)
    try:
        overrides = tmp_path / "councils.toml"
        overrides.write_text(f'[hastings]\nbase_url = "{server.base_url}"\n')
        scheduled = subprocess.run([sys.executable, "scheduler.py", "--councils", str(overrides), "--once", "hastings"],
                                   cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert scheduled.returncode == 1 and "hastings: skipped (already running)" in scheduled.stdout
        second = subprocess.run(crawl_command("hastings", server.base_url, settings=FAST), env=crawl_environment(),
                                capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert second.returncode == ALREADY_RUNNING
        assert f"foicrawl: another crawl of hastings is running (pid {first.pid}); not starting another." in second.stderr
        assert len(runs("hastings")) == 1
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=120)
    assert runs("hastings")[0].status == "interrupted"


def test_the_next_crawl_settles_a_crawl_that_was_killed(replica, archive, capsys):
    server = replica("hastings", size=200)
    killed = start_slow_crawl(server, archive)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    assert [r.status for r in runs("hastings")] == ["running"]
    assert list((archive / "warc").glob("*.open")), "the killed crawl's file never got its final name"

    run_crawl("hastings", server.base_url, settings=FAST, log_file=archive / "next.log")
    dead, after = runs("hastings")
    assert (dead.status, dead.finish_reason) == ("failed", "the crawl process ended without closing (killed, or the machine stopped)")
    assert dead.warc_files and (archive / "warc" / dead.warc_files[0]).exists()
    assert not list((archive / "warc").glob("*.open"))
    assert after.status == "ok" and len(catalogue("hastings")) == 200
    assert len(warc_files(archive)) == 2
    assert main(["verify"]) == 0, "releases stored by the killed crawl point at its recovered file"
