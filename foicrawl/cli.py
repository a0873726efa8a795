"""The `foicrawl` command: demo, replica, export, stats, verify, replay, reindex."""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select

from foicrawl import config, export
from foicrawl.councils import register
from foicrawl.crawl import UNTHROTTLED, run_crawl
from foicrawl.db.catalogue import counts, export_rows
from foicrawl.db.models import CrawlRun, Release
from foicrawl.db.session import session_factory
from foicrawl.health import council_health
from foicrawl.reindex import reindex
from foicrawl.replay import ReplayError, prepare_pywb, replay, serve
from foicrawl.replica.dataset import generate
from foicrawl.replica.server import FAULTS, SITES, build_site, serving
from foicrawl.runs import find_run
from foicrawl.verify import MISMATCH, MISSING, OK, verify_catalogue
from foicrawl.wacz import write_wacz
from foicrawl.warc.index import update_index


def human_bytes(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def _numeric(cell: str) -> bool:
    return cell.replace(".", "", 1).replace(" ", "").rstrip("KMGB").isdigit()


def print_table(rows: list[list], headers: list[str], out=None) -> None:
    out = out or sys.stdout
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) if _numeric(c) and n else c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


DEFAULT_PORTS = {"hastings": 8801, "herefordshire": 8802}


def start_replicas(stack: ExitStack, councils, size: int, seed: int, theme: str = "standard",
                   faults=(), ports: dict[str, int] | None = None, shift_every: int = 0):  # fmt: skip
    servers = {}
    for slug in councils:
        options = {"theme": theme, "faults": tuple(faults)}
        if slug == "herefordshire" and shift_every:
            options["shift_every"] = shift_every
        site = build_site(slug, generate(slug, size=size, seed=seed), **options)
        port = (DEFAULT_PORTS if ports is None else ports).get(slug, 0)
        try:
            servers[slug] = stack.enter_context(serving(site, port))
        except OSError:  # the usual port is taken: any free one will do
            servers[slug] = stack.enter_context(serving(site, 0))
    return servers


def cmd_demo(args) -> int:
    """Start the bundled replica of both councils, crawl both, say what was archived."""
    councils = list(SITES)
    logs = config.archive_dir() / "logs"
    print(f"Starting the local replica ({args.size} releases a council) ...")
    results = []
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, args.seed)
        for slug in councils:
            base_url = servers[slug].base_url
            print(f"Crawling {slug} from {base_url} (log: {logs / f'{slug}.log'}) ...", flush=True)
            started = time.monotonic()
            process = run_crawl(slug, base_url, settings=UNTHROTTLED, log_file=logs / f"{slug}.log")
            results.append((process, time.monotonic() - started))
    return print_run_summary(results)


def print_run_summary(results) -> int:
    sessions = session_factory()
    rows, failed = [], 0
    with sessions() as session:
        for process, seconds in results:
            run = find_run(session, process.run_id)
            if run is None or process.returncode != 0:
                failed += 1
                rows.append([process.council, "FAILED", "-", "-", "-", "-", "-", f"{seconds:.1f}", "-", "-"])
                continue
            rows.append([run.council, counts(session, run.council)["releases"], run.releases_new, run.releases_changed, run.releases_unchanged,
                         run.items_dropped, run.requests, f"{seconds:.1f}", len(run.warc_files),
                         human_bytes(run.warc_bytes)])  # fmt: skip
        held = counts(session)
    print()
    print_table(rows, ["council", "releases", "new", "changed", "unchanged", "dropped", "requests", "seconds",
                       "WARC files", "WARC size"])  # fmt: skip
    print()
    print(f"Catalogue: {config.database_url()} ({held['releases']} releases, {held['versions']} versions)")
    print(f"WARC files: {config.warc_dir()}")
    if failed:
        print(f"{failed} crawl(s) failed: see the logs in {config.archive_dir() / 'logs'}", file=sys.stderr)
    return 1 if failed else 0


