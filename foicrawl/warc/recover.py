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


def run_id_of(path: Path) -> str | None:
    """The run named in the file's warcinfo record."""
    try:
        info = read_record(path, 0)
    except RecordError:
        return None
    for line in info.block.decode("utf-8", "replace").splitlines():
        if line.startswith("foicrawl-run-id:"):
            return line.split(":", 1)[1].strip()
    return None


def recover_open_files(warc_dir: Path, index_dir: Path, prefix: str = "") -> dict[Path, str | None]:
    """Close the `<prefix>*.warc.gz.open` files in `warc_dir`. Only call this while no crawl can be
    writing them (holding the council's lock). Returns each file made whole, with its run id."""
    recovered = {}
    for path in sorted(warc_dir.glob(f"{prefix}*.warc.gz{OPEN_SUFFIX}")):
        run_id = run_id_of(path)
        length, records = complete_length(path)
        cut = path.stat().st_size - length
        with open(path, "r+b") as stream:
            stream.truncate(length)
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        os.replace(path, final)
        index_warc(final, index_dir)
        logger.warning("Recovered %s: %d whole records kept%s", final.name, records,
                       f", {cut} bytes of a cut-off record removed" if cut else "")  # fmt: skip
        recovered[final] = run_id
    return recovered
