"""A long crawl says how it is going every few seconds: pages, releases, rate, and time left when the
listing announces its total."""

from __future__ import annotations

import re

import pytest

from foicrawl.crawling.progress import progress_line

LINE = re.compile(r"Progress: (\w+) (\d+) pages, (\d+)(?: of (\d+))? releases \((\d+\.\d) pages/s\)(?:, about (.+) left)?$")


@pytest.mark.parametrize(
    ("pages", "releases", "seconds", "total", "line"),
    [
        (120, 100, 10.0, 520, "Progress: x 120 pages, 100 of 520 releases (12.0 pages/s), about 42 s left"),
        (120, 100, 60.0, 520, "Progress: x 120 pages, 100 of 520 releases (2.0 pages/s), about 4 min left"),
        (120, 100, 10.0, None, "Progress: x 120 pages, 100 releases (12.0 pages/s)"),
        (5, 0, 10.0, 520, "Progress: x 5 pages, 0 of 520 releases (0.5 pages/s)"),  # no rate yet to guess from
        (0, 0, 0.0, None, "Progress: x 0 pages, 0 releases (0.0 pages/s)"),
    ],
)
def test_progress_line(pages, releases, seconds, total, line):
    assert progress_line("x", pages, releases, seconds, total) == line


def test_scrapy_crawl_logs_progress_with_an_estimate_from_the_announced_total(replica, crawl):
    server = replica("herefordshire", size=60)
    _, log = crawl("herefordshire", server.base_url, FOICRAWL_PROGRESS_INTERVAL=0.25, DOWNLOAD_DELAY=0.03,
                   CONCURRENT_REQUESTS_PER_DOMAIN=1)  # fmt: skip
    lines = [LINE.search(line) for line in log.splitlines() if "foicrawl.progress" in line]
    assert len(lines) >= 3 and all(lines), log[-3000:]
    pages = [int(m[2]) for m in lines]
    releases = [int(m[3]) for m in lines]
    assert pages == sorted(pages) and releases == sorted(releases) and releases[-1] > releases[0]
    assert all(m[1] == "herefordshire" and float(m[5]) > 0 for m in lines if int(m[2]))
    announced = [m for m in lines if m[4]]
    assert announced and {m[4] for m in announced} == {"60"}, "the listing's announced total"
    assert any(m[6] for m in announced if 0 < int(m[3]) < 60), "an estimate of the time left"
