"""WARC files left open by a crawl that died (killed, crashed, machine lost): made whole again.

Every complete record is kept; a record cut off mid-write is removed; the file gets its final name
and its index. Catalogue versions already point at the final name, so they resolve again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from foicrawl.warc.index import index_warc
from foicrawl.warc.reader import RecordError, read_record
from foicrawl.warc.writer import OPEN_SUFFIX

logger = logging.getLogger(__name__)


def complete_length(path: Path) -> tuple[int, int]:
    """Bytes of whole records at the start of the file, and how many records that is."""
    offset, count, size = 0, 0, path.stat().st_size
    while offset < size:
        try:
            record = read_record(path, offset)
        except RecordError:
            break
        offset += record.length
        count += 1
    return offset, count


def written_by(path: Path, run_id: str) -> bool:
    """Whether the file's warcinfo names this run (a file still open for a live crawl is not ours)."""
    try:
        info = read_record(path, 0)
    except RecordError:
        return False
    return f"foicrawl-run-id: {run_id}\r\n".encode() in info.block


def recover_open_files(warc_dir: Path, index_dir: Path, prefix: str = "", run_id: str | None = None) -> list[Path]:
    """Close the `<prefix>*.warc.gz.open` files in `warc_dir` (those of `run_id` only, if given);
    returns the files made whole."""
    recovered = []
    for path in sorted(warc_dir.glob(f"{prefix}*.warc.gz{OPEN_SUFFIX}")):
        if run_id and not written_by(path, run_id):
            continue
        length, records = complete_length(path)
        cut = path.stat().st_size - length
        with open(path, "r+b") as stream:
            stream.truncate(length)
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        os.replace(path, final)
        index_warc(final, index_dir)
        logger.warning("Recovered %s: %d whole records kept%s", final.name, records,
                       f", {cut} bytes of a cut-off record removed" if cut else "")  # fmt: skip
        recovered.append(final)
    return recovered
