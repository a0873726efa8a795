"""`foicrawl export` and `foicrawl stats`: what the catalogue holds."""

from __future__ import annotations

import sys
from contextlib import ExitStack

from sqlalchemy import select

from foicrawl import config
from foicrawl.catalogue import export
from foicrawl.catalogue.models import CrawlRun, Release
from foicrawl.catalogue.read_only import read_only_sessions, shown_url
from foicrawl.catalogue.releases import counts, export_rows
from foicrawl.catalogue.timeliness import timeliness
from foicrawl.cli.arguments import add_council_option, output_file
from foicrawl.councils import register
from foicrawl.provenance.wacz import write_wacz
from foicrawl.tables import human_bytes, print_table


def cmd_export(args) -> int:
    sessions = read_only_sessions()
    if args.format == "wacz":
        if not args.output:
            print("foicrawl export --format wacz needs -o FILE.wacz", file=sys.stderr)
            return 2
        with sessions() as session:
            pages = write_wacz(session, config.warc_dir(), args.output, args.council)
        print(f"Wrote {args.output} ({pages} pages, {human_bytes(args.output.stat().st_size)})", file=sys.stderr)
        return 0
    with sessions() as session, ExitStack() as stack:
        out = stack.enter_context(open(args.output, "w", encoding="utf-8", newline="")) if args.output else sys.stdout
        count = export.write(export_rows(session, args.council, args.all_versions), out, args.format)
    if args.output:
        print(f"Wrote {count} {'versions' if args.all_versions else 'releases'} to {args.output}", file=sys.stderr)
    return 0


def cmd_stats(args) -> int:
    sessions = read_only_sessions()
    rows = []
    with sessions() as session:
        councils = sorted(set(register()) | set(session.scalars(select(Release.council).distinct())))
        for slug in [args.council] if args.council else councils:
            held = counts(session, slug)
            last = session.scalar(select(CrawlRun).where(CrawlRun.council == slug)
                                  .order_by(CrawlRun.started_at.desc()).limit(1))  # fmt: skip
            last_run = f"{last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else "never"
            rows.append([slug, held["releases"], held["versions"], held["withdrawn"], *timeliness(session, slug).describe(), last_run])
    print_table(rows, ["council", "releases", "versions", "withdrawn", "median working days", "late (over 20)", "last run (UTC)"])
    warcs = sorted(config.warc_dir().glob("*.warc.gz")) if config.warc_dir().exists() else []
    print()
    print(f"Catalogue: {shown_url(config.database_url())}")
    print(f"WARC files: {len(warcs)} in {config.warc_dir()} ({human_bytes(sum(p.stat().st_size for p in warcs))})")
    return 0


def add_commands(commands) -> None:
    exp = commands.add_parser("export", help="write the catalogue as JSON Lines, CSV or WACZ")
    exp.add_argument("--format", choices=[*export.FORMATS, "wacz"], default="jsonl")
    add_council_option(exp)
    exp.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    exp.add_argument("-o", "--output", type=output_file, help="file to write (default: standard output)")
    exp.set_defaults(func=cmd_export)

    stats = commands.add_parser("stats", help="what the catalogue and archive hold")
    add_council_option(stats)
    stats.set_defaults(func=cmd_stats)
