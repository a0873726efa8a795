"""`foicrawl replay`: what a council published, from the archive alone.

`replay REF` prints where the evidence is and whether it holds, and writes the page as the server sent
it (content-encoding undone for reading; the record itself is never touched). `replay --serve` runs
pywb on 127.0.0.1 over the archive, with a page listing the releases.
"""

from __future__ import annotations

import html
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.provenance.extract import RecordError, read_capture
from foicrawl.provenance.tools import tool
from foicrawl.provenance.verify import check_record
from foicrawl.warc.index import update_index
from foicrawl.warc.reader import ArchivedRecord

COLLECTION = "foicrawl"


class ReplayError(Exception):
    pass


@dataclass
class Replayed:
    release: Release
    version: ReleaseVersion
    record: ArchivedRecord
    problems: list[str]

    def provenance(self) -> list[tuple[str, str]]:
        v, r = self.version, self.record
        return [
            ("council", self.release.council),
            ("case reference", self.release.case_ref),
            ("title", v.title),
            ("version", f"{v.version} of {self.release.latest_version}"),
            ("URL", r.target_uri),
            ("fetched at", r.date),
            ("HTTP status", str(r.status)),
            ("WARC file", str(r.path)),
            ("offset", f"{r.offset} ({r.length} bytes compressed)"),
            ("record id", r.record_id),
            ("block digest", r.warc_headers.get_header("WARC-Block-Digest")),
            ("payload digest", r.warc_headers.get_header("WARC-Payload-Digest")),
            ("digests verified", "yes" if not self.problems else "NO: " + "; ".join(self.problems)),
            *[("read from" if n == 0 else "", f"{s['role']}: {s['url']} ({s['warc_file']} @ {s['warc_offset']})")
              for n, s in enumerate(v.sources or [])],
        ]

    @property
    def suffix(self) -> str:
        """The file name ending for what the record holds: a page, or a portal's XML or JSON answer."""
        content_type = (self.record.http_headers.get_header("Content-Type") or "") if self.record.http_headers else ""
        return ".xml" if "xml" in content_type else ".json" if "json" in content_type else ".html"


def find_version(session: Session, case_ref: str, council: str | None = None, version: int | None = None):
    query = select(Release).options(selectinload(Release.versions)).where(Release.case_ref == case_ref)
    if council:
        query = query.where(Release.council == council)
    releases = list(session.scalars(query))
    if not releases:
        raise ReplayError(f"no release {case_ref}" + (f" at {council}" if council else "") + " in the catalogue")
    if len(releases) > 1:
        raise ReplayError(f"{case_ref} is held for {', '.join(r.council for r in releases)}: say which with --council")
    release = releases[0]
    wanted = version or release.latest_version
    match = next((v for v in release.versions if v.version == wanted), None)
    if match is None:
        raise ReplayError(f"{case_ref} has versions 1 to {release.latest_version}, not {wanted}")
    return release, match


def replay(session: Session, warc_dir: Path, case_ref: str, council: str | None = None,
           version: int | None = None) -> Replayed:  # fmt: skip
    release, chosen = find_version(session, case_ref, council, version)
    if not chosen.warc_file:
        raise ReplayError(f"{case_ref} version {chosen.version} has no capture recorded")
    try:
        record = read_capture(warc_dir, chosen.warc_file, chosen.warc_offset)
    except RecordError as error:
        raise ReplayError(str(error)) from None
    return Replayed(release, chosen, record, check_record(chosen, record))


def pywb_timestamp(fetched_at) -> str:
    return fetched_at.strftime("%Y%m%d%H%M%S")


def releases_page(session: Session) -> str:
    """The replay server's front page: every release version, linked to its archived page."""
    rows = []
    query = select(ReleaseVersion).join(Release).order_by(Release.council, Release.case_ref, ReleaseVersion.version)
    for v in session.scalars(query.options(selectinload(ReleaseVersion.release))):
        link = f"/{COLLECTION}/{pywb_timestamp(v.fetched_at)}/{v.url}"
        rows.append(
            f"<tr><td>{html.escape(v.release.council)}</td><td>{html.escape(v.release.case_ref)}</td>"
            f'<td><a href="{html.escape(link)}">{html.escape(v.title)}</a></td><td>{v.version}</td>'
            f"<td>{v.fetched_at:%Y-%m-%d %H:%M:%S} UTC</td></tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>foicrawl archive</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}}</style>
</head><body>
<h1>foicrawl archive: {len(rows)} release versions</h1>
<p>Each link opens the page as it was archived, at its original URL. Search the whole archive at <a href="/{COLLECTION}/">/{COLLECTION}/</a>.</p>
<table><tr><th>Council</th><th>Case reference</th><th>Title</th><th>Version</th><th>Fetched</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""


def prepare_pywb(session: Session, archive_dir: Path, warc_dir: Path, index_dir: Path) -> Path:
    """A pywb working directory over the archive (no copies of the WARC files)."""
    update_index(warc_dir, index_dir)
    root = archive_dir / "pywb"
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(
        "# Written by foicrawl replay --serve; rewritten each time.\n"
        f"collections:\n  {COLLECTION}:\n    index_paths: {index_dir}/\n    archive_paths: {warc_dir}/\n"
        "enable_memento: true\n",
        encoding="utf-8",
    )
    # pywb renders templates/index.html as its front page: the list of releases.
    (root / "templates" / "index.html").write_text(releases_page(session), encoding="utf-8")
    return root


def serve_command(root: Path, port: int) -> list[str]:
    return [tool("wayback"), "--bind", "127.0.0.1", "--port", str(port), "--directory", str(root)]


def serve(root: Path, port: int) -> int:
    return subprocess.call(serve_command(root, port))
