"""`foicrawl verify`, `replay` and `reindex`: the archive read back, offline."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from foicrawl import config
from foicrawl.catalogue.session import session_factory
from foicrawl.provenance.reindex import reindex
from foicrawl.provenance.replay import ReplayError, prepare_pywb, replay, serve
from foicrawl.provenance.verify import MISMATCH, MISSING, OK, verify_catalogue
from foicrawl.warc.index import update_index


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
    out = args.out or Path(f"{replayed.release.council}-{replayed.release.case_ref.replace('/', '-')}-v{replayed.version.version}{replayed.suffix}")
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
