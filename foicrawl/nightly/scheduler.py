"""The nightly scheduler behind `python scheduler.py`: every council on its schedule, each crawl its
own process.

    python scheduler.py                         run until stopped (SIGTERM or Ctrl-C finish cleanly)
    python scheduler.py --once [council ...]    crawl now (all councils, or those named), then exit
    python scheduler.py --list                  councils, next run times, last result
    python scheduler.py --councils FILE ...     overrides for the register (also FOICRAWL_COUNCILS_FILE)

Jobs live in the catalogue database (APScheduler's SQLAlchemyJobStore), so a run missed while the
scheduler was down runs once when it comes back (within the grace time).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor as Threads
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_SCHEDULER_START
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from foicrawl import __version__, config
from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.read_only import CatalogueMissing, read_only_sessions
from foicrawl.catalogue.session import engine_for, session_factory
from foicrawl.councils import COUNCILS_FILE_ENV, Council, did_you_mean, register, scheduler_options
from foicrawl.crawling.runs import GOOD, find_run
from foicrawl.errors import OneLineParser
from foicrawl.nightly.cron import cron_trigger
from foicrawl.nightly.scheduling import JobResult, run_council, stop_running_crawls
from foicrawl.tables import print_table
from foicrawl.urls import normalise_origin

JOB_TABLE = "apscheduler_jobs"
logger = logging.getLogger("foicrawl.nightly.scheduler")


def trigger_for(council: Council, timezone: str):
    return cron_trigger(council.schedule, timezone, council.jitter)


def job_store() -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(engine=engine_for(config.database_url()), tablename=JOB_TABLE)


def sync_jobs(scheduler, councils: dict[str, Council], timezone: str, grace: int) -> None:
    """Make a started scheduler's stored jobs match the register. An unchanged job keeps its stored
    next run time, so a run missed while the scheduler was down is not forgotten; a changed schedule,
    jitter or time zone reschedules it (the trigger's repr names all three)."""
    for slug, council in councils.items():
        trigger = trigger_for(council, timezone)
        job = scheduler.get_job(slug)
        if job is None:
            scheduler.add_job(run_council, trigger, args=[slug], id=slug, name=f"crawl {slug}",
                              coalesce=True, max_instances=1, misfire_grace_time=grace)  # fmt: skip
        elif repr(job.trigger) != repr(trigger):
            job.reschedule(trigger)
    for job in scheduler.get_jobs():
        if job.id not in councils:
            job.remove()


def last_runs() -> dict[str, CrawlRun]:
    """Each council's latest run; none where there is no catalogue yet (and none is made)."""
    try:
        sessions = read_only_sessions()
    except CatalogueMissing:
        return {}
    with sessions() as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.started_at))
        return {run.council: run for run in runs}


def list_councils(councils: dict[str, Council], timezone: str) -> int:
    zone = ZoneInfo(timezone)
    now = datetime.now(zone)
    last = last_runs()
    rows = []
    for slug, council in councils.items():
        upcoming = cron_trigger(council.schedule, timezone).get_next_fire_time(None, now)
        jitter = f" +{council.jitter // 60}m" if council.jitter else ""
        run = last.get(slug)
        result = (f"{run.started_at.astimezone(zone):%Y-%m-%d %H:%M} {run.mode} {run.status}: "
                  f"{run.releases_new} new, {run.releases_changed} changed" if run else "never run")  # fmt: skip
        rows.append([slug, council.schedule, f"{upcoming:%a %Y-%m-%d %H:%M %Z}{jitter}", council.base_url or council.origin, result])
    print_table(rows, ["council", "schedule", f"next run ({timezone}, + jitter)", "crawls", "last result"])
    return 0


def result_line(result: JobResult, run: CrawlRun | None) -> tuple[str, bool]:
    """What `--once` says of one crawl, and whether it went well. A run that kept no release because
    every page it read was dropped (a redesign the parser cannot read) says so, and is not good."""
    if result.skipped:
        return f"{result.council}: {result.status} ({result.skipped})", result.status in GOOD
    detail = f"{result.mode}, run {result.run_id}"
    if run is not None and run.releases_seen == 0 and run.items_dropped > 0:
        return (f"{result.council}: all {run.items_dropped} pages read were dropped, no release kept ({detail}; "
                f"the crawl log says why)", False)  # fmt: skip
    if run is not None:
        detail += f": {run.releases_seen} releases, {run.releases_new} new, {run.items_dropped} dropped"
    return f"{result.council}: {result.status} ({detail})", result.status in GOOD


def run_once(slugs: list[str], parallel: int) -> int:
    with Threads(max_workers=max(1, parallel)) as pool:
        results = list(pool.map(partial(run_council, progress=partial(print, flush=True)), slugs))
    with session_factory()() as session:
        lines = [result_line(result, find_run(session, result.run_id) if result.run_id else None) for result in results]
    for line, _ in lines:
        print(line)
    return 0 if all(good for _, good in lines) else 1


def run_forever(councils: dict[str, Council], options) -> int:
    grace = int(options.misfire_grace_hours * 3600)
    scheduler = BlockingScheduler(
        jobstores={"default": job_store()},
        executors={"default": ThreadPoolExecutor(max_workers=options.parallel)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        timezone=ZoneInfo(options.timezone),
    )

    def stop(signum, _frame) -> None:
        logger.info("Received %s: finishing the running crawls, then stopping", signal.Signals(signum).name)
        scheduler.shutdown(wait=False)
        stop_running_crawls()

    def started(_event) -> None:  # the job store is open, and no job has been looked at yet
        sync_jobs(scheduler, councils, options.timezone, grace)

    scheduler.add_listener(started, EVENT_SCHEDULER_START)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("Scheduler started: %s; %d crawl(s) at a time", ", ".join(councils), options.parallel)
    scheduler.start()
    stop_running_crawls()  # wait for any still finishing
    logger.info("Scheduler stopped")
    return 0


def check_register(councils: dict[str, Council], timezone: str) -> None:
    """Raise ValueError naming the first setting a crawl could not start with."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"[scheduler] timezone {timezone!r} is not a time zone name such as Europe/London") from None
    for slug, council in councils.items():
        try:
            cron_trigger(council.schedule, timezone)
            if council.base_url:
                normalise_origin(council.base_url)
        except ValueError as error:
            raise ValueError(f"council {slug!r}: {error}") from None


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"foicrawl {__version__} scheduler")
    parser.add_argument("--once", nargs="*", metavar="COUNCIL", help="crawl now, then exit")
    parser.add_argument("--list", action="store_true", help="councils, next run times, last result")
    parser.add_argument("--councils", type=Path, help=f"overrides for the register (or ${COUNCILS_FILE_ENV})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    if args.councils:
        os.environ[COUNCILS_FILE_ENV] = str(args.councils.resolve())  # the crawl processes read it too
    try:
        councils = register()
        options = scheduler_options()
        check_register(councils, options.timezone)
    except (ValueError, OSError) as error:  # a mistake in the overrides file: say it before any crawl
        parser.error(str(error))
    if args.list:
        return list_councils(councils, options.timezone)
    if args.once is not None:
        unknown = sorted(set(args.once) - set(councils))
        if unknown:
            named = ", ".join(slug + did_you_mean(slug, councils) for slug in unknown)
            parser.error(f"unknown council(s): {named}; known: {', '.join(sorted(councils))}")
        return run_once(args.once or list(councils), options.parallel)
    return run_forever(councils, options)


if __name__ == "__main__":
    sys.exit(main())
