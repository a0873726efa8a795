"""Writing the catalogue out: JSON Lines (one release a line, every value exact) or CSV (nested fields
as JSON, cells a spreadsheet would run as formulas neutralised)."""

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


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection"); the
# full-width forms too, in some locales.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value):
    """Crawled text as a spreadsheet cell that is shown, never run: a cell that would start a formula
    gets a leading apostrophe, which spreadsheets take as "text" and do not display."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[dict], out: TextIO) -> int:
    """CSV for spreadsheets: nested fields as JSON, formula-like cells neutralised (see
    `spreadsheet_safe`; the JSON Lines export keeps every value exact)."""
    writer = None
    count = 0
    for row in rows:
        if writer is None:
            # The contract's fields first, in their order, then the extras.
            fields = list(EXPORT_FIELDS) + [name for name in row if name not in EXPORT_FIELDS]
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
        flat = {k: spreadsheet_safe(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                for k, v in row.items()}  # fmt: skip
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
