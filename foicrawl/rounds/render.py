"""A comparison written out: JSON, CSV (for spreadsheets) or one self-contained HTML page.

Everything in a cell came from a council's page: it is data. The HTML escapes it and links only
http(s) addresses; the CSV neutralises what a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import html
import json
from typing import TextIO
from urllib.parse import urlsplit

from foicrawl.catalogue.export import spreadsheet_safe as _spreadsheet_safe
from foicrawl.rounds.table import Column, Comparison

FORMATS = ("html", "csv", "json")


def spreadsheet_safe(value) -> str:
    return _spreadsheet_safe("" if value is None else str(value))


def _days(column: Column) -> str:
    if column.working_days is None:
        return "unknown (dates not shown)"
    return f"{column.working_days}" + (" (late: over 20)" if column.late else "")


HEADER_LINES = (
    ("Reference", lambda c: c.case_ref),
    ("Title", lambda c: c.title),
    ("Requested", lambda c: c.requested_on or ""),
    ("Responded", lambda c: c.responded_on or ""),
    ("Published", lambda c: c.published_on or ""),
    ("Working days", _days),
    ("Exemptions", lambda c: ", ".join(c.exemptions) or "none cited"),
    ("Version", lambda c: str(c.version)),
    ("Release page", lambda c: c.url),
    ("Captured", lambda c: c.fetched_at or ""),
    ("WARC record", lambda c: f"{c.warc_record_id} ({c.warc_file} @ {c.warc_offset})" if c.warc_record_id else ""),
    ("Replay", lambda c: c.replay_url or ""),
)


def write_json(comparison: Comparison, out: TextIO) -> None:
    json.dump(comparison.as_dict(), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(comparison: Comparison, out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(["question", *(f"{c.council_name} ({c.case_ref})" for c in comparison.columns)])
    for label, value in HEADER_LINES:
        writer.writerow([label, *(spreadsheet_safe(value(c)) for c in comparison.columns)])
    for row in comparison.rows:
        question = row.question if row.key == "unaligned" else f"{row.key}. {row.question}"
        writer.writerow([spreadsheet_safe(question), *(spreadsheet_safe(cell.text if cell else "") for cell in row.cells)])


def _link(url: str | None, label: str, title: str = "") -> str:
    """A link only to an http(s) address; anything else stays text."""
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return html.escape(label)
    title_attr = f' title="{html.escape(title)}"' if title else ""
    return f'<a href="{html.escape(url)}"{title_attr}>{html.escape(label)}</a>'


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>\n")


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1b1b1b}
h1{font-size:1.4em;margin:0 0 .2em}p.meta{color:#555;margin:.2em 0 1em}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border:1px solid #ccc;padding:.45em .6em;vertical-align:top;text-align:left;font-size:.92em;overflow-wrap:anywhere}
thead th{background:#f0f3f7;position:sticky;top:0}
th.q{width:22%;background:#fafafa;font-weight:600}td.none{color:#999;font-style:italic}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.1em .6em;font-weight:normal;font-size:.9em}
dt{color:#555}dd{margin:0}.late{color:#b00020;font-weight:600}.evidence{display:block;margin-top:.4em;font-size:.8em;color:#555}
tr.unaligned th,tr.unaligned td{background:#fff8e6}
"""


def _header(column: Column) -> str:
    items = []
    for label, value in HEADER_LINES:
        if label in ("Release page", "Replay", "WARC record", "Title"):
            continue
        shown = value(column)
        css = ' class="late"' if label == "Working days" and column.late else ""
        items.append(f"<dt>{html.escape(label)}</dt><dd{css}>{html.escape(shown)}</dd>")
    evidence = _link(column.replay_url, "archived page", f"WARC record {column.warc_record_id}")
    live = _link(column.url, "page at the council")
    return (f"<th><div>{html.escape(column.council_name)}</div><div>{html.escape(column.title)}</div>"
            f"<dl>{''.join(items)}</dl><span class=\"evidence\">{evidence} · {live}<br>"
            f"record {html.escape(column.warc_record_id or 'not recorded')}</span></th>")  # fmt: skip


def write_html(comparison: Comparison, out: TextIO) -> None:
    heads = "".join(_header(c) for c in comparison.columns)
    body = []
    for row in comparison.rows:
        question = row.question if row.key == "unaligned" else f"{row.key}. {row.question}"
        cells = []
        for cell, column in zip(row.cells, comparison.columns, strict=True):
            if cell is None:
                cells.append('<td class="none">no answer found for this question</td>')
                continue
            source = _link(column.replay_url, f"{column.case_ref} v{column.version}",
                           f"WARC record {column.warc_record_id} in {column.warc_file} at offset {column.warc_offset}")  # fmt: skip
            cells.append(f"<td>{_text(cell.text)}<span class=\"evidence\">{source} · "
                         f"{html.escape(column.warc_record_id or '')}</span></td>")  # fmt: skip
        css = ' class="unaligned"' if row.key == "unaligned" else ""
        body.append(f"<tr{css}><th class=\"q\">{_text(question)}</th>{''.join(cells)}</tr>")
    councils = ", ".join(c.council_name for c in comparison.columns)
    out.write(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{html.escape(comparison.title)}: round robin {html.escape(comparison.group_id)}</title>
<style>{STYLE}</style></head><body>
<h1>{html.escape(comparison.title)}</h1>
<p class="meta">Round robin {html.escape(comparison.group_id)}: the same request answered by {html.escape(councils)}
(match {comparison.confidence:.2f}). Each answer links to the archived page it was read from (replayed by
<code>foicrawl replay --serve</code>) and names its WARC record. Working days count from the request to the
response under FOIA s.10(6); over 20 is late.</p>
<table><thead><tr><th class="q">Question</th>{heads}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
</body></html>
""")


def write(comparison: Comparison, out: TextIO, fmt: str) -> None:
    {"html": write_html, "csv": write_csv, "json": write_json}[fmt](comparison, out)
