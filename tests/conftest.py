"""Shared test helpers: saved pages, a replica on 127.0.0.1, crawls run as real `scrapy crawl`."""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import pytest
from pg import postgres  # noqa: F401  (a fixture: a throwaway PostgreSQL server)

from foicrawl.crawling.process import UNTHROTTLED, run_crawl
from foicrawl.replica.dataset import generate
from foicrawl.replica.proxy import MisbehavingProxy
from foicrawl.replica.server import build_site, serving

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
FAST = {**UNTHROTTLED, "FOICRAWL_RETRY_BACKOFF_BASE": "0.05", "LOG_LEVEL": "INFO"}


def fixture_page(name: str) -> tuple[str, str]:
    """A saved page's text and the URL it was saved from."""
    urls = json.loads((FIXTURES / "urls.json").read_text())
    return (FIXTURES / name).read_text(encoding="utf-8"), urls[name]


def expected(name: str) -> dict:
    return json.loads((FIXTURES / name.replace(".html", ".json")).read_text(encoding="utf-8"))


@pytest.fixture
def archive(tmp_path, monkeypatch) -> Path:
    """A fresh FOICRAWL_ARCHIVE_DIR (and so a fresh SQLite catalogue) for this test."""
    directory = tmp_path / "archive"
    monkeypatch.setenv("FOICRAWL_ARCHIVE_DIR", str(directory))
    monkeypatch.delenv("FOICRAWL_DATABASE_URL", raising=False)
    return directory


@pytest.fixture
def replica():
    """Start replica sites: replica("hastings", size=..., faults=(...)) -> the running server."""
    with ExitStack() as stack:

        def start(council: str, size: int = 60, seed: int = 1, today: date | None = None, **options):
            site = build_site(council, generate(council, size=size, seed=seed, today=today), **options)
            return stack.enter_context(serving(site))

        yield start


@pytest.fixture
def proxy():
    """Put a misbehaving proxy in front of a site: proxy(upstream_origin) -> the running proxy."""
    with ExitStack() as stack:

        def start(upstream: str) -> MisbehavingProxy:
            return stack.enter_context(MisbehavingProxy(upstream))

        yield start


@pytest.fixture
def crawl(archive):
    """Run `scrapy crawl` against a replica; returns the process record and its log text."""

    def run(council: str, base_url: str, mode: str = "full", returncode: int = 0, **settings):
        logs = archive / "logs"
        log = logs / f"{council}-{len(list(logs.glob('*.log'))) if logs.exists() else 0}.log"
        process = run_crawl(council, base_url, mode, {**FAST, **{k: str(v) for k, v in settings.items()}},
                            log_file=log, timeout=600)  # fmt: skip
        text = log.read_text(encoding="utf-8", errors="replace")
        assert process.returncode == returncode, text[-3000:]
        return process, text

    return run

