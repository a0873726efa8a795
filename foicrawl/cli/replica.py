"""`foicrawl demo` and `foicrawl replica`: the bundled local web, and a crawl of it."""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack

from foicrawl import config
from foicrawl.catalogue.evidence import evidence_counts
from foicrawl.catalogue.read_only import shown_url
from foicrawl.catalogue.releases import counts
from foicrawl.catalogue.session import session_factory
from foicrawl.cli.arguments import port_number
from foicrawl.crawling.process import UNTHROTTLED, run_crawl
from foicrawl.crawling.runs import find_run
from foicrawl.errors import FoicrawlError
from foicrawl.replica.moderngov import build_moderngov
from foicrawl.replica.server import serving
from foicrawl.replica.sites import ALL_FAULTS, COUNCILS, PORTAL, council_page_site, make_site
from foicrawl.tables import human_bytes, print_table

COUNCIL_PAGE = f"{PORTAL}-council-page"  # the council's own site, embedding the portal's log
DEFAULT_PORTS = {"hastings": 8801, "herefordshire": 8802, PORTAL: 8803, COUNCIL_PAGE: 8804}
MODERNGOV_PORTS = {"hastings": 8811, "herefordshire": 8812}  # the portal council has no ModernGov site
# The replica's large document is 1.5 MB: the demo caps documents at 1 MB, so one is kept truncated.
DEMO_SETTINGS = {**UNTHROTTLED, "FOICRAWL_DOCUMENT_MAX_SIZE": "1000000"}


def start_replicas(stack: ExitStack, councils, size: int, seed: int, theme: str = "standard",
                   faults=(), ports: dict[str, int | None] | None = None, shift_every: int = 0):  # fmt: skip
    """Serve each council's replica on the port `ports` names (an error if it is taken; a council
    left out gets any free port). Without `ports`, or where it says None, the council's usual port,
    or any free one when that is taken. The portal's replica also gets the council page that embeds it."""
    servers = {}
    for slug in councils:
        options = {"shift_every": shift_every} if slug == "herefordshire" and shift_every else {}
        site = make_site(slug, size=size, seed=seed, theme=theme, faults=tuple(faults), **options)
        servers[slug] = _serve(stack, site, slug, DEFAULT_PORTS, None if ports is None else ports.get(slug, 0), "port")
        if slug == PORTAL:
            page = council_page_site(site, servers[slug].base_url)
            servers[COUNCIL_PAGE] = _serve(stack, page, COUNCIL_PAGE, DEFAULT_PORTS,
                                           None if ports is None else ports.get(COUNCIL_PAGE, 0), "port")  # fmt: skip
    return servers


def _serve(stack: ExitStack, site, slug: str, usual: dict[str, int], asked: int | None, option: str):
    try:
        return stack.enter_context(serving(site, usual.get(slug, 0) if asked is None else asked))
    except OSError as error:
        if asked is not None:
            raise PortTaken(f"cannot serve {slug} on port {asked}: {error.strerror}; choose another with "
                            f"--{slug}-{option} (0 picks a free one)") from None  # fmt: skip
        return stack.enter_context(serving(site, 0))  # the usual port is taken: any free one will do


def start_moderngov(stack: ExitStack, servers: dict, ports: dict[str, int] | None = None) -> dict:
    """Each council's ModernGov site on its own port (Herefordshire's behind a bot wall that answers
    its HTML pages 403 while its web service answers)."""
    return {slug: _serve(stack, build_moderngov(slug, server.site.dataset), slug, MODERNGOV_PORTS,
                         None if ports is None else ports.get(slug, 0), "moderngov-port")
            for slug, server in servers.items() if slug in MODERNGOV_PORTS}  # fmt: skip


class PortTaken(FoicrawlError):
    pass


