"""`foicrawl runs` and `foicrawl health`: the crawl history and each council's state."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, time

from sqlalchemy import select

from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.read_only import read_only_sessions
from foicrawl.cli.arguments import add_council_option, iso_date
from foicrawl.councils import register
from foicrawl.nightly.health import council_health
from foicrawl.tables import human_bytes, print_table


def cmd_runs(args) -> int:
    with read_only_sessions()() as session:
        query = select(CrawlRun).order_by(CrawlRun.started_at.desc()).limit(args.limit)
        if args.council:
            query = query.where(CrawlRun.council == args.council)
        if args.since:
            query = query.where(CrawlRun.started_at >= datetime.combine(args.since, time(), UTC))
        runs = list(session.scalars(query))
    rows = []
    for run in runs:
        seconds = f"{(run.finished_at - run.started_at).total_seconds():.0f}" if run.finished_at else "-"
        rows.append([f"{run.started_at:%Y-%m-%d %H:%M:%S}", run.council, run.mode, run.status, seconds, run.requests,
                     run.releases_new, run.releases_changed, run.releases_unchanged, run.releases_withdrawn,
                     run.items_dropped, run.errors, run.failed_pages or 0, run.ref_conflicts or 0, len(run.warc_files),
                     human_bytes(run.warc_bytes)])  # fmt: skip
    if not rows:
        print("No crawl has run yet" + (f" for {args.council}" if args.council else "")
              + (f" since {args.since}" if args.since else "") + ".")  # fmt: skip
        return 0
    print_table(rows, ["started (UTC)", "council", "mode", "status", "seconds", "requests", "new", "changed",
                       "unchanged", "withdrawn", "dropped", "errors", "failed", "conflicts", "WARCs", "WARC size"])  # fmt: skip
    return 0


def cmd_health(args) -> int:
    with read_only_sessions()() as session:
        verdicts = council_health(session, [args.council] if args.council else sorted(register()))
    rows = [[h.council, h.state.upper(), h.reason] for h in verdicts]
    print_table(rows, ["council", "state", "why"])
    failing = [h.council for h in verdicts if h.state == "failing"]
    if failing:
        print(f"\nFailing: {', '.join(failing)}", file=sys.stderr)
    return 1 if failing else 0


def add_commands(commands) -> None:
    runs = commands.add_parser("runs", help="crawl history, newest first")
    add_council_option(runs)
    runs.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="only runs started on or after this day (UTC)")
    runs.add_argument("--limit", type=int, default=30, help="at most this many runs (default 30)")
    runs.set_defaults(func=cmd_runs)

    health = commands.add_parser("health", help="each council's state; exits 1 when any is failing")
    add_council_option(health)
    health.set_defaults(func=cmd_health)
