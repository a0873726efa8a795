"""CSV cells a spreadsheet would run as formulas are neutralised; everything else is left alone."""

import csv
import io

import pytest

from foicrawl.catalogue.export import spreadsheet_safe, write_csv, write_jsonl


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1424 451066", "'+44 1424 451066"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Plain title", "Plain title"),
        ("a = b", "a = b"),
        ("", ""),
        (3, 3),
        (None, None),
    ],
)
def test_spreadsheet_safe(value, cell):
    assert spreadsheet_safe(value) == cell


def test_csv_neutralises_and_jsonl_keeps_the_value():
    rows = [{"council": "x", "case_ref": "-1", "title": "=HYPERLINK(\"http://e/\")", "documents": [{"title": "=x"}]}]
    text = io.StringIO()
    write_csv(rows, text)
    [row] = csv.DictReader(io.StringIO(text.getvalue()))
    assert (row["case_ref"], row["title"], row["documents"]) == ("'-1", "'=HYPERLINK(\"http://e/\")", '[{"title": "=x"}]')
    lines = io.StringIO()
    write_jsonl(rows, lines)
    assert '"title": "=HYPERLINK(\\"http://e/\\")"' in lines.getvalue()
