"""`foicrawl demo` and `foicrawl replica`: the bundled local web, and a crawl of it."""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack

from foicrawl import config
from foicrawl.catalogue.releases import counts
from foicrawl.catalogue.session import session_factory
from foicrawl.crawling.process import UNTHROTTLED, run_crawl
from foicrawl.crawling.runs import find_run
from foicrawl.replica.server import serving
from foicrawl.replica.sites import ALL_FAULTS, COUNCILS, PORTAL, council_page_site, make_site
from foicrawl.tables import human_bytes, print_table

COUNCIL_PAGE = f"{PORTAL}-council-page"  # the council's own site, embedding the portal's log
DEFAULT_PORTS = {"hastings": 8801, "herefordshire": 8802, PORTAL: 8803, COUNCIL_PAGE: 8804}


def _serve(stack: ExitStack, site, port: int):
    try:
        return stack.enter_context(serving(site, port))
    except OSError:  # the usual port is taken: any free one will do
        return stack.enter_context(serving(site, 0))


def start_replicas(stack: ExitStack, councils, size: int, seed: int, theme: str = "standard",
                   faults=(), ports: dict[str, int] | None = None, shift_every: int = 0):  # fmt: skip
    """Serve each council's replica; the portal's also gets the council page that embeds it."""
    ports = DEFAULT_PORTS if ports is None else ports
    servers = {}
    for slug in councils:
        options = {"shift_every": shift_every} if slug == "herefordshire" and shift_every else {}
        site = make_site(slug, size=size, seed=seed, theme=theme, faults=tuple(faults), **options)
        servers[slug] = _serve(stack, site, ports.get(slug, 0))
        if slug == PORTAL:
            page = council_page_site(site, servers[slug].base_url)
            servers[COUNCIL_PAGE] = _serve(stack, page, ports.get(COUNCIL_PAGE, 0))
    return servers


def cmd_demo(args) -> int:
    """Start the bundled replica of every council, crawl each, say what was archived."""
    councils = list(COUNCILS)
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
    councils = list(COUNCILS) if args.council == "all" else [args.council]
    ports = {"hastings": args.hastings_port, "herefordshire": args.herefordshire_port,
             PORTAL: args.hertfordshire_port, COUNCIL_PAGE: args.council_page_port}  # fmt: skip
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, args.seed, args.theme, args.fault, ports,
                                 args.shift_every)  # fmt: skip
        for slug, server in servers.items():
            if slug == COUNCIL_PAGE:
                print(f"{PORTAL} council page embedding the portal's log: {server.base_url}{server.site.page_path}")
                continue
            refs = len(server.site.dataset.expected_refs())
            print(f"{slug}: {server.base_url}  ({refs} releases; scrapy crawl {slug} -a base_url={server.base_url})")
        print("Serving until interrupted (Ctrl-C).", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")
    return 0


def add_commands(commands) -> None:
    demo = commands.add_parser("demo", help="crawl the bundled replica of every council and report")
    demo.add_argument("--size", type=int, default=300, help="releases a council in the replica (default 300)")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)

    replica = commands.add_parser("replica", help="serve the local replica sites until interrupted")
    replica.add_argument("--council", choices=["all", *COUNCILS], default="all")
    replica.add_argument("--size", type=int, default=300)
    replica.add_argument("--seed", type=int, default=1)
    replica.add_argument("--theme", choices=["standard", "alternate", "broken"], default="standard",
                         help="markup of the pages; 'broken' is a redesign the parsers cannot read")  # fmt: skip
    replica.add_argument("--fault", action="append", default=[], choices=sorted(ALL_FAULTS),
                         help="misbehave as real sites do; repeatable (each site takes those it knows)")  # fmt: skip
    replica.add_argument("--shift-every", type=int, default=0,
                         help="publish a Herefordshire release after every N listing pages")  # fmt: skip
    replica.add_argument("--hastings-port", type=int, default=8801)
    replica.add_argument("--herefordshire-port", type=int, default=8802)
    replica.add_argument("--hertfordshire-port", type=int, default=8803, help="the iCasework portal replica")
    replica.add_argument("--council-page-port", type=int, default=8804,
                         help="the council page that embeds the portal's log in an iframe")  # fmt: skip
    replica.set_defaults(func=cmd_replica)
