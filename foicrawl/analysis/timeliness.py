"""Working days from a request's receipt to its response, and whether the statutory 20 were passed.

The law counts them, not a calendar:
- FOIA s.10(6) (and EIR reg. 2(1), which borrows it): a working day is any day but a Saturday, a
  Sunday, Christmas Day, Good Friday or a bank holiday "in any part of the United Kingdom". So for
  councils in England, Wales and Northern Ireland every UK bank holiday counts out, Scotland's
  St Andrew's Day and Northern Ireland's 12 July included.
- FOISA s.73 (Scottish councils): Saturdays, Sundays, Christmas Day and Scotland's bank holidays.
Day one is the first working day after the day the request was received.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

from foicrawl.councils import NATIONS

STATUTORY_LIMIT = 20
_UK_PARTS = ("ENG", "WLS", "SCT", "NIR")


@cache
def _days_off(nation: str, year: int) -> frozenset[date]:
    parts = ("SCT",) if nation == "scotland" else _UK_PARTS
    off = set()
    for part in parts:
        off.update(holidays.UK(subdiv=part, years=year))
    return frozenset(off)


def is_working_day(day: date, nation: str = "england") -> bool:
    if nation not in NATIONS:
        raise ValueError(f"unknown nation {nation!r}; known: {', '.join(NATIONS)}")
    return day.weekday() < 5 and day not in _days_off(nation, day.year)


def working_days(received: date | None, responded: date | None, nation: str = "england") -> int | None:
    """Working days after `received` up to and including `responded`; None when either date is
    unknown or the response is dated before the request (a data error, not a fast answer)."""
    if received is None or responded is None or responded < received:
        return None
    count, day = 0, received
    while day < responded:
        day += timedelta(days=1)
        count += is_working_day(day, nation)
    return count


def is_late(days: int | None) -> bool | None:
    return None if days is None else days > STATUTORY_LIMIT
