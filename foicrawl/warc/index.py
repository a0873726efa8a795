"""The archive's index: one CDXJ file per WARC file (the form pywb and ReplayWeb.page read), kept
up to date after each crawl and rebuilt by `foicrawl reindex`. It lists what replay may serve:
every capture but the 304 answers."""

from __future__ import annotations

import os
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

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

