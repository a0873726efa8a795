"""Cron fields into triggers: the days cron means, once a night across clock changes, and stored jobs
that follow a change of time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from foicrawl.nightly.cron import cron_trigger, cron_weekdays

LONDON = ZoneInfo("Europe/London")


def fire_times(schedule: str, start: datetime, days: int, timezone: str = "Europe/London", jitter: int = 0) -> list[datetime]:
    trigger = cron_trigger(schedule, timezone, jitter)
    end, fired, previous, now = start + timedelta(days=days), [], None, start
    while (fire := trigger.get_next_fire_time(previous, now)) is not None and fire < end:
        fired.append(fire)
        previous = now = fire
    return fired


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("*", "*"),
        ("0-6", "mon,tue,wed,thu,fri,sat,sun"),
        ("0-2", "mon,tue,sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/2", "tue,thu,sat,sun"),  # cron's 0,2,4,6
        ("1-5/2", "mon,wed,fri"),
        ("5-7", "fri,sat,sun"),
        ("0,7", "sun"),
        ("7", "sun"),
        ("sun,wed", "wed,sun"),
        ("Mon-Fri", "mon,tue,wed,thu,fri"),
        ("1/3", "mon,thu"),
    ],
)
def test_weekdays_are_the_days_cron_means(field, days):
    assert cron_weekdays(field) == days


@pytest.mark.parametrize(("field", "message"), [("8", "'8' is not a day"), ("5-1", "runs backwards"),
                                                ("*/0", "step '0' is not a positive number"), ("x", "'x' is not a day")])  # fmt: skip
def test_a_weekday_cron_cannot_mean_is_refused_clearly(field, message):
    with pytest.raises(ValueError, match=message):
        cron_trigger(f"0 2 * * {field}", "Europe/London")


@pytest.mark.parametrize(
    ("weekday", "fired_on"),
    [
        ("*/2", ["Sun", "Tue", "Thu", "Sat", "Sun", "Tue", "Thu", "Sat"]),
        ("0-6", ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] * 2),
        ("0-2", ["Sun", "Mon", "Tue"] * 2),
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"] * 2),
    ],
)
def test_the_trigger_fires_on_those_days(weekday, fired_on):
    sunday = datetime(2026, 11, 1, tzinfo=LONDON)
    fired = fire_times(f"0 2 * * {weekday}", sunday, 14)
    assert [f"{moment:%a}" for moment in fired] == fired_on
    assert {(moment.hour, moment.minute) for moment in fired} == {(2, 0)}


@pytest.mark.parametrize("jitter", [0, 600])
def test_a_dst_week_fires_once_a_night(jitter):
    # Spring: 01:30 does not exist on Sunday 29 March 2026 (01:00 GMT -> 02:00 BST); the crawl runs
    # just after the jump. Autumn: 01:30 happens twice on 25 October 2026; the crawl runs once.
    spring = fire_times("30 1 * * *", datetime(2026, 3, 26, 12, tzinfo=LONDON), 7, jitter=jitter)
    autumn = fire_times("30 1 * * *", datetime(2026, 10, 22, 12, tzinfo=LONDON), 7, jitter=jitter)
    for week in (spring, autumn):
        assert len(week) == 7 and len({moment.date() for moment in week}) == 7, week
        assert all(timedelta(0) <= moment - moment.replace(minute=30, second=0, microsecond=0) <= timedelta(seconds=jitter)
                   for moment in week if moment.hour == 1)  # fmt: skip
    repeat = next(moment for moment in autumn if moment.date().isoformat() == "2026-10-25")
    assert repeat.utcoffset() == timedelta(hours=1), "the first 01:30 (BST), not the second (GMT)"
    if not jitter:
        assert [f"{m:%m-%d %H:%M %Z}" for m in spring if m.day in (28, 29, 30)] == [
            "03-28 01:30 GMT", "03-29 01:30 GMT", "03-30 01:30 BST"]  # 01:30 GMT on the 29th is 02:30 BST  # fmt: skip
        assert [f"{m:%m-%d %H:%M %Z}" for m in autumn if m.day in (24, 25, 26)] == [
            "10-24 01:30 BST", "10-25 01:30 BST", "10-26 01:30 GMT"]  # fmt: skip


def test_changing_the_scheduler_time_zone_reschedules_stored_jobs(archive):
    from apscheduler.schedulers.background import BackgroundScheduler

    from foicrawl.councils import Council
    from foicrawl.nightly.scheduler import job_store, sync_jobs

    def paused() -> BackgroundScheduler:
        scheduler = BackgroundScheduler(jobstores={"default": job_store()})
        scheduler.start(paused=True)
        return scheduler

    councils = {"hastings": Council(slug="hastings", name="Hastings", platform="hastings",
                                    origin="https://www.hastings.gov.uk", schedule="0 2 * * *", jitter=0)}  # fmt: skip
    first = paused()
    sync_jobs(first, councils, "Europe/London", grace=3600)
    london = first.get_job("hastings").next_run_time
    first.shutdown(wait=False)

    again = paused()  # restarted with [scheduler] timezone changed
    sync_jobs(again, councils, "America/New_York", grace=3600)
    job = again.get_job("hastings")
    assert str(job.trigger.timezone) == "America/New_York"
    assert (job.next_run_time.astimezone(ZoneInfo("America/New_York")).hour, job.next_run_time.minute) == (2, 0)
    assert job.next_run_time != london
    again.shutdown(wait=False)
