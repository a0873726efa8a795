"""Benchmark: full crawls of the replica at a given size; prints a table of figures.

    .venv/bin/python bench/crawl_replica.py --size 1000 [--council hastings] [--throttled]

Each crawl is a real `scrapy crawl` process against a replica on 127.0.0.1, into a scratch archive.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from foicrawl.catalogue.session import session_factory
from foicrawl.cli.replica import start_replicas
from foicrawl.crawling.runs import find_run
from foicrawl.tables import human_bytes, print_table


def run_row(process, seconds: float, served: int) -> list:
    with session_factory()() as session:
        run = find_run(session, process.run_id)
    if run is None:
        return [process.council, "FAILED", served, f"{seconds:.1f}", "-", "-", "-"]
    return [run.council, run.releases_seen, run.requests, f"{seconds:.1f}", f"{run.requests / seconds:.0f}",
            run.warc_bytes, human_bytes(run.warc_bytes)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--council", action="append", choices=["hastings", "herefordshire"])
    parser.add_argument("--throttled", action="store_true", help="keep the live-site manners (AutoThrottle)")
    args = parser.parse_args()
    councils = args.council or ["hastings", "herefordshire"]
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-bench-"))
    os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch)
    os.environ.pop("FOICRAWL_DATABASE_URL", None)

    from foicrawl.crawling.process import UNTHROTTLED, run_crawl

    rows = []
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, seed=1, ports={})
        for slug in councils:
            started = time.monotonic()
            process = run_crawl(slug, servers[slug].base_url, settings={} if args.throttled else UNTHROTTLED,
                                log_file=scratch / "logs" / f"{slug}.log")  # fmt: skip
            rows.append(run_row(process, time.monotonic() - started, servers[slug].site.requests_served))
    print(f"Full crawls of the replica, {args.size} releases a council ({'throttled' if args.throttled else 'unthrottled'})")
    print_table(rows, ["council", "releases", "requests", "seconds", "pages/s", "WARC bytes", "WARC size"])
    print(f"Scratch archive: {scratch}")


if __name__ == "__main__":
    main()
