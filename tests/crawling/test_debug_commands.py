"""Scrapy's own debugging commands look at pages without leaving anything in the evidence: no WARC
file (open or closed), no run record, nothing for `health` to count. Only a council crawl archives."""

from __future__ import annotations

import subprocess
import sys

from foicrawl.cli import main
from foicrawl.crawling.process import crawl_environment
from foicrawl.parsers import hastings

from helpers import runs


def scrapy(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", "LOG_LEVEL=INFO"], capture_output=True, text=True,
                          timeout=120, check=False, env=crawl_environment(), cwd=cwd)  # fmt: skip


def test_shell_fetch_and_parse_write_no_warc_and_record_no_run(replica, crawl, archive, tmp_path, capsys):
    server = replica("hastings", size=12)
    crawl("hastings", server.base_url)
    warcs = sorted(p.name for p in (archive / "warc").iterdir())
    release = server.site.dataset.listed()[0]
    url = f"{server.base_url}{hastings.LOG_PATH}date/?id={release.uid}"

    fetched = scrapy("fetch", "--nolog", url, cwd=tmp_path)
    assert fetched.returncode == 0 and release.title.split()[0] in fetched.stdout, fetched.stderr[-2000:]
    shell = scrapy("shell", url, "-c", "(response.status, len(response.body) > 500)", cwd=tmp_path)
    assert (shell.returncode, shell.stdout.strip()) == (0, "(200, True)"), shell.stderr[-2000:]
    parsed = scrapy("parse", "--spider=hastings", "-c", "parse_release", "-a", f"base_url={server.base_url}", url,
                    cwd=tmp_path)  # fmt: skip
    assert parsed.returncode == 0 and release.case_ref in parsed.stdout, parsed.stderr[-2000:]

    assert sorted(p.name for p in (archive / "warc").iterdir()) == warcs, "no new WARC file, open or closed"
    assert not list(archive.glob("**/*default*")), "nothing named after Scrapy's default spider"
    assert [(r.mode, r.status, r.listing_problems) for r in runs("hastings")] == [("full", "ok", [])], "only the crawl's run"
    assert main(["health", "--council", "hastings"]) == 0
    assert " ".join(capsys.readouterr().out.split()).count("hastings OK") == 1
