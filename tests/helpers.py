"""Reading back what a crawl left: the catalogue and the WARC files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.releases import export_rows
from foicrawl.catalogue.session import session_factory


def catalogue(council: str | None = None, all_versions: bool = False) -> list[dict]:
    with session_factory()() as session:
        return list(export_rows(session, council, all_versions))


def runs(council: str | None = None) -> list[CrawlRun]:
    with session_factory()() as session:
        query = select(CrawlRun).order_by(CrawlRun.started_at)
        if council:
            query = query.where(CrawlRun.council == council)
        return list(session.scalars(query))


def warc_files(archive: Path) -> list[Path]:
    return sorted((archive / "warc").glob("*.warc.gz"))


def warc_records(archive: Path, include_open: bool = False) -> list[dict]:
    """Every record of every WARC file: type, URI, status, raw payload, headers, file, offset. With
    `include_open`, the files a crawl is still writing too (up to a record cut off mid-write)."""
    records = []
    paths = warc_files(archive) + (sorted((archive / "warc").glob("*.warc.gz.open")) if include_open else [])
    for path in paths:
        try:
            _read_records(path, records)
        except Exception:  # a record cut off mid-write ends a file still being written
            if not path.name.endswith(".open"):
                raise
    return records


def _read_records(path: Path, records: list[dict]) -> None:
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            records.append({
                "type": record.rec_type,
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "id": record.rec_headers.get_header("WARC-Record-ID"),
                "status": int(record.http_headers.get_statuscode()) if record.rec_type == "response" else None,
                "http_headers": record.http_headers,
                "payload": record.raw_stream.read(),
                "file": path.name,
                "offset": iterator.get_record_offset(),
            })  # fmt: skip


def warcio_check(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, paths)],
                          capture_output=True, text=True, check=False)  # fmt: skip
