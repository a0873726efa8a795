"""`foicrawl verify`, `replay` and `reindex`: the archive read back, offline."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from foicrawl import config
from foicrawl.catalogue.read_only import read_only_sessions
from foicrawl.catalogue.session import session_factory
from foicrawl.cli.arguments import add_council_option, output_file, port_number
from foicrawl.councils import register
from foicrawl.crawling.locks import CouncilBusy, all_council_locks
from foicrawl.crawling.runs import settle_abandoned
from foicrawl.provenance.evidence import verify_evidence
from foicrawl.provenance.extract import RecordError
from foicrawl.provenance.reindex import reindex, spiders_in
from foicrawl.provenance.reparse import reparse
from foicrawl.provenance.replay import listen, page_file_name, prepare_pywb, replay, serve, start_server
from foicrawl.provenance.verify import MISMATCH, MISSING, OK, SKIPPED, STALE, verify_catalogue
from foicrawl.tables import printable
from foicrawl.warc.index import update_index


def cmd_verify(args) -> int:
    counts = {OK: 0, MISMATCH: 0, MISSING: 0, STALE: 0, SKIPPED: 0}
    started = time.monotonic()
    with read_only_sessions()() as session:
        for finding in verify_catalogue(session, config.warc_dir(), args.council):
            counts[finding.status] += 1
            if finding.status not in (OK, SKIPPED):
                print(printable(f"{finding.status.upper()}: {finding.council} {finding.case_ref} version "
                                f"{finding.version}: " + "; ".join(finding.reasons)))  # fmt: skip
        evidence = {OK: 0, MISMATCH: 0, MISSING: 0, SKIPPED: 0}
        for finding in verify_evidence(session, config.warc_dir(), args.council):
            evidence[finding.status] += 1
            if finding.status not in (OK, SKIPPED):
                print(printable(f"{finding.status.upper()}: {finding.council} evidence #{finding.version} "
                                f"{finding.case_ref}: " + "; ".join(finding.reasons)))  # fmt: skip
    checked = sum(counts.values())
    if sum(evidence.values()):
        print(f"{sum(evidence.values())} documents and cited pages checked: {evidence[OK]} OK, "
              f"{evidence[MISMATCH]} mismatched, {evidence[MISSING]} missing")  # fmt: skip
    print(f"{checked} versions checked in {time.monotonic() - started:.1f}s: {counts[OK]} OK, "
          f"{counts[MISMATCH]} mismatched, {counts[MISSING]} missing"
          + (f", {counts[STALE]} stale extraction" if counts[STALE] else "")
          + (f", {counts[SKIPPED]} skipped (in files a running crawl is still writing)" if counts[SKIPPED] else ""))  # fmt: skip
    if counts[STALE]:
        print("Stale extraction: the evidence holds, but an earlier parser read those fields; "
              "`foicrawl reparse` updates them (the old values are kept).")  # fmt: skip
    if checked == 0:
        print("Nothing to verify: the catalogue holds no releases" + (f" for {args.council}" if args.council else ""))
    return 0 if counts[OK] + counts[STALE] + counts[SKIPPED] == checked and evidence[OK] + evidence[SKIPPED] == sum(evidence.values()) else 1


def cmd_replay(args) -> int:
    if args.serve:
        return serve_archive(args.port)
    if not args.case_ref:
        print("foicrawl replay needs a case reference, or --serve", file=sys.stderr)
        return 2
    with read_only_sessions()() as session:
        replayed = replay(session, config.warc_dir(), args.case_ref, args.council, args.version)
    width = max(len(label) for label, _ in replayed.provenance())
    for label, value in replayed.provenance():
        print(f"{label.ljust(width)}  {printable(value)}")
    out = args.out or Path(page_file_name(replayed.release.council, replayed.release.case_ref, replayed.version.version,
                                                replayed.suffix))  # fmt: skip
    try:
        body, note = replayed.record.decoded_payload(), "as sent; content-encoding undone"
    except RecordError as error:  # keep what the server sent, and say why it is not readable
        body, note = replayed.record.payload, "as sent, still encoded: it cannot be decoded"
        print(f"foicrawl replay: {error}", file=sys.stderr)
        replayed.problems.append(str(error))
    out.write_bytes(body)
    print(f"{'page'.ljust(width)}  {out} ({len(body)} bytes, {note})")
    return 0 if not replayed.problems else 1


def serve_archive(port: int) -> int:
    """pywb over the archive until stopped; its settings and front page live in a scratch folder."""
    listener = listen(port)
    with tempfile.TemporaryDirectory(prefix="foicrawl-replay-") as scratch:
        with read_only_sessions()() as session:
            root = prepare_pywb(session, config.warc_dir(), config.index_dir(), Path(scratch))
        address = listener.getsockname()
        server = start_server(root, listener)
        print(f"Replaying the archive at http://{address[0]}:{address[1]}/ (releases listed there; pywb pid "
              f"{server.pid}; Ctrl-C stops)", flush=True)  # fmt: skip
        return serve(server)


def cmd_reindex(args) -> int:
    started = time.monotonic()
    try:
        councils = set(register()) | spiders_in(config.warc_dir())
        with all_council_locks(councils):
            # No crawl can be alive: a killed one's open WARC files are made whole first, so what
            # it archived but had not yet committed to the catalogue is rebuilt too.
            for council in sorted(councils):
                settle_abandoned(council, "the crawl process ended without closing (found by reindex)")
            with session_factory().begin() as session:
                counts = reindex(session, config.warc_dir(), report=lambda line: print(line, file=sys.stderr))
    except CouncilBusy as busy:
        print(f"foicrawl reindex: {busy}; reindex rewrites every council's releases, so run it when the crawl "
              "has finished (nothing was changed)", file=sys.stderr)  # fmt: skip
        return 1
    indexed = update_index(config.warc_dir(), config.index_dir(), rebuild=True)
    print(f"Rebuilt the catalogue from {counts['files']} WARC files in {time.monotonic() - started:.1f}s: "
          f"{counts['new']} releases, {counts['changed']} later versions, {counts['unchanged']} unchanged "
          f"captures, {counts['dropped']} pages dropped, {counts['withdrawn']} withdrawals; "
          f"{counts['evidence new'] + counts['evidence changed']} documents and cited pages; "
          f"{len(indexed)} CDXJ indexes rewritten"
          + (f"; {counts['unreadable']} records could not be read (named above)" if counts["unreadable"] else ""))  # fmt: skip
    return 0


def cmd_reparse(args) -> int:
    started = time.monotonic()
    with read_only_sessions()():  # says where it looked when there is no catalogue, and makes none
        pass
    councils = [args.council] if args.council else sorted(set(register()) | spiders_in(config.warc_dir()))
    try:
        with all_council_locks(councils), session_factory().begin() as session:
            counts = reparse(session, config.warc_dir(), args.council, report=lambda line: print(line, file=sys.stderr))
    except CouncilBusy as busy:
        print(f"foicrawl reparse: {busy}; run it when the crawl has finished (nothing was changed)", file=sys.stderr)
        return 1
    print(f"Re-read {counts['checked']} versions with today's parsers in {time.monotonic() - started:.1f}s: "
          f"{counts['updated']} updated (the values they replace are kept in superseded_extractions), "
          f"{counts['current']} already current, {counts['unreadable']} not re-read (named above)")  # fmt: skip
    return 1 if counts["unreadable"] else 0


def add_commands(commands) -> None:
    verify = commands.add_parser("verify", help="check every catalogue version against its WARC record")
    add_council_option(verify)
    verify.set_defaults(func=cmd_verify)

    rep = commands.add_parser("replay", help="a release's evidence and page; --serve browses all")
    rep.add_argument("case_ref", nargs="?", help="the council's case reference, e.g. FOIR-395819655")
    add_council_option(rep, "the council holding the reference, where two hold it")
    rep.add_argument("--version", type=int, help="which version (default: the latest)")
    rep.add_argument("--out", type=output_file, help="where to write the page (default: <council>-<ref>-v<N>.html)")
    rep.add_argument("--serve", action="store_true", help="browse the archive with pywb on 127.0.0.1")
    rep.add_argument("--port", type=port_number, default=8080, help="for --serve (default 8080; 0 picks a free one)")
    rep.set_defaults(func=cmd_replay)

    rei = commands.add_parser("reindex", help="rebuild the catalogue and index from the WARC files")
    rei.set_defaults(func=cmd_reindex)

    rpa = commands.add_parser("reparse", help="bring stored fields up to today's parsers (old values kept)")
    add_council_option(rpa)
    rpa.set_defaults(func=cmd_reparse)
