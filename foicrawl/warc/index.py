"""The archive's index: one CDXJ file per WARC file (the form pywb and ReplayWeb.page read), kept
up to date after each crawl and rebuilt by `foicrawl reindex`. It lists what replay may serve:
every capture but the 304 answers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import surt
from cdxj_indexer.main import CDXJIndexer
from warcio.timeutils import iso_date_to_timestamp

CDXJ_SUFFIX = ".cdxj"


class ReplayIndexer(CDXJIndexer):
    """cdxj-indexer's CDXJ, less the 304 answers: a 304 stays in the WARC as evidence that a page
    was rechecked, but it holds no page, and pywb would replay it (an empty page) as the latest
    capture. The same rule is applied to the WACZ's index (provenance/wacz_create.py)."""

    def filter_record(self, record) -> bool:
        return not is_not_modified(record) and super().filter_record(record)


def is_not_modified(record) -> bool:
    """A response (or revisit) record of a 304 answer."""
    return (record.rec_type in ("response", "revisit") and record.http_headers is not None
            and record.http_headers.get_statuscode() == "304")  # fmt: skip


def index_line(record, offset: int, length: int, filename: str) -> str | None:
    """The line ReplayIndexer would write for a record just written at `offset` (None for the
    records it leaves out), made from the record in memory: the crawl indexes as it writes instead
    of reading every file again at its close. tests/warc/test_index_as_written.py holds it to the
    indexer's own output, byte for byte."""
    kind, headers, http = record.rec_type, record.rec_headers, record.http_headers
    if kind not in CDXJIndexer.DEFAULT_RECORDS or is_not_modified(record):
        return None
    if kind in ("resource", "metadata") and headers.get_header("Content-Type") == "application/warc-fields":
        return None
    if kind == "revisit":
        mime = "warc/revisit"
    else:
        mime = (http.get_header("Content-Type") if http else None) if kind == "response" else headers.get_header("Content-Type")
        mime = CDXJIndexer.RE_SPACE.split(mime, 1)[0].strip() if mime else mime
    url = headers.get_header("WARC-Target-URI")
    fields = {
        "url": url,
        "mime": mime,
        "status": http.get_statuscode() if kind in ("response", "revisit") and http else None,
        "digest": headers.get_header("WARC-Payload-Digest"),
        "length": str(length),
        "offset": str(offset),
        "filename": filename,
    }
    try:
        key = surt.surt(url)
    except Exception:  # noqa: BLE001 - as the indexer does: the URL itself
        key = url
    stamp = iso_date_to_timestamp(headers.get_header("WARC-Date"))
    return f"{key} {stamp} {json.dumps({k: v for k, v in fields.items() if v is not None})}\n"


def write_index(lines: list[str], warc: Path, index_dir: Path) -> Path:
    """Write the index of a WARC file from its lines (in any order), sorted as the indexer sorts."""
    index_dir.mkdir(parents=True, exist_ok=True)
    target = index_path(warc, index_dir)
    partial = target.with_suffix(target.suffix + ".open")
    with open(partial, "w", encoding="utf-8") as out:
        out.writelines(sorted(lines))
    os.replace(partial, target)
    return target


def index_path(warc: Path, index_dir: Path) -> Path:
    return index_dir / (warc.name + CDXJ_SUFFIX)


def index_warc(warc: Path, index_dir: Path) -> Path:
    """Write (or rewrite) the sorted CDXJ index of one WARC file."""
    index_dir.mkdir(parents=True, exist_ok=True)
    target = index_path(warc, index_dir)
    partial = target.with_suffix(target.suffix + ".open")
    with open(partial, "w", encoding="utf-8") as out:
        ReplayIndexer(output=out, inputs=[str(warc)], sort=True).process_all()
    os.replace(partial, target)
    return target


def needs_index(warc: Path, index_dir: Path) -> bool:
    """Whether a WARC file's index is missing or older than the file."""
    target = index_path(warc, index_dir)
    return not target.exists() or target.stat().st_mtime < warc.stat().st_mtime


def update_index(warc_dir: Path, index_dir: Path, rebuild: bool = False, prefix: str = "") -> list[Path]:
    """Index every complete WARC file (named `prefix*`) whose index is missing or older than the file."""
    return [index_warc(warc, index_dir) for warc in sorted(warc_dir.glob(f"{prefix}*.warc.gz"))
            if rebuild or needs_index(warc, index_dir)]  # fmt: skip

