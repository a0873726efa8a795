"""Plain-text tables and sizes for what commands print (the CLI, the scheduler, benchmarks)."""

from __future__ import annotations

import re
import sys

# Control characters (C0, DEL, C1) and bidirectional overrides: crawled text holding them could move
# the cursor, retitle or clear a terminal, or reorder what a reader sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text) -> str:
    """Text for a terminal: every control character shown as an escape (`\\x1b`), never obeyed."""
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), str(text))


def human_bytes(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def _numeric(cell: str) -> bool:
    return cell.replace(".", "", 1).replace(" ", "").rstrip("KMGB").isdigit()


def print_table(rows: list[list], headers: list[str], out=None) -> None:
    """Columns padded to their widest cell; numbers right-aligned."""
    out = out or sys.stdout
    cells = [headers] + [[printable(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) if _numeric(c) and n else c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)
