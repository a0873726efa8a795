"""Benchmark: what a nightly incremental crawl costs against a full sweep.

    .venv/bin/python bench/nightly.py --size 2000 --new 10

For each council: a full crawl of N releases; then k new releases and one old one edited; an
incremental (nightly) run; then a full sweep. Prints requests, seconds and WARC bytes of each, and
how many records the sweep stored as revisits.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from foicrawl.catalogue.session import session_factory
from foicrawl.cli.replica import start_replicas
from foicrawl.crawling.process import UNTHROTTLED, run_crawl
from foicrawl.crawling.runs import find_run
from foicrawl.tables import human_bytes, print_table


def record_types(archive: Path, files: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in files:
        with open(archive / "warc" / name, "rb") as stream:
            for record in ArchiveIterator(stream):
                counts[record.rec_type] = counts.get(record.rec_type, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--new", type=int, default=10)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-nightly-"))
    os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch)
    os.environ.pop("FOICRAWL_DATABASE_URL", None)
    rows = []
    with ExitStack() as stack:
        servers = start_replicas(stack, ["hastings", "herefordshire"], args.size, seed=1, ports={})
        for slug, server in servers.items():
            for step in ("full", "incremental", "full sweep"):
                if step == "incremental":
                    server.site.dataset.publish(args.new)
                    server.site.dataset.edit(server.site.dataset.listed()[args.size // 2].case_ref)
                started = time.monotonic()
                process = run_crawl(slug, server.base_url, step.split()[0], UNTHROTTLED, scratch / "logs" / f"{slug}-{step}.log")
                seconds = time.monotonic() - started
                with session_factory()() as session:
                    run = find_run(session, process.run_id)
                types = record_types(scratch, run.warc_files)
                rows.append([slug, step, run.requests, f"{seconds:.1f}", run.releases_new, run.releases_changed,
                             run.releases_unchanged, types.get("response", 0), types.get("revisit", 0),
                             run.warc_bytes, human_bytes(run.warc_bytes)])  # fmt: skip
    print(f"{args.size} releases a council; {args.new} new and 1 edited before the nightly run")
    print_table(rows, ["council", "run", "requests", "seconds", "new", "changed", "unchanged", "responses",
                       "revisits", "WARC bytes", "WARC size"])  # fmt: skip


if __name__ == "__main__":
    main()
