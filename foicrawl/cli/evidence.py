"""`foicrawl evidence REF`: what a release points to (the documents it lists, the pages it cites,
what was found on those), each with its status, type, size, sha256 and where its record is."""

from __future__ import annotations

import json

from foicrawl.catalogue.evidence import evidence_of
from foicrawl.catalogue.read_only import read_only_sessions
from foicrawl.cli.arguments import add_council_option
from foicrawl.provenance.replay import find_version
from foicrawl.tables import human_bytes, printable


def _size(row: dict) -> str:
    if row["size"] is None:
        return "-"
    return human_bytes(row["size"]) + (" (cut)" if row["truncated"] else "")


def cmd_evidence(args) -> int:
    with read_only_sessions()() as session:  # an unknown reference is a one-line error (ReplayError)
        release, version = find_version(session, args.case_ref, args.council, args.version)
        rows = evidence_of(session, version)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    print(printable(f"{release.council} {release.case_ref} version {version.version} of {release.latest_version}: "
                    f"{len(rows)} documents and cited pages"))  # fmt: skip
    for n, row in enumerate(rows, start=1):
        where = f"{row['warc_file']} @ {row['warc_offset']}" if row["warc_file"] else "-"
        print()
        print(printable(f"{n}. [{row['role']}] {row['url']}"))  # crawled text: shown, never obeyed
        if row.get("via"):
            print(printable(f"   found on   {row['via']}"))
        status, reason = row["status"], row["reason"] or ""
        if status is not None and reason.startswith(f"HTTP {status}"):
            reason = reason[len(f"HTTP {status}") :].strip(" ()")
        print(printable(f"   status     {status if status is not None else '-'}" + (f" ({reason})" if reason else "")))
        print(printable(f"   type       {row['media_type'] or '-'}"))
        print(f"   size       {_size(row)}")
        print(f"   sha256     {row['sha256'] or '-'}")
        text = f"{row['text_chars']} characters" if row["text_chars"] else f"none ({row['text_reason']})" \
            if row.get("text_reason") else "-"  # fmt: skip
        print(printable(f"   text       {text}"))
        print(f"   fetched    {row['fetched_at'] or '-'}")
        print(f"   record     {where}" + (f" {row['warc_record_id']}" if row["warc_record_id"] else ""))
    return 0


def add_commands(commands) -> None:
    evidence = commands.add_parser("evidence", help="what a release points to: documents and cited pages, as archived")
    evidence.add_argument("case_ref", help="the council's case reference, e.g. FOIR-395819655")
    add_council_option(evidence, "the council holding it, when the reference is held by more than one")
    evidence.add_argument("--version", type=int, help="which version (default: the latest)")
    evidence.add_argument("--json", action="store_true", help="one JSON object a line")
    evidence.set_defaults(func=cmd_evidence)
