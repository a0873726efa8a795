"""Writing the catalogue out: JSON Lines (one release a line) or CSV (nested fields as JSON)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from foicrawl.catalogue.releases import EXPORT_FIELDS

FORMATS = ("jsonl", "csv")


def write_jsonl(rows: Iterable[dict], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict], out: TextIO) -> int:
    writer = None
    count = 0
    for row in rows:
        if writer is None:
            # The contract's fields first, in their order, then the extras.
            fields = list(EXPORT_FIELDS) + [name for name in row if name not in EXPORT_FIELDS]
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
        flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        writer.writerow(flat)
        count += 1
    if writer is None:
        csv.writer(out).writerow(EXPORT_FIELDS)
    return count


def write(rows: Iterable[dict], out: TextIO, fmt: str) -> int:
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    if fmt == "csv":
        return write_csv(rows, out)
    raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
