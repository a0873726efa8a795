"""One scheduled crawl of one council, as its own `scrapy crawl` process.

The job function the scheduler calls (and `scheduler.py --once`): it picks the mode (a full sweep
when the last good one is older than the council's `full_every_days`, incremental otherwise), relies on
the crawl's own council lock so a council never runs twice at once (a crawl that finds it taken
exits with ALREADY_RUNNING and is reported as skipped), and makes sure the run record tells the
truth when the crawl process dies without writing it.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from foicrawl import config
from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.session import session_factory
from foicrawl.councils import Council, scheduler_options
from foicrawl.councils import council as council_entry
from foicrawl.crawling.locks import CouncilBusy, release, take_council_lock
from foicrawl.crawling.process import following, start_crawl
from foicrawl.crawling.runs import FAILED, GOOD, OK, find_run, settle_abandoned
from foicrawl.spiders.base import ALREADY_RUNNING

logger = logging.getLogger(__name__)
_running: dict[str, subprocess.Popen] = {}  # council -> its crawl process, for a clean stop
_running_lock = threading.Lock()
_stopping = threading.Event()


@dataclass
class JobResult:
    council: str
    run_id: str | None
    mode: str | None
    status: str
    returncode: int | None = None
    skipped: str | None = None


def choose_mode(slug: str, full_every_days: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    with session_factory()() as session:
        last_full = session.scalar(
            select(CrawlRun.started_at)
            .where(CrawlRun.council == slug, CrawlRun.mode == "full", CrawlRun.status.in_(GOOD))
            .order_by(CrawlRun.started_at.desc()).limit(1)
        )  # fmt: skip
    return "full" if last_full is None or now - last_full >= timedelta(days=full_every_days) else "incremental"


def ending(returncode: int) -> str:
    return f"killed by signal {-returncode}" if returncode < 0 else f"crawl process exited with code {returncode}"


def settle_run(slug: str, run_id: str, mode: str, origin: str, started: datetime, returncode: int) -> str:
    """The run's final status. A crawl process that died (killed, crashed, timed out) never wrote its
    ending: its run is marked failed with how it ended, and its WARC file made whole."""
    if returncode != 0:
        try:
            lock = take_council_lock(slug)
        except CouncilBusy:
            lock = None  # a new crawl of the council has started: it settles what this one left
        if lock is not None:
            try:
                settle_abandoned(slug, ending(returncode))
            finally:
                release(lock)
    with session_factory().begin() as session:
        run = find_run(session, run_id)
        if run is None:  # died before the spider opened: still a run that failed
            run = CrawlRun(run_id=run_id, council=slug, mode=mode, origin=origin, started_at=started,
                           status=FAILED if returncode else OK, finish_reason=ending(returncode) if returncode else None,
                           finished_at=datetime.now(UTC))  # fmt: skip
            session.add(run)
        return run.status


def run_council(slug: str, mode: str | None = None, progress: Callable[[str], None] | None = None) -> JobResult:
    """Crawl one council now. The scheduler's job; safe to call from several threads. `progress` is
    handed each progress line the crawl logs."""
    if _stopping.is_set():
        return JobResult(slug, None, mode, "skipped", skipped="the scheduler is stopping")
    entry: Council = council_entry(slug)
    options = scheduler_options()
    mode = mode or choose_mode(slug, entry.full_every_days)
    origin = entry.base_url or entry.origin
    log_path = config.archive_dir() / "logs" / f"{slug}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{mode}.log"
    started = datetime.now(UTC)
    settings = {k: str(v) for k, v in entry.settings.items()}
    process, run_id = start_crawl(slug, entry.base_url, mode, settings, log_path, own_session=True)
    logger.info("Crawling %s (%s, run %s); log %s", slug, mode, run_id, log_path)
    with _running_lock:
        _running[slug] = process
    try:
        with following(log_path, progress):
            returncode = process.wait(timeout=options.crawl_timeout_hours * 3600)
    except subprocess.TimeoutExpired:
        logger.error("%s ran past %.1f hours: stopping it", slug, options.crawl_timeout_hours)
        process.kill()
        returncode = process.wait()
    finally:
        with _running_lock:
            _running.pop(slug, None)
    if returncode == ALREADY_RUNNING:
        logger.warning("%s is already being crawled: this run is skipped", slug)
        return JobResult(slug, None, mode, "skipped", returncode, skipped="already running")
    status = settle_run(slug, run_id, mode, origin, started, returncode)
    logger.info("Crawl of %s ended: %s (exit code %s)", slug, status, returncode)
    return JobResult(slug, run_id, mode, status, returncode)


def stop_running_crawls(timeout: float = 120.0) -> None:
    """Ask every running crawl to finish (SIGTERM: Scrapy closes the spider and its WARC file),
    and wait for them; one that does not stop in time is killed."""
    _stopping.set()
    with _running_lock:
        processes = dict(_running)
    for slug, process in processes.items():
        if process.poll() is not None or getattr(process, "stop_requested", False):
            continue  # a second SIGTERM would make Scrapy stop at once, without closing cleanly
        logger.info("Stopping the crawl of %s (pid %d)", slug, process.pid)
        process.stop_requested = True
        try:
            process.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
    for process in processes.values():
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
