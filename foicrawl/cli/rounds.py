"""`foicrawl rounds`, `compare`, `search`, `diff` and `browse` (Datasette): using what the archive holds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from foicrawl import config
from foicrawl.analysis.worddiff import render
from foicrawl.catalogue import datasette
from foicrawl.catalogue.read_only import read_only_sessions
from foicrawl.catalogue.search import ensure_index, index_is_stale, rebuild_index, search
from foicrawl.catalogue.session import session_factory
from foicrawl.cli.arguments import add_council_option, iso_date, output_file, port_number
from foicrawl.errors import FoicrawlError
from foicrawl.rounds import render as compare_render
from foicrawl.rounds.diff import diff_versions
from foicrawl.rounds.groups import find_group, find_groups
from foicrawl.rounds.table import DEFAULT_REPLAY, build_comparison
from foicrawl.tables import print_table, printable


def cmd_rounds(args) -> int:
    with read_only_sessions()() as session:
        groups = find_groups(session, args.council, args.min_councils)
    if not groups:
        print("No round robins found" + (f" for {args.council}" if args.council else "")
              + ": no two councils' releases ask the same questions.")  # fmt: skip
        return 0
    for group in groups:
        dates = [m.on.isoformat() for m in group.members if m.on]
        span = f"{min(dates)} to {max(dates)}" if dates else "dates unknown"
        print(printable(f"{group.id}  {group.members[0].title}  ({len(group.members)} councils, {span}, match {group.confidence:.2f})"))
        for member in group.members:
            on = member.on.isoformat() if member.on else "-"
            print(printable(f"    {member.council:<16} {member.case_ref:<20} {on:<10}  {member.title}"))
    print(f"\n{len(groups)} round robins. `foicrawl compare GROUP` lines their answers up.")
    return 0


def cmd_compare(args) -> int:
    with read_only_sessions()() as session:
        comparison = build_comparison(session, find_group(session, args.key, args.council), args.replay_base)
    fmt = args.format or (args.output.suffix.lstrip(".") if args.output and args.output.suffix.lstrip(".") in compare_render.FORMATS else "csv")
    with ExitStack() as stack:
        out = stack.enter_context(open(args.output, "w", encoding="utf-8", newline="")) if args.output else sys.stdout
        compare_render.write(comparison, out, fmt)
    if args.output:
        print(f"Wrote {args.output}: {len(comparison.rows)} rows, {len(comparison.columns)} councils ({fmt})", file=sys.stderr)
    return 0


def _catalogue_writable() -> bool:
    url = config.database_url()
    if not url.startswith("sqlite:///"):
        return True
    path = Path(url.removeprefix("sqlite:///"))
    return path.exists() and config.writable(path)


def cmd_search(args) -> int:
    if _catalogue_writable():
        with session_factory().begin() as session:
            ensure_index(session)
            if index_is_stale(session):
                print("Building the search index (once, for a catalogue made before search) ...", file=sys.stderr)
                rebuild_index(session)
    with read_only_sessions()() as session:
        hits = search(session, args.query, args.council, args.since, args.exemption, args.limit)
    if args.json:
        for hit in hits:
            print(json.dumps(hit.as_dict(), ensure_ascii=False))
        return 0
    if not hits:
        print("No releases match.")
        return 0
    for hit in hits:
        flags = [f"{hit.working_days} working days" + (" (late)" if hit.late else "")] if hit.working_days is not None else []
        flags += [", ".join(hit.exemptions)] if hit.exemptions else []
        flags += ["withdrawn"] if hit.withdrawn else []
        print(printable(f"{hit.council}  {hit.case_ref}  {hit.dated or '-'}  {hit.title}" + (f"  [{'; '.join(flags)}]" if flags else "")))
        print(printable(f"    {hit.snippet}"))
        capture = hit.capture
        print(printable(f"    v{hit.version} {hit.url}")+f"  (WARC {capture['warc_file']} @ {capture['warc_offset']}, {capture['warc_record_id']})")
    return 0


def cmd_diff(args) -> int:
    with read_only_sessions()() as session:
        found = diff_versions(session, args.case_ref, args.council, args.old, args.new)
    release, old, new = found.release, found.old, found.new
    print(f"{release.council} {release.case_ref}: version {old.version} -> version {new.version}")
    rows = [[f"version {v.version}", v.fetched_at.isoformat() if v.fetched_at else "-", v.warc_file or "-",
             v.warc_offset if v.warc_offset is not None else "-", v.warc_record_id or "-"] for v in (old, new)]  # fmt: skip
    print_table(rows, ["", "captured (UTC)", "WARC file", "offset", "record"])
    print()
    if not found.changes:
        print("No field differs.")
    for change in found.changes:
        print(f"== {change.name}")
        shown = (render(change.words, context=None if args.full else 12) if change.words is not None
                 else f"[-{change.old}-]\n{{+{change.new}+}}")  # fmt: skip
        print("\n".join(printable(line) for line in shown.split("\n")))
        print()
    return 0


def datasette_command() -> str | None:
    beside = Path(sys.executable).parent / "datasette"
    return str(beside) if beside.exists() else shutil.which("datasette")


def cmd_datasette(args) -> int:
    url = config.database_url()
    if not url.startswith("sqlite:///"):
        raise FoicrawlError("Datasette reads SQLite catalogues only; this one is " + url.split("://")[0])
    database = Path(url.removeprefix("sqlite:///"))
    if not database.exists():
        raise FoicrawlError(f"no catalogue at {database} yet: crawl something first")
    if not _catalogue_writable():
        raise FoicrawlError(f"{database} cannot be written, and Datasette needs views added to it: open a writable copy")
    with session_factory().begin() as session:
        datasette.prepare(session)
    metadata = config.archive_dir() / "datasette.json"
    metadata.write_text(json.dumps(datasette.metadata(database.stem), indent=2), encoding="utf-8")
    command = datasette_command()
    if command is None:
        raise FoicrawlError(f"prepared {database} and {metadata}, but Datasette is not installed: "
                            ".venv/bin/pip install -r requirements-datasette.txt")  # fmt: skip
    print(f"Datasette on http://127.0.0.1:{args.port}/ (Ctrl-C stops)", flush=True)
    return subprocess.call([command, "serve", str(database), "--metadata", str(metadata), "--host", "127.0.0.1",
                            "--port", str(args.port)])  # fmt: skip


def add_commands(commands) -> None:
    rounds = commands.add_parser("rounds", help="round robins: councils' releases that answer the same request")
    add_council_option(rounds, "only groups this council answered")
    rounds.add_argument("--min-councils", type=int, default=2, help="at least this many councils in a group (default 2)")
    rounds.set_defaults(func=cmd_rounds)

    compare = commands.add_parser("compare", help="a round robin side by side: a row a question, a column a council")
    compare.add_argument("key", help="a group id from `foicrawl rounds` (rr-...) or any member's case reference")
    add_council_option(compare, "whose case reference it is, when two councils share one")
    compare.add_argument("--format", choices=compare_render.FORMATS, help="default: from -o's suffix, else csv")
    compare.add_argument("-o", "--output", type=output_file, help="file to write (default: standard output)")
    compare.add_argument("--replay-base", default=DEFAULT_REPLAY,
                         help=f"where `foicrawl replay --serve` runs, for the evidence links (default {DEFAULT_REPLAY})")  # fmt: skip
    compare.set_defaults(func=cmd_compare)

    find = commands.add_parser("search", help="full-text search of titles, requests, responses and documents")
    find.add_argument("query", help='words, "a phrase", a OR b, -excluded, prefix*')
    add_council_option(find)
    find.add_argument("--since", type=iso_date, help="published (else responded, else requested) on or after YYYY-MM-DD")
    find.add_argument("--exemption", help="releases citing it: s40, s43(2), EIR 12(5)(b), reg 13 ...")
    find.add_argument("--limit", type=int, default=20)
    find.add_argument("--json", action="store_true", help="one JSON object a hit")
    find.set_defaults(func=cmd_search)

    diff = commands.add_parser("diff", help="what changed between two versions of a release")
    diff.add_argument("case_ref")
    add_council_option(diff, "the council holding the reference, where two hold it")
    diff.add_argument("--from", dest="old", type=int, help="the older version (default: the one before --to)")
    diff.add_argument("--to", dest="new", type=int, help="the newer version (default: the latest)")
    diff.add_argument("--full", action="store_true", help="print unchanged text in full")
    diff.set_defaults(func=cmd_diff)

    browse = commands.add_parser("browse", help="browse and search the catalogue in Datasette on 127.0.0.1")
    browse.add_argument("--port", type=port_number, default=8001)
    browse.set_defaults(func=cmd_datasette)
