"""Benchmark: a full crawl of the iCasework portal replica through the browser.

    .venv/bin/python bench/portal.py --size 500 [--pages 4] [--no-screenshots] [--compare]

A real `scrapy crawl hertfordshire` against the replica on 127.0.0.1 (unthrottled), into a scratch
archive. The crawl process and everything it starts (Playwright's driver, Chromium's processes) are
sampled every 0.2 s: peak RSS of them all together (a sum, which counts memory Chromium's processes
share more than once) and peak PSS (shared pages counted once). `--compare` adds a crawl of the same
number of Herefordshire releases, which needs no browser.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from contextlib import ExitStack, suppress
from pathlib import Path

import psutil

from foicrawl.catalogue.session import session_factory
from foicrawl.cli.replica import start_replicas
from foicrawl.crawling.process import UNTHROTTLED, start_crawl
from foicrawl.crawling.runs import find_run
from foicrawl.tables import human_bytes, print_table


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants, in bytes."""
    rss = pss = 0
    for process in [root, *root.children(recursive=True)]:
        with suppress(psutil.Error):
            info = process.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
    return rss, pss


def crawl(council: str, base_url: str, settings: dict, log: Path) -> dict:
    started = time.monotonic()
    process, run_id = start_crawl(council, base_url, "full", settings, log)
    root = psutil.Process(process.pid)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        with suppress(psutil.Error):
            rss, pss = tree_memory(root)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.2)
    seconds = time.monotonic() - started
    with session_factory()() as session:
        run = find_run(session, run_id)
    text = log.read_text(encoding="utf-8", errors="replace")
    pages = re.search(r"'playwright/page_count': (\d+)", text)
    browser_requests = re.search(r"'playwright/request_count': (\d+)", text)
    return {"council": council, "releases": run.releases_new if run else "FAILED", "pages": int(pages[1]) if pages else run.requests,
            "browser requests": int(browser_requests[1]) if browser_requests else 0, "seconds": seconds,
            "peak RSS": peak_rss, "peak PSS": peak_pss, "WARC": run.warc_bytes if run else 0, "status": run.status if run else "-"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--pages", type=int, default=4, help="browser pages at once (FOICRAWL_BROWSER_MAX_PAGES)")
    parser.add_argument("--no-screenshots", action="store_true")
    parser.add_argument("--compare", action="store_true", help="also crawl as many Herefordshire releases (no browser)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-portal-bench-"))
    os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch)
    os.environ.pop("FOICRAWL_DATABASE_URL", None)
    settings = {**UNTHROTTLED, "FOICRAWL_BROWSER_MAX_PAGES": str(args.pages),
                "FOICRAWL_BROWSER_SCREENSHOTS": str(not args.no_screenshots)}  # fmt: skip
    councils = ["hertfordshire", *(["herefordshire"] if args.compare else [])]
    results = []
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, seed=1, ports={})
        for council in councils:
            results.append(crawl(council, servers[council].base_url, settings, scratch / "logs" / f"{council}.log"))
    rows = [[r["council"], r["releases"], r["pages"], r["browser requests"], f"{r['seconds']:.1f}",
             f"{r['pages'] / r['seconds']:.1f}", human_bytes(r["peak RSS"]), human_bytes(r["peak PSS"]), human_bytes(r["WARC"]),
             r["status"]] for r in results]  # fmt: skip
    print(f"Full crawls of {args.size} releases, unthrottled, {args.pages} browser pages at once, "
          f"screenshots {'off' if args.no_screenshots else 'on'}")  # fmt: skip
    print_table(rows, ["council", "releases", "pages", "browser requests", "seconds", "pages/s",
                       "peak RSS (crawl+browser)", "peak PSS", "WARC size", "run"])  # fmt: skip
    print(f"Scratch archive: {scratch}")


if __name__ == "__main__":
    main()