def cmd_replica(args) -> int:
    councils = list(SITES) if args.council == "all" else [args.council]
    ports = {"hastings": args.hastings_port, "herefordshire": args.herefordshire_port}
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, args.seed, args.theme, args.fault, ports,
                                 args.shift_every)  # fmt: skip
        for slug, server in servers.items():
            refs = len(server.site.dataset.expected_refs())
            print(f"{slug}: {server.base_url}  ({refs} releases; scrapy crawl {slug} -a base_url={server.base_url})")
        print("Serving until interrupted (Ctrl-C).", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")
    return 0


def cmd_export(args) -> int:
    sessions = session_factory()
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
    sessions = session_factory()
    rows = []
    with sessions() as session:
        for slug in sorted(set(register()) | set(session.scalars(select(Release.council).distinct()))):
            held = counts(session, slug)
            last = session.scalar(select(CrawlRun).where(CrawlRun.council == slug)
                                  .order_by(CrawlRun.started_at.desc()).limit(1))  # fmt: skip
            last_run = f"{last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else "never"
            rows.append([slug, held["releases"], held["versions"], held["withdrawn"], last_run])
    print_table(rows, ["council", "releases", "versions", "withdrawn", "last run (UTC)"])
    warcs = sorted(config.warc_dir().glob("*.warc.gz")) if config.warc_dir().exists() else []
    print()
    print(f"Catalogue: {config.database_url()}")
    print(f"WARC files: {len(warcs)} in {config.warc_dir()} ({human_bytes(sum(p.stat().st_size for p in warcs))})")
    return 0


def cmd_verify(args) -> int:
    counts = {OK: 0, MISMATCH: 0, MISSING: 0}
    started = time.monotonic()
    with session_factory()() as session:
        for finding in verify_catalogue(session, config.warc_dir(), args.council):
            counts[finding.status] += 1
            if finding.status != OK:
                print(f"{finding.status.upper()}: {finding.council} {finding.case_ref} version {finding.version}: "
                      + "; ".join(finding.reasons))  # fmt: skip
    checked = sum(counts.values())
    print(f"{checked} versions checked in {time.monotonic() - started:.1f}s: {counts[OK]} OK, "
          f"{counts[MISMATCH]} mismatched, {counts[MISSING]} missing")  # fmt: skip
    if checked == 0:
        print("Nothing to verify: the catalogue holds no releases" + (f" for {args.council}" if args.council else ""))
    return 0 if counts[OK] == checked else 1


def cmd_replay(args) -> int:
    if args.serve:
        with session_factory()() as session:
            root = prepare_pywb(session, config.archive_dir(), config.warc_dir(), config.index_dir())
        print(f"Replaying the archive at http://127.0.0.1:{args.port}/ (releases listed there; Ctrl-C stops)", flush=True)
        return serve(root, args.port)
    if not args.case_ref:
        print("foicrawl replay needs a case reference, or --serve", file=sys.stderr)
        return 2
    try:
        with session_factory()() as session:
            replayed = replay(session, config.warc_dir(), args.case_ref, args.council, args.version)
    except ReplayError as error:
        print(f"foicrawl replay: {error}", file=sys.stderr)
        return 1
    width = max(len(label) for label, _ in replayed.provenance())
    for label, value in replayed.provenance():
        print(f"{label.ljust(width)}  {value}")
    body = replayed.record.decoded_payload()
    out = args.out or Path(f"{replayed.release.council}-{replayed.release.case_ref.replace('/', '-')}-v{replayed.version.version}.html")
    out.write_bytes(body)
    print(f"{'page'.ljust(width)}  {out} ({len(body)} bytes, as sent; content-encoding undone)")
    return 0 if not replayed.problems else 1


def cmd_reindex(args) -> int:
    started = time.monotonic()
    with session_factory().begin() as session:
        counts = reindex(session, config.warc_dir())
    indexed = update_index(config.warc_dir(), config.index_dir(), rebuild=True)
    print(f"Rebuilt the catalogue from {counts['files']} WARC files in {time.monotonic() - started:.1f}s: "
          f"{counts['new']} releases, {counts['changed']} later versions, {counts['unchanged']} unchanged "
          f"captures, {counts['dropped']} pages dropped; {len(indexed)} CDXJ indexes rewritten")  # fmt: skip
    return 0


def cmd_runs(args) -> int:
    with session_factory()() as session:
        query = select(CrawlRun).order_by(CrawlRun.started_at.desc()).limit(args.limit)
        if args.council:
            query = query.where(CrawlRun.council == args.council)
        runs = list(session.scalars(query))
    rows = []
    for run in runs:
        seconds = f"{(run.finished_at - run.started_at).total_seconds():.0f}" if run.finished_at else "-"
        rows.append([f"{run.started_at:%Y-%m-%d %H:%M:%S}", run.council, run.mode, run.status, seconds, run.requests,
                     run.releases_new, run.releases_changed, run.releases_unchanged, run.releases_withdrawn,
                     run.items_dropped, run.errors, len(run.warc_files), human_bytes(run.warc_bytes)])  # fmt: skip
    if not rows:
        print("No crawl has run yet" + (f" for {args.council}" if args.council else "") + ".")
        return 0
    print_table(rows, ["started (UTC)", "council", "mode", "status", "seconds", "requests", "new", "changed",
                       "unchanged", "withdrawn", "dropped", "errors", "WARCs", "WARC size"])  # fmt: skip
    return 0


def cmd_health(args) -> int:
    with session_factory()() as session:
        verdicts = council_health(session, sorted(register()))
    rows = [[h.council, h.state.upper(), h.reason] for h in verdicts]
    print_table(rows, ["council", "state", "why"])
    failing = [h.council for h in verdicts if h.state == "failing"]
    if failing:
        print(f"\nFailing: {', '.join(failing)}", file=sys.stderr)
    return 1 if failing else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foicrawl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="crawl the bundled replica of both councils and report")
    demo.add_argument("--size", type=int, default=300, help="releases a council in the replica (default 300)")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)

    replica = commands.add_parser("replica", help="serve the local replica sites until interrupted")
    replica.add_argument("--council", choices=["all", *SITES], default="all")
    replica.add_argument("--size", type=int, default=300)
    replica.add_argument("--seed", type=int, default=1)
    replica.add_argument("--theme", choices=["standard", "alternate", "broken"], default="standard",
                         help="markup of the pages; 'broken' is a redesign the parsers cannot read")  # fmt: skip
    replica.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS),
                         help="misbehave as real sites do; repeatable")  # fmt: skip
    replica.add_argument("--shift-every", type=int, default=0,
                         help="publish a Herefordshire release after every N listing pages")  # fmt: skip
    replica.add_argument("--hastings-port", type=int, default=8801)
    replica.add_argument("--herefordshire-port", type=int, default=8802)
    replica.set_defaults(func=cmd_replica)

    exp = commands.add_parser("export", help="write the catalogue as JSON Lines or CSV")
    exp.add_argument("--format", choices=[*export.FORMATS, "wacz"], default="jsonl")
    exp.add_argument("--council")
    exp.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    exp.set_defaults(func=cmd_export)

    stats = commands.add_parser("stats", help="what the catalogue and archive hold")
    stats.set_defaults(func=cmd_stats)

    verify = commands.add_parser("verify", help="check every catalogue version against its WARC record")
    verify.add_argument("--council")
    verify.set_defaults(func=cmd_verify)

    rep = commands.add_parser("replay", help="a release's provenance and page, from the archive alone")
    rep.add_argument("case_ref", nargs="?", help="the council's case reference, e.g. FOIR-395819655")
    rep.add_argument("--council")
    rep.add_argument("--version", type=int, help="which version (default: the latest)")
    rep.add_argument("--out", type=Path, help="where to write the page (default: <council>-<ref>-v<N>.html)")
    rep.add_argument("--serve", action="store_true", help="browse the archive with pywb on 127.0.0.1")
    rep.add_argument("--port", type=int, default=8080)
    rep.set_defaults(func=cmd_replay)

    runs = commands.add_parser("runs", help="crawl history, newest first")
    runs.add_argument("--council")
    runs.add_argument("--limit", type=int, default=30)
    runs.set_defaults(func=cmd_runs)

    health = commands.add_parser("health", help="each council's state; exits 1 when any is failing")
    health.set_defaults(func=cmd_health)

    rei = commands.add_parser("reindex", help="rebuild the catalogue (and CDXJ index) from the WARC files alone")
    rei.set_defaults(func=cmd_reindex)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `foicrawl export | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
