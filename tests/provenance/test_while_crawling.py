"""`reindex` and `verify` while a crawl is running: reindex refuses rather than deleting what the
crawl stores; verify skips the file the crawl is still writing instead of failing on it."""

from __future__ import annotations

import signal
import subprocess
import time

from foicrawl.cli import main
from foicrawl.crawling.process import crawl_command, crawl_environment

from conftest import FAST
from helpers import catalogue, runs

SLOW = {**FAST, "DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


def test_reindex_and_verify_while_a_crawl_is_running(replica, archive, capsys):
    server = replica("hastings", size=100)
    archive.mkdir(parents=True, exist_ok=True)
    with open(archive / "slow.log", "wb") as log:
        crawl = subprocess.Popen(crawl_command("hastings", server.base_url, settings=SLOW), env=crawl_environment(),
                                 stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(catalogue("hastings")) < 10:
            time.sleep(0.2)
        assert list((archive / "warc").glob("*.warc.gz.open")), "the crawl is still writing its file"

        assert main(["verify"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert not [line for line in out if line.startswith(("MISSING", "MISMATCH"))]
        assert "skipped (in files a running crawl is still writing)" in out[-1]

        held = len(catalogue("hastings"))
        assert main(["reindex"]) == 1
        err = capsys.readouterr().err
        assert f"another crawl of hastings is running (pid {crawl.pid})" in err and "nothing was changed" in err
        assert len(catalogue("hastings")) >= held, "nothing the crawl stored was deleted"
        assert crawl.wait(timeout=120) == 0
    finally:
        if crawl.poll() is None:
            crawl.send_signal(signal.SIGTERM)
            crawl.wait(timeout=60)
    assert runs("hastings")[-1].status == "ok" and len(catalogue("hastings")) == 100
    assert main(["reindex"]) == 0
    assert len(catalogue("hastings")) == 100
    assert main(["verify"]) == 0
