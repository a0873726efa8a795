"""`foicrawl verify`, `replay` and `reindex`: the archive read back, offline."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from foicrawl import config
from foicrawl.catalogue.session import session_factory
from foicrawl.councils import register
from foicrawl.crawling.locks import CouncilBusy, all_council_locks
from foicrawl.provenance.extract import RecordError
from foicrawl.provenance.reindex import reindex, spiders_in
from foicrawl.provenance.reparse import reparse
from foicrawl.provenance.replay import ReplayError, prepare_pywb, replay, serve
from foicrawl.provenance.verify import MISMATCH, MISSING, OK, SKIPPED, STALE, verify_catalogue
from foicrawl.warc.index import update_index


def cmd_verify(args) -> int:
    counts = {OK: 0, MISMATCH: 0, MISSING: 0, STALE: 0, SKIPPED: 0}
    started = time.monotonic()
    with session_factory()() as session:
        for finding in verify_catalogue(session, config.warc_dir(), args.council):
            counts[finding.status] += 1
            if finding.status not in (OK, SKIPPED):
                print(f"{finding.status.upper()}: {finding.council} {finding.case_ref} version {finding.version}: "
                      + "; ".join(finding.reasons))  # fmt: skip
    checked = sum(counts.values())
    print(f"{checked} versions checked in {time.monotonic() - started:.1f}s: {counts[OK]} OK, "
          f"{counts[MISMATCH]} mismatched, {counts[MISSING]} missing"
          + (f", {counts[STALE]} stale extraction" if counts[STALE] else "")
          + (f", {counts[SKIPPED]} skipped (in files a running crawl is still writing)" if counts[SKIPPED] else ""))  # fmt: skip
    if counts[STALE]:
        print("Stale extraction: the evidence holds, but an earlier parser read those fields; "
              "`foicrawl reparse` updates them (the old values are kept).")  # fmt: skip
    if checked == 0:
        print("Nothing to verify: the catalogue holds no releases" + (f" for {args.council}" if args.council else ""))
    return 0 if counts[OK] + counts[STALE] + counts[SKIPPED] == checked else 1


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
    out = args.out or Path(f"{replayed.release.council}-{replayed.release.case_ref.replace('/', '-')}-v{replayed.version.version}.html")
    try:
        body, note = replayed.record.decoded_payload(), "as sent; content-encoding undone"
    except RecordError as error:  # keep what the server sent, and say why it is not readable
        body, note = replayed.record.payload, "as sent, still encoded: it cannot be decoded"
        print(f"foicrawl replay: {error}", file=sys.stderr)
        replayed.problems.append(str(error))
    out.write_bytes(body)
    print(f"{'page'.ljust(width)}  {out} ({len(body)} bytes, {note})")
    return 0 if not replayed.problems else 1


def cmd_reindex(args) -> int:
    started = time.monotonic()
    try:
        with all_council_locks(set(register()) | spiders_in(config.warc_dir())), session_factory().begin() as session:
            counts = reindex(session, config.warc_dir(), report=lambda line: print(line, file=sys.stderr))
    except CouncilBusy as busy:
        print(f"foicrawl reindex: {busy}; reindex rewrites every council's releases, so run it when the crawl "
              "has finished (nothing was changed)", file=sys.stderr)  # fmt: skip
        return 1
    indexed = update_index(config.warc_dir(), config.index_dir(), rebuild=True)
    print(f"Rebuilt the catalogue from {counts['files']} WARC files in {time.monotonic() - started:.1f}s: "
          f"{counts['new']} releases, {counts['changed']} later versions, {counts['unchanged']} unchanged "
          f"captures, {counts['dropped']} pages dropped, {counts['withdrawn']} withdrawals; {len(indexed)} CDXJ indexes rewritten"
          + (f"; {counts['unreadable']} records could not be read (named above)" if counts["unreadable"] else ""))  # fmt: skip
    return 0


def cmd_reparse(args) -> int:
    started = time.monotonic()
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

    rei = commands.add_parser("reindex", help="rebuild the catalogue (and CDXJ index) from the WARC files alone")
    rei.set_defaults(func=cmd_reindex)

    rep = commands.add_parser("reparse", help="bring stored fields up to today's parsers (old values kept)")
    rep.add_argument("--council")
    rep.set_defaults(func=cmd_reparse)
