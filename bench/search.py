"""Benchmark: full-text search latency on a large catalogue (a figure, not a test).

    .venv/bin/python bench/search.py [--releases 20000] [--database-url URL] [--repeat 20]

Builds a scratch catalogue of replica releases (half Hastings, half Herefordshire: each page
rendered and read by the real parser, stored as a crawl stores it, then indexed), then times a set
of searches, with and without filters. Default: SQLite (FTS5) in a scratch directory;
--database-url points at an empty PostgreSQL database instead. Target: under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

QUERIES = [
    ("performance management handbook", {}),
    ("street lighting energy", {}),
    ('"council tax reduction"', {}),
    ("contract renewal", {"council": "herefordshire"}),
    ("commercial interests", {"exemption": "s43"}),
    ("cctv OR cameras", {"since": date(2023, 1, 1)}),
    ("licen*", {}),
]


def build(releases: int) -> float:
    from foicrawl.catalogue.releases import record_release
    from foicrawl.catalogue.search import rebuild_index
    from foicrawl.catalogue.session import session_factory
    from foicrawl.parsers import disclosurelog, hastings
    from foicrawl.pipelines.normalise import normalise
    from foicrawl.replica import pages_hastings, pages_herefordshire
    from foicrawl.replica.dataset import generate

    started = time.monotonic()
    sessions = session_factory()
    seen = datetime(2026, 1, 1, tzinfo=UTC)
    for council, count in (("hastings", releases // 2), ("herefordshire", releases - releases // 2)):
        dataset = generate(council, size=count)
        with sessions.begin() as session:
            for n, release in enumerate(dataset.listed()):
                if council == "hastings":
                    url = f"https://www.hastings.gov.uk/my-council/freedom-of-information/date/?id={release.case_ref}"
                    item = hastings.parse_release(pages_hastings.release_page(release), url)
                else:
                    url = f"https://herefordshire.disclosurelog.co.uk/disclosures/{release.uid}"
                    item = disclosurelog.parse_release(pages_herefordshire.release_page(release), url, council)
                normalise(item)
                item.capture = {"warc_file": "bench.warc.gz", "warc_offset": n, "warc_record_id": f"<urn:uuid:bench-{n}>",
                                "fetched_at": seen.isoformat()}  # fmt: skip
                record_release(session, item.to_dict(), seen)
    with sessions.begin() as session:
        rebuild_index(session)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, default=20000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a scratch directory)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-bench-search-"))
    os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch)
    if args.database_url:
        os.environ["FOICRAWL_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("FOICRAWL_DATABASE_URL", None)

    from foicrawl.catalogue.releases import counts
    from foicrawl.catalogue.search import search
    from foicrawl.catalogue.session import session_factory
    from foicrawl.tables import print_table

    seconds = build(args.releases)
    rows = []
    with session_factory()() as session:
        held = counts(session)["releases"]
        for query, filters in QUERIES:
            search(session, query, **filters)  # warm the page cache
            timings, hits = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                hits = len(search(session, query, limit=20, **filters))
                timings.append((time.perf_counter() - started) * 1000)
            shown = " ".join(f"--{k} {v}" for k, v in filters.items())
            rows.append([f"{query} {shown}".strip(), hits, f"{statistics.median(timings):.1f}", f"{max(timings):.1f}"])
    backend = "PostgreSQL" if args.database_url else "SQLite FTS5"
    print(f"Search on {held} releases ({backend}; built and indexed in {seconds:.0f}s), {args.repeat} runs a query, 20 hits at most")
    print_table(rows, ["query", "hits", "median ms", "max ms"])
    print(f"Scratch: {scratch}")


if __name__ == "__main__":
    main()
