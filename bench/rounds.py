"""Benchmark: round-robin grouping and question alignment on the replica, against its truth.

    .venv/bin/python bench/rounds.py --size 2000 [--seed 1]

Both councils' replicas are crawled for real (`scrapy crawl`, unthrottled) into a scratch archive;
then the groups the catalogue yields are scored pairwise against the planted round robins (the
background releases, on other topics but in the same stock phrasing, are the negatives), and each
group's comparison table is scored answer by answer. Target: no false merge, every group found.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="releases a council (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-bench-rounds-"))
    os.environ["FOICRAWL_ARCHIVE_DIR"] = str(scratch)
    os.environ.pop("FOICRAWL_DATABASE_URL", None)

    from sqlalchemy import select

    from foicrawl.catalogue.models import Release
    from foicrawl.catalogue.releases import counts
    from foicrawl.catalogue.session import session_factory
    from foicrawl.cli.replica import start_replicas
    from foicrawl.crawling.process import UNTHROTTLED, run_crawl
    from foicrawl.replica import roundrobins
    from foicrawl.rounds.evaluation import alignment_scores, grouping_scores
    from foicrawl.rounds.groups import find_groups
    from foicrawl.rounds.table import build_comparison
    from foicrawl.tables import print_table

    councils = ["hastings", "herefordshire"]
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, seed=args.seed, ports={})
        for slug in councils:
            process = run_crawl(slug, servers[slug].base_url, settings=UNTHROTTLED, log_file=scratch / "logs" / f"{slug}.log")
            if process.returncode != 0:
                raise SystemExit(f"the {slug} crawl failed: see {scratch / 'logs'}")
    sessions = session_factory()
    with sessions() as session:
        held_count = counts(session)["releases"]
        started = time.monotonic()
        groups = find_groups(session)
        grouping_seconds = time.monotonic() - started
        started = time.monotonic()
        tables = [build_comparison(session, g) for g in groups]
        table_seconds = time.monotonic() - started
        held = {tuple(row) for row in session.execute(select(Release.council, Release.case_ref))}
    truth = roundrobins.true_groups(held)
    predicted = [{(m.council, m.case_ref) for m in g.members} for g in groups]
    grouping = grouping_scores(predicted, list(truth.values()))
    alignment = alignment_scores(tables, roundrobins.expected_answers())
    print(f"Round robins on the replica: {held_count} releases ({args.size} a council), {len(truth)} planted groups,"
          f" {len(groups)} found; grouping {grouping_seconds:.1f}s, {len(tables)} tables {table_seconds:.1f}s")
    print_table([
        ["grouping (pairs of releases)", f"{grouping.precision:.2f}", f"{grouping.recall:.2f}", grouping.false, grouping.missed],
        ["question alignment (answers)", f"{alignment.precision:.2f}", f"{alignment.recall:.2f}", alignment.false, alignment.missed],
    ], ["", "precision", "recall", "false", "missed"])  # fmt: skip
    print(f"Scratch archive: {scratch}")


if __name__ == "__main__":
    main()
