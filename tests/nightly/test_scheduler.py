"""scheduler.py as a user runs it: --once, --list, left running on a schedule, a crawl killed, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil

from foicrawl.cli import main
from foicrawl.crawling.locks import recorded_holder

from helpers import catalogue, runs

ROOT = Path(__file__).resolve().parents[2]
FAST = 'settings = { AUTOTHROTTLE_ENABLED = "False", DOWNLOAD_DELAY = "0", CONCURRENT_REQUESTS_PER_DOMAIN = "8" }'
SLOW = 'settings = { AUTOTHROTTLE_ENABLED = "False", DOWNLOAD_DELAY = "0.05", CONCURRENT_REQUESTS_PER_DOMAIN = "1" }'


def councils_file(tmp_path, servers: dict, schedule: str = "0 2 * * *", settings: str = FAST, jitter: int = 0) -> Path:
    text = "[scheduler]\nparallel = 2\n"
    for slug, server in servers.items():
        text += f'\n[{slug}]\nbase_url = "{server.base_url}"\nschedule = "{schedule}"\njitter = {jitter}\n{settings}\n'
    path = tmp_path / "councils.toml"
    path.write_text(text)
    return path


def scheduler(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scheduler.py"), *args], capture_output=True, text=True,
                          timeout=600, check=False, **kwargs)  # fmt: skip


def test_once_crawls_both_councils_and_records_the_runs(replica, archive, tmp_path):
    servers = {"hastings": replica("hastings", size=40), "herefordshire": replica("herefordshire", size=45)}
    config = councils_file(tmp_path, servers)
    # not the portal: it has no replica here
    result = scheduler("--councils", str(config), "--once", *servers, env={**os.environ, "FOICRAWL_PROGRESS_INTERVAL": "0.2"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hastings: ok (full, run " in result.stdout and "herefordshire: ok (full, run " in result.stdout
    assert ": 40 releases, 40 new, 0 dropped)" in result.stdout and ": 45 releases, 45 new, 0 dropped)" in result.stdout
    progress = [line for line in result.stdout.splitlines() if line.startswith("Progress: ")]
    assert {line.split()[1] for line in progress} == {"hastings", "herefordshire"}, result.stdout
    recorded = {r.council: r for r in runs()}
    assert {c: (r.mode, r.status, r.releases_new) for c, r in recorded.items()} == {
        "hastings": ("full", "ok", 40), "herefordshire": ("full", "ok", 45)}  # fmt: skip
    assert all(r.warc_files and r.requests > 40 and r.finished_at for r in recorded.values())

    again = scheduler("--councils", str(config), "--once", "hastings")
    assert again.returncode == 0 and "hastings: ok (incremental, run " in again.stdout
    assert [r.mode for r in runs("hastings")] == ["full", "incremental"]

    listing = scheduler("--councils", str(config), "--list")
    assert listing.returncode == 0
    tomorrow = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=1)).strftime("%Y-%m-%d")
    lines = {line.split()[0]: line for line in listing.stdout.splitlines()[2:]}
    for slug in servers:
        assert f"{tomorrow} 02:00" in lines[slug] or f"{datetime.now(ZoneInfo('Europe/London')):%Y-%m-%d} 02:00" in lines[slug]
    assert "incremental ok: 0 new" in lines["hastings"] and "full ok: 45 new" in lines["herefordshire"]


def test_once_says_when_every_page_was_dropped(replica, archive, tmp_path):
    server = replica("herefordshire", size=12)
    server.site.theme = "broken"  # a redesign the parser cannot read: every release page is dropped
    result = scheduler("--councils", str(councils_file(tmp_path, {"herefordshire": server})), "--once")
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("herefordshire:"))
    assert line.startswith("herefordshire: all 12 pages read were dropped, no release kept (full, run "), line


def test_unknown_council_is_refused(archive):
    result = scheduler("--once", "atlantis")
    assert result.returncode == 2 and "unknown council(s): atlantis" in result.stderr


def crawl_of(daemon: subprocess.Popen, council: str) -> int | None:
    """The crawl of `council` that our scheduler started, if one is running: the pid the council's
    lock (in this test's archive) records, when that process is alive and a child of our scheduler.
    Never a process of anyone else's, whatever its command line."""
    pid = recorded_holder(council)
    if not pid:
        return None
    try:
        ours = [child.pid for child in psutil.Process(daemon.pid).children() if is_running(child.pid)]
    except psutil.NoSuchProcess:
        return None
    return pid if pid in ours else None


def is_running(pid: int) -> bool:
    """Whether the process is alive (a zombie is not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_for(condition, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds}s waiting for {condition}")


def test_left_running_it_crawls_on_schedule_survives_a_killed_crawl_and_stops_cleanly(replica, archive, tmp_path):
    hastings, herefordshire = replica("hastings", size=300), replica("herefordshire", size=60)
    soon = datetime.now(ZoneInfo("Europe/London")) + timedelta(seconds=8)
    config = tmp_path / "councils.toml"
    config.write_text(
        "[scheduler]\nparallel = 2\n"
        # Herefordshire once, in a few seconds; Hastings every 15 seconds, slowly, to be killed mid-crawl.
        f'[herefordshire]\nbase_url = "{herefordshire.base_url}"\njitter = 0\n'
        f'schedule = "{soon.second} {soon.minute} {soon.hour} * * *"\n{FAST}\n'
        f'[hastings]\nbase_url = "{hastings.base_url}"\njitter = 0\nschedule = "*/15 * * * * *"\n{SLOW}\n'
    )
    # Someone else's crawl of Hastings on this machine (its command line says so): never ours to kill.
    decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "-m", "scrapy", "crawl", "hastings"])
    log = open(tmp_path / "scheduler.log", "w")
    daemon = subprocess.Popen([sys.executable, str(ROOT / "scheduler.py"), "--councils", str(config)],
                              stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())  # fmt: skip
    try:
        victim = wait_for(lambda: crawl_of(daemon, "hastings"), 60)
        # Kill it mid-crawl: once it has begun writing its WARC file (on a busy machine, start-up
        # alone can take seconds).
        wait_for(lambda: list((archive / "warc").glob("foicrawl-hastings-*.open")), 60)
        time.sleep(1)
        os.kill(victim, signal.SIGKILL)
        failed = wait_for(lambda: [r for r in runs("hastings") if r.status == "failed"], 30)[0]
        assert failed.finish_reason == "killed by signal 9"
        # The killed crawl's WARC file was made whole and named: what it stored can be verified.
        assert failed.warc_files and (archive / "warc" / failed.warc_files[0]).exists()
        assert not list((archive / "warc").glob("foicrawl-hastings-*.open"))

        done = wait_for(lambda: [r for r in runs("herefordshire") if r.status == "ok"], 60)[0]
        assert done.releases_new == 60 and len(catalogue("herefordshire")) == 60

        # The scheduler goes on: Hastings' next turn starts a new crawl.
        assert daemon.poll() is None
        second = wait_for(lambda: crawl_of(daemon, "hastings") not in (None, victim) and crawl_of(daemon, "hastings"), 30)
        wait_for(lambda: len(runs("hastings")) == 2, 30)
        time.sleep(2)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=120) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
        log.close()
    text = (tmp_path / "scheduler.log").read_text()
    assert "Received SIGTERM" in text and "Scheduler stopped" in text
    stopped = runs("hastings")[-1]
    assert (stopped.status, stopped.finish_reason) == ("interrupted", "shutdown")
    assert not any(is_running(pid) for pid in (victim, second)), \
        "no crawl of ours outlived the scheduler"
    assert decoy.poll() is None, "a crawl of someone else's on this machine was left alone"
    decoy.kill()
    decoy.wait()
    # The stopped crawl closed its WARC file, and what it stored is in the catalogue.
    assert stopped.warc_files and (archive / "warc" / stopped.warc_files[0]).exists()
    assert len(catalogue("hastings")) >= stopped.releases_new > 0
    assert main(["verify"]) == 0, "every release stored, by the killed crawl too, is backed by its record"


def paused_scheduler():
    """The job store as the scheduler sees it, without running anything. (Left paused, never shut
    down: APScheduler looks at due jobs once more when a paused scheduler shuts down.)"""
    from apscheduler.schedulers.background import BackgroundScheduler

    from foicrawl.nightly.scheduler import job_store

    probe = BackgroundScheduler(jobstores={"default": job_store()})
    probe.start(paused=True)
    return probe


def test_jobs_persist_and_a_missed_run_is_kept_when_the_scheduler_comes_back(replica, archive, tmp_path, monkeypatch):
    from foicrawl.councils import register
    from foicrawl.nightly.scheduler import sync_jobs

    monkeypatch.setenv("FOICRAWL_COUNCILS_FILE", str(councils_file(tmp_path, {"hastings": replica("hastings", size=5)})))
    councils = {"hastings": register()["hastings"]}
    first = paused_scheduler()
    sync_jobs(first, councils, "Europe/London", grace=3600)
    job = first.get_job("hastings")
    assert job is not None and (job.next_run_time.hour, job.next_run_time.minute) == (2, 0)
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    missed = datetime.now(ZoneInfo("Europe/London")) - timedelta(minutes=30)
    job.modify(next_run_time=missed)  # as if the scheduler was down at 02:00

    again = paused_scheduler()  # a restart: a new scheduler on the same database
    sync_jobs(again, councils, "Europe/London", grace=3600)
    assert again.get_job("hastings").next_run_time == missed, "the missed run is still due: it runs once on start"

    councils["hastings"] = register()["hastings"].__class__(**{**vars(councils["hastings"]), "schedule": "15 3 * * *"})
    sync_jobs(again, councils, "Europe/London", grace=3600)
    assert (again.get_job("hastings").next_run_time.hour, again.get_job("hastings").next_run_time.minute) == (3, 15)
