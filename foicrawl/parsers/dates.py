"""Dates as councils write them, read into ISO 8601."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip

_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
_DAY_MONTH_YEAR = re.compile(rf"^(?:{_WEEKDAY})?(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{{4}})$")
_MONTH_DAY_YEAR = re.compile(rf"^(?:{_WEEKDAY})?([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # UK order: day first
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str | None) -> date | None:
    """Read "8 February 2022", "Tue 25 January 2022", "25/01/2022", "2022-01-25" or
    "Wednesday, January 8, 2020". Returns None for text that is not a real date."""
    if not text:
        return None
    t = " ".join(text.split()).lower()
    try:
        if m := _ISO.match(t):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DAY_MONTH_YEAR.match(t):
            month = MONTHS.get(m[2])
            return date(int(m[3]), month, int(m[1])) if month else None
        if m := _MONTH_DAY_YEAR.match(t):
            month = MONTHS.get(m[1])
            return date(int(m[3]), month, int(m[2])) if month else None
        if m := _NUMERIC.match(t):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:  # 31 February and the like
        return None
    return None
