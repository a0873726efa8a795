"""`foicrawl export` and `foicrawl stats`: what the catalogue holds."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select

from foicrawl import config
from foicrawl.catalogue import export
from foicrawl.catalogue.models import CrawlRun, Release
from foicrawl.catalogue.releases import counts, export_rows
from foicrawl.catalogue.session import session_factory
from foicrawl.catalogue.timeliness import timeliness
from foicrawl.councils import register
from foicrawl.provenance.wacz import write_wacz
from foicrawl.tables import human_bytes, print_table


def cmd_export(args) -> int:
    sessions = session_factory()
    if args.format == "wacz":
        if not args.output:
            print("foicrawl export --format wacz needs -o FILE.wacz", file=sys.stderr)
            return 2
        with sessions() as session:
            try:
                pages = write_wacz(session, config.warc_dir(), args.output, args.council)
            except RuntimeError as error:
                print(f"foicrawl export: {error}", file=sys.stderr)
                return 1
        print(f"Wrote {args.output} ({pages} pages, {human_bytes(args.output.stat().st_size)})", file=sys.stderr)
        return 0
    with sessions() as session, ExitStack() as stack:
        out = stack.enter_context(open(args.output, "w", encoding="utf-8", newline="")) if args.output else sys.stdout
        count = export.write(export_rows(session, args.council, args.all_versions), out, args.format)
    if args.output:
        print(f"Wrote {count} {'versions' if args.all_versions else 'releases'} to {args.output}", file=sys.stderr)
    return 0


def cmd_stats(args) -> int:
    sessions = session_factory()
    rows = []
    with sessions() as session:
        for slug in sorted(set(register()) | set(session.scalars(select(Release.council).distinct()))):
            held = counts(session, slug)
            last = session.scalar(select(CrawlRun).where(CrawlRun.council == slug)
                                  .order_by(CrawlRun.started_at.desc()).limit(1))  # fmt: skip
            last_run = f"{last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else "never"
            rows.append([slug, held["releases"], held["versions"], held["withdrawn"], *timeliness(session, slug).describe(), last_run])
    print_table(rows, ["council", "releases", "versions", "withdrawn", "median working days", "late (over 20)", "last run (UTC)"])
    warcs = sorted(config.warc_dir().glob("*.warc.gz")) if config.warc_dir().exists() else []
    print()
    print(f"Catalogue: {config.database_url()}")
    print(f"WARC files: {len(warcs)} in {config.warc_dir()} ({human_bytes(sum(p.stat().st_size for p in warcs))})")
    return 0


def add_commands(commands) -> None:
    exp = commands.add_parser("export", help="write the catalogue as JSON Lines or CSV")
    exp.add_argument("--format", choices=[*export.FORMATS, "wacz"], default="jsonl")
    exp.add_argument("--council")
    exp.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    exp.set_defaults(func=cmd_export)

    stats = commands.add_parser("stats", help="what the catalogue and archive hold")
    stats.set_defaults(func=cmd_stats)