def cmd_demo(args) -> int:
    """Start the bundled replica of every council, crawl each, say what was archived."""
    councils = list(COUNCILS)
    logs = config.archive_dir() / "logs"
    print(f"Starting the local replica ({args.size} releases a council) ...")
    results = []
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, args.seed)
        moderngov = start_moderngov(stack, servers)
        for slug in councils:
            base_url = servers[slug].base_url
            print(f"Crawling {slug} from {base_url} (log: {logs / f'{slug}.log'}) ...", flush=True)
            started = time.monotonic()
            spider_args = {"moderngov_url": moderngov[slug].base_url} if slug in moderngov else {}
            process = run_crawl(slug, base_url, settings=DEMO_SETTINGS, log_file=logs / f"{slug}.log",
                                spider_args=spider_args,
                                progress=lambda line: print(f"  {line}", flush=True))  # fmt: skip
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
        evidence = evidence_counts(session)
    print()
    print_table(rows, ["council", "releases", "new", "changed", "unchanged", "dropped", "requests", "seconds",
                       "WARC files", "WARC size"])  # fmt: skip
    print()
    print(f"Catalogue: {shown_url(config.database_url())} ({held['releases']} releases, {held['versions']} versions)")
    print(f"Evidence: {evidence['documents']} documents and {evidence['pages']} cited pages and web-service answers "
          f"(`foicrawl evidence REF` lists what a release points to)")  # fmt: skip
    print(f"WARC files: {config.warc_dir()}")
    if failed:
        print(f"{failed} crawl(s) failed: see the logs in {config.archive_dir() / 'logs'}", file=sys.stderr)
    return 1 if failed else 0


def cmd_replica(args) -> int:
    councils = list(COUNCILS) if args.council == "all" else [args.council]
    ports = {slug: getattr(args, f"{slug.replace('-', '_')}_port") for slug in DEFAULT_PORTS}
    with ExitStack() as stack:
        servers = start_replicas(stack, councils, args.size, args.seed, args.theme, args.fault, ports,
                                 args.shift_every)  # fmt: skip
        moderngov = start_moderngov(stack, servers, {slug: getattr(args, f"{slug}_moderngov_port")
                                                     for slug in servers if slug in MODERNGOV_PORTS})  # fmt: skip
        for slug, server in servers.items():
            if slug == COUNCIL_PAGE:
                print(f"{PORTAL} council page embedding the portal's log: {server.base_url}{server.site.page_path}")
                continue
            refs = len(server.site.dataset.expected_refs())
            if slug in moderngov:
                print(f"{slug}: {server.base_url}  ({refs} releases), its ModernGov site {moderngov[slug].base_url}\n"
                      f"  scrapy crawl {slug} -a base_url={server.base_url} -a moderngov_url={moderngov[slug].base_url}")
            else:
                print(f"{slug}: {server.base_url}  ({refs} releases)\n  scrapy crawl {slug} -a base_url={server.base_url}")
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
    replica.add_argument("--theme", choices=["standard", "alternate", "broken", "renamed-label"], default="standard",
                         help="markup of the pages; 'broken' is a redesign the parsers cannot read, "
                              "'renamed-label' one that loses a single field")  # fmt: skip
    replica.add_argument("--fault", action="append", default=[], choices=sorted(ALL_FAULTS),
                         help="misbehave as real sites do; repeatable (each site takes those it knows)")  # fmt: skip
    replica.add_argument("--shift-every", type=int, default=0,
                         help="publish a Herefordshire release after every N listing pages")  # fmt: skip
    for slug, port in DEFAULT_PORTS.items():
        what = "the council page embedding the portal's log" if slug == COUNCIL_PAGE else slug
        replica.add_argument(f"--{slug}-port", type=port_number, metavar="PORT",
                             help=f"{what}: default {port}, or any free port when that one is taken")  # fmt: skip
        if slug in MODERNGOV_PORTS:
            replica.add_argument(f"--{slug}-moderngov-port", type=port_number, metavar="PORT",
                                 help=f"its ModernGov site: default {MODERNGOV_PORTS[slug]}, or any free port")  # fmt: skip
    replica.set_defaults(func=cmd_replica)
