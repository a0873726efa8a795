"""Benchmark: full crawls of the replica with evidence: documents, cited pages (council and ModernGov
sites), page requisites. Prints pages/s, documents/s, bytes and the crawl process's peak RSS.

    .venv/bin/python bench/evidence.py --size 1000 [--council herefordshire] [--cap 1000000]

Each crawl is a real `scrapy crawl` process (measured inside it by bench/measure.py) against the
replica and its ModernGov site on 127.0.0.1, into a scratch archive. "pages" are listing and release
pages; "documents" every document fetched whole or cut at the cap (listed, and papers on cited
ModernGov pages); "cited" the pages cited and found on cited pages, and web-service answers.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import func, select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--council", action="append", choices=["hastings", "herefordshire"])
    parser.add_argument("--cap", type=int, default=1_000_000, help="FOICRAWL_DOCUMENT_MAX_SIZE (bytes)")
    parser.add_argument("--without", action="store_true", help="also crawl without evidence, for comparison")
    args = parser.parse_args()
    councils = args.council or ["hastings", "herefordshire"]
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-bench-evidence-"))
    os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch)
    os.environ.pop("FOICRAWL_DATABASE_URL", None)
    sys_path = str(Path(__file__).resolve().parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [sys_path, os.environ.get("PYTHONPATH")]))

    from foicrawl import settings as foicrawl_settings
    from foicrawl.catalogue.models import Evidence
    from foicrawl.catalogue.session import session_factory
    from foicrawl.cli.replica import start_moderngov, start_replicas
    from foicrawl.crawling.process import UNTHROTTLED, run_crawl
    from foicrawl.crawling.runs import find_run
    from foicrawl.tables import human_bytes, print_table

    rows = []
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, seed=1, ports={})
        moderngov = start_moderngov(stack, servers, {})
        runs = [(slug, True) for slug in councils] + ([(slug, False) for slug in councils] if args.without else [])
        for slug, evidence in runs:
            if not evidence:  # a fresh catalogue, so the second crawl is not an unchanged re-crawl
                os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch / "without")
            measure = scratch / f"{slug}-{evidence}.measure.json"
            os.environ["BENCH_MEASURE_FILE"] = str(measure)
            settings = {**UNTHROTTLED, "FOICRAWL_DOCUMENT_MAX_SIZE": str(args.cap),
                        "FOICRAWL_FETCH_EVIDENCE": str(evidence), "FOICRAWL_FETCH_REQUISITES": str(evidence),
                        "EXTENSIONS": json.dumps({**foicrawl_settings.EXTENSIONS, "measure.Measure": 0})}
            process = run_crawl(slug, servers[slug].base_url, settings=settings, log_file=scratch / "logs" / f"{slug}.log",
                                spider_args={"moderngov_url": moderngov[slug].base_url})  # fmt: skip
            figures = json.loads(measure.read_text())
            with session_factory()() as session:
                run = find_run(session, process.run_id)
                of_council = select(func.count()).select_from(Evidence).where(Evidence.council == slug)
                documents = session.scalar(of_council.where(Evidence.kind == "document", Evidence.status == 200))
                document_bytes = session.scalar(select(func.sum(Evidence.stored_size)).where(
                    Evidence.council == slug, Evidence.kind == "document", Evidence.status == 200)) or 0
                cited = session.scalar(of_council.where(Evidence.kind != "document"))
            seconds = figures["seconds"]
            release_pages = run.releases_seen
            rows.append([slug if evidence else f"{slug} (no evidence)", release_pages, documents, cited, run.requests, f"{seconds:.1f}",
                         f"{run.requests / seconds:.0f}", f"{release_pages / seconds:.0f}", f"{documents / seconds:.0f}",
                         human_bytes(document_bytes), human_bytes(run.warc_bytes), f"{figures['peak_rss_mb']:.0f}"])  # fmt: skip
    print(f"Full crawls with evidence, {args.size} releases a council, documents capped at {human_bytes(args.cap)}")
    print_table(rows, ["council", "releases", "documents", "cited", "requests", "seconds", "requests/s", "releases/s",
                       "documents/s", "document bytes", "WARC size", "peak RSS MB"])  # fmt: skip
    print(f"Scratch archive: {scratch}")


if __name__ == "__main__":
    main()
