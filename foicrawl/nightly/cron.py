"""Cron fields, as the register writes them, into an APScheduler trigger that fires when cron would.

APScheduler's `day_of_week` is not cron's: it counts from Monday (0) where cron counts from Sunday (0
or 7), its ranges do not wrap, and its steps start from Monday. So the weekday field is expanded here
into the days cron means (`0-6`, `1-5`, `*/2`, `sun,wed`, `mon-fri/2`) and handed over as a list of
names. Across clock changes a nightly crawl runs once: a time the spring change skips fires just
after the jump (APScheduler's own behaviour); a time in the hour repeated in autumn fires only at its
first occurrence (as cron does), not twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]  # cron's numbering: 0 (and 7) is Sunday


def _day_number(text: str, field: str) -> int:
    text = text.strip().lower()
    if text[:3] in DAY_NAMES and text.isalpha():
        return DAY_NAMES.index(text[:3])
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    raise ValueError(f"weekday field {field!r}: {text!r} is not a day (0-7, Sunday is 0 or 7, or sun..sat)")


def cron_weekdays(field: str) -> str:
    """Cron's weekday field as APScheduler's day_of_week: "*" or a list of day names, in week order."""
    if field.strip() == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            raise ValueError(f"weekday field {field!r}: step {step!r} is not a positive number")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (_day_number(end, field) for end in span.split("-", 1))
            if last < first:
                raise ValueError(f"weekday field {field!r}: the range {span!r} runs backwards")
        else:
            first = _day_number(span, field)
            last = 6 if step else first  # cron reads "n/step" as "n-6/step"... and 7 as Sunday
        days.update(day % 7 for day in range(first, last + 1, int(step or 1)))
    return ",".join(DAY_NAMES[day] for day in sorted(days, key=lambda d: (d - 1) % 7))


class NightlyCronTrigger(CronTrigger):
    """A CronTrigger that fires once for a time in the hour repeated when the clocks go back."""

    def get_next_fire_time(self, previous_fire_time, now):
        jitter, self.jitter = self.jitter, None  # the repeated-hour test is on the exact cron time
        try:
            fire = super().get_next_fire_time(previous_fire_time, now)
            while fire is not None and _second_pass(fire):
                # In UTC: wall-clock arithmetic on the repeated hour would land back in its first pass.
                fire = super().get_next_fire_time(None, fire.astimezone(UTC) + timedelta(seconds=1))
        finally:
            self.jitter = jitter
        return self._apply_jitter(fire, jitter, now) if fire is not None else None


def _second_pass(moment: datetime) -> bool:
    """Whether this moment's wall-clock time already happened an hour earlier (autumn's repeat)."""
    wall = moment.replace(tzinfo=None)
    return wall.replace(tzinfo=moment.tzinfo, fold=0).utcoffset() != moment.utcoffset()


def cron_trigger(schedule: str, timezone: str, jitter: int = 0) -> CronTrigger:
    """A trigger from cron fields "minute hour day month weekday" (weekday numbers as cron has them,
    0 or 7 for Sunday), with an optional leading seconds field."""
    fields = schedule.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"schedule {schedule!r}: expected 5 cron fields (minute hour day month weekday), or 6 with seconds")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    try:
        day_of_week = cron_weekdays(weekday)
    except ValueError as error:
        raise ValueError(f"schedule {schedule!r}: {error}") from None
    return NightlyCronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week,
                              timezone=ZoneInfo(timezone), jitter=jitter or None)  # fmt: skip
