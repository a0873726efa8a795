"""`foicrawl replay`: what a council published, from the archive alone.

`replay REF` prints where the evidence is and whether it holds, and writes the page as the server sent
it (content-encoding undone for reading; the record itself is never touched). `replay --serve` runs
pywb on 127.0.0.1 over the archive, with a page listing the releases. That page is data, never
template source: foicrawl writes it with every value escaped and pywb_server.py sends its bytes, so
crawled text never reaches pywb's Jinja2 templates.
"""

from __future__ import annotations

import ctypes
import errno
import html
import json
import re
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.catalogue.releases import ReleaseNotFound, release_by_reference
from foicrawl.config import writable
from foicrawl.errors import FoicrawlError
from foicrawl.provenance.extract import RecordError, read_capture
from foicrawl.provenance.tools import tools_python
from foicrawl.provenance.verify import check_record
from foicrawl.warc.index import index_path, index_warc, needs_index, update_index
from foicrawl.warc.reader import ArchivedRecord

COLLECTION = "foicrawl"
_NOT_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9_.-]|\.{2,}")
FRONT_PAGE = "front-page.html"  # served as bytes by pywb_server.py, never as a template


class ReplayError(FoicrawlError):
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
            *self.withdrawal_history(),
        ]

    @property
    def suffix(self) -> str:
        """The file name ending for what the record holds: a page, or a portal's XML or JSON answer."""
        content_type = (self.record.http_headers.get_header("Content-Type") or "") if self.record.http_headers else ""
        return ".xml" if "xml" in content_type else ".json" if "json" in content_type else ".html"

    def withdrawal_history(self) -> list[tuple[str, str]]:
        """Each time the page was gone and came back, with the WARC record that showed it."""
        lines = []
        for w in self.release.withdrawals:
            lines.append(("withdrawn", f"{w.withdrawn_on} (answered {w.status}; record {w.warc_record_id} "
                                       f"in {w.warc_file} at offset {w.warc_offset})"))  # fmt: skip
            if w.returned_at:
                lines.append(("back", f"{w.returned_at:%Y-%m-%d %H:%M:%S} UTC (record {w.return_warc_record_id} "
                                      f"in {w.return_warc_file} at offset {w.return_warc_offset})"))  # fmt: skip
        return lines


def find_version(session: Session, case_ref: str, council: str | None = None, version: int | None = None):
    try:
        release = release_by_reference(session, case_ref, council)
    except ReleaseNotFound as error:
        raise ReplayError(str(error)) from None
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


def page_file_name(council: str, case_ref: str, version: int, suffix: str = ".html") -> str:
    """Where `replay` writes a page by default: a plain file name in the current folder, whatever the
    reference holds (letters, digits, '_', '-' and single dots only; never a path)."""
    ref = re.sub(r"-{2,}", "-", _NOT_IN_FILE_NAMES.sub("-", case_ref)).strip("-.") or "release"
    return f"{council}-{ref[:100]}-v{version}{suffix}"


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


def index_for_replay(warc_dir: Path, index_dir: Path, scratch: Path) -> Path:
    """The index folder pywb reads: the archive's own, brought up to date. Where the archive cannot
    be written (read-only media), a folder in `scratch` with the archive's index files that are up
    to date (linked, not copied) and the missing ones built there."""
    if writable(index_dir):
        update_index(warc_dir, index_dir)
        return index_dir
    target = scratch / "index"
    target.mkdir(parents=True, exist_ok=True)
    for warc in sorted(warc_dir.glob("*.warc.gz")):
        if needs_index(warc, index_dir):
            index_warc(warc, target)
        else:
            (target / index_path(warc, index_dir).name).symlink_to(index_path(warc, index_dir))
    return target


def prepare_pywb(session: Session, warc_dir: Path, index_dir: Path, root: Path) -> Path:
    """A pywb working folder `root` over the archive (no copies of the WARC files): its settings and
    the front page. Nothing is written into the archive but missing CDXJ indexes, where it can be."""
    indexes = index_for_replay(warc_dir, index_dir, root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(
        "# Written by foicrawl replay --serve for this run.\n"
        f"collections:\n  {COLLECTION}:\n    index_paths: {json.dumps(str(indexes) + '/')}\n"
        f"    archive_paths: {json.dumps(str(warc_dir) + '/')}\n"
        "enable_memento: true\n",
        encoding="utf-8",
    )
    (root / FRONT_PAGE).write_text(releases_page(session), encoding="utf-8")
    return root


def listen(port: int, host: str = "127.0.0.1") -> socket.socket:
    """The replay server's listening socket, opened here so that a port in use is one clear error."""
    try:
        return socket.create_server((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ReplayError(f"port {port} on {host} is in use: choose another with --port (0 picks a free one)") from None
        raise ReplayError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def serve_command(root: Path, listen_fd: int) -> list[str]:
    return [tools_python(), str(Path(__file__).with_name("pywb_server.py")), "--directory", str(root),
            "--listen-fd", str(listen_fd), "--front-page", str(root / FRONT_PAGE)]  # fmt: skip


def _stop_with_parent() -> None:
    """In the child, before pywb starts: on Linux, be sent SIGTERM when foicrawl dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: stopping foicrawl by SIGTERM or Ctrl-C still stops pywb (see serve)


def start_server(root: Path, listener: socket.socket) -> subprocess.Popen:
    """pywb on `listener` (which the child inherits; our copy is closed)."""
    try:
        return subprocess.Popen(serve_command(root, listener.fileno()), pass_fds=[listener.fileno()],
                                preexec_fn=_stop_with_parent)  # fmt: skip
    finally:
        listener.close()


def serve(server: subprocess.Popen) -> int:
    """Wait on the pywb process until it exits, or until we are stopped (Ctrl-C, SIGTERM, SIGHUP):
    then stop it too, so that no pywb is left serving the archive."""

    def stopped(_signum, _frame):
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stopped) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_server(server)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_server(server: subprocess.Popen, timeout: float = 10.0) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
