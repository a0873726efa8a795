"""Running a crawl as its own `scrapy crawl` process, as a person would from the shell.

One process a crawl keeps a crashing crawl (or browser) from taking its caller down, and gives each
crawl a fresh Twisted reactor.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MODES = ("full", "incremental")  # see spiders/base.py
PROGRESS_MARK = "Progress: "  # the progress lines a crawl logs (crawling/progress.py)
# A replica on this machine can take the crawl at full speed; live sites never get this.
UNTHROTTLED = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "FOICRAWL_RETRY_BACKOFF_BASE": "0.2",
}


@dataclass
class CrawlProcess:
    council: str
    run_id: str
    returncode: int
    log_file: Path | None


def crawl_command(council: str, base_url: str | None = None, mode: str = "full", run_id: str | None = None,
                  settings: dict[str, str] | None = None, spider_args: dict[str, str] | None = None) -> list[str]:  # fmt: skip
    command = [sys.executable, "-m", "scrapy", "crawl", council, "-a", f"mode={mode}"]
    if base_url:
        command += ["-a", f"base_url={base_url}"]
    for name, value in (spider_args or {}).items():  # e.g. moderngov_url, a stand-in for the ModernGov site
        command += ["-a", f"{name}={value}"]
    if run_id:
        command += ["-a", f"run_id={run_id}"]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return command


def crawl_environment() -> dict[str, str]:
    """The caller's environment, with Scrapy pointed at foicrawl's settings from any directory."""
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "foicrawl.settings"}


def start_crawl(council: str, base_url: str | None = None, mode: str = "full", settings: dict[str, str] | None = None,
                log_file: Path | None = None, own_session: bool = False,
                spider_args: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:  # fmt: skip
    """Start crawling one council; returns the process and its run id. The log goes to `log_file`
    (else to our stderr). With `own_session`, a Ctrl-C at our terminal does not reach the crawl:
    the caller (the scheduler) stops it itself."""
    run_id = uuid.uuid4().hex
    command = crawl_command(council, base_url, mode, run_id, settings, spider_args)
    if not log_file:
        return subprocess.Popen(command, env=crawl_environment(), start_new_session=own_session), run_id
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, env=crawl_environment(), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=own_session)  # fmt: skip
    return process, run_id


def run_crawl(council: str, base_url: str | None = None, mode: str = "full", settings: dict[str, str] | None = None,
              log_file: Path | None = None, timeout: float | None = None,
              spider_args: dict[str, str] | None = None,
              progress: Callable[[str], None] | None = None) -> CrawlProcess:  # fmt: skip
    """Crawl one council and wait for it; `progress` is handed each progress line the crawl logs."""
    process, run_id = start_crawl(council, base_url, mode, settings, log_file, spider_args=spider_args)
    with following(log_file, progress):
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return CrawlProcess(council, run_id, returncode, log_file)


@contextmanager
def following(log_file: Path | None, progress: Callable[[str], None] | None) -> Iterator[None]:
    """While the block runs, hand `progress` each progress line the crawl writes to `log_file`."""
    if log_file is None or progress is None:
        yield
        return
    done = threading.Event()
    thread = follow_progress(log_file, progress, done)
    try:
        yield
    finally:
        done.set()
        thread.join()


def follow_progress(log_file: Path, show: Callable[[str], None], done: threading.Event, every: float = 1.0) -> threading.Thread:
    """Hand each progress line a crawl writes to `log_file` to `show` (the text from "Progress: "
    on), until `done` is set; returns the thread doing it."""

    def follow() -> None:
        offset, partial = 0, b""
        while True:
            finished = done.wait(every)
            try:
                with open(log_file, "rb") as log:
                    log.seek(offset)
                    chunk = log.read()
            except FileNotFoundError:
                chunk = b""
            offset += len(chunk)
            *lines, partial = (partial + chunk).split(b"\n")
            for raw in lines:
                text = raw.decode("utf-8", "replace")
                if "foicrawl.progress" in text and PROGRESS_MARK in text:
                    show(text[text.index(PROGRESS_MARK):])
            if finished:
                return

    thread = threading.Thread(target=follow, name=f"progress {log_file.name}", daemon=True)
    thread.start()
    return thread
