"""The archive's index: one CDXJ file per WARC file (the form pywb and ReplayWeb.page read), kept
up to date after each crawl and rebuilt by `foicrawl reindex`."""

from __future__ import annotations

import os
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

CDXJ_SUFFIX = ".cdxj"


def index_path(warc: Path, index_dir: Path) -> Path:
    return index_dir / (warc.name + CDXJ_SUFFIX)


def index_warc(warc: Path, index_dir: Path) -> Path:
    """Write (or rewrite) the sorted CDXJ index of one WARC file."""
    index_dir.mkdir(parents=True, exist_ok=True)
    target = index_path(warc, index_dir)
    partial = target.with_suffix(target.suffix + ".open")
    with open(partial, "w", encoding="utf-8") as out:
        CDXJIndexer(output=out, inputs=[str(warc)], sort=True).process_all()
    os.replace(partial, target)
    return target


def needs_index(warc: Path, index_dir: Path) -> bool:
    """Whether a WARC file's index is missing or older than the file."""
    target = index_path(warc, index_dir)
    return not target.exists() or target.stat().st_mtime < warc.stat().st_mtime


def update_index(warc_dir: Path, index_dir: Path, rebuild: bool = False) -> list[Path]:
    """Index every complete WARC file whose index is missing or older than the file."""
    return [index_warc(warc, index_dir) for warc in sorted(warc_dir.glob("*.warc.gz"))
            if rebuild or needs_index(warc, index_dir)]  # fmt: skip

