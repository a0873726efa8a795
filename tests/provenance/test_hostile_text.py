"""Text a crawled page controls is data everywhere: never template source, never a formula, never a
path. One small archive of a council whose releases carry hostile titles and references, crawled
for real, then served (and stopped), exported and replayed."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from foicrawl.crawling.process import run_crawl
from foicrawl.replica.dataset import generate
from foicrawl.replica.server import build_site, serving

from conftest import FAST

HOSTILE_TITLES = [
    "{{ 7*7 }} and {{ 6*7 }}",
    "{% for i in range(3) %}loop{% endfor %} {# hidden #}",
    "{{ lipsum.__globals__['os'].getcwd() }}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "<script>alert('title')</script> <b>bold</b> &amp; {%raw%}",
    '=HYPERLINK("http://evil.example/","click")',
    "+1+2",
    "-2+3 minus",
    "@SUM(A1:A2)",
    "Terminal \x1b]0;pwned\x07\x1b[2J title \u202eoverride",
]
HOSTILE_REF = "FOI2024/../../x y"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Herefordshire with hostile titles (and one odd reference), crawled once."""
    directory = tmp_path_factory.mktemp("hostile") / "archive"
    site = build_site("herefordshire", generate("herefordshire", size=len(HOSTILE_TITLES) + 2, seed=3))
    releases = [r for r in site.dataset.listed() if r.case_ref != "FOI2022/00092"]
    for release, title in zip(releases, HOSTILE_TITLES, strict=False):
        release.title = title
    releases[-1].case_ref = HOSTILE_REF
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOICRAWL_ARCHIVE_DIR", str(directory))
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        with serving(site) as server:
            process = run_crawl("herefordshire", server.base_url, settings=FAST, log_file=directory / "crawl.log")
            assert process.returncode == 0, (directory / "crawl.log").read_text()[-3000:]
    return directory


def foicrawl(*args: str, archive: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "FOICRAWL_ARCHIVE_DIR": str(archive)}
    env.pop("FOICRAWL_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "foicrawl.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False, **kwargs)  # fmt: skip


def start_replay_server(archive: Path, port: str = "0") -> tuple[subprocess.Popen, str]:
    """`foicrawl replay --serve` as a person starts it; returns the process and the URL it prints."""
    env = {**os.environ, "FOICRAWL_ARCHIVE_DIR": str(archive)}
    env.pop("FOICRAWL_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "foicrawl.cli", "replay", "--serve", "--port", port], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              start_new_session=True)  # fmt: skip
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, f"no URL in {line!r}"
    url = match[0]
    server.pywb_pid = int(re.search(r"pywb pid (\d+)", line)[1]) if "pywb pid" in line else None
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return server, url
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"pywb did not answer at {url}")


def stop_group(server: subprocess.Popen) -> None:
    """End the replay server and anything it left (its own process group: we started it)."""
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait(timeout=10)


def exported(archive: Path) -> list[dict]:
    result = foicrawl("export", "--format", "jsonl", archive=archive)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def stored_titles(archive: Path) -> list[str]:
    return [row["title"] for row in exported(archive)]


def test_the_replay_front_page_shows_hostile_titles_as_text(hostile):
    titles = stored_titles(hostile)
    assert set(HOSTILE_TITLES) <= set(titles), "the crawl stored every title as the page showed it"
    server, url = start_replay_server(hostile)
    try:
        front = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
    finally:
        stop_group(server)
    links = [html.unescape(text) for text in re.findall(r"<a href=\"/foicrawl/[^\"]+\">([^<]*)</a>", front)]
    assert sorted(links) == sorted(titles), "every title shown exactly as stored, none evaluated"
    assert "<script>alert" not in front and "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in front
    assert "looploop" not in front and str(os.getcwd()) not in front


def test_csv_cells_that_would_be_formulas_are_text_and_jsonl_stays_exact(hostile, tmp_path):
    rows = {row["case_ref"]: row for row in exported(hostile)}
    assert set(HOSTILE_TITLES) <= {row["title"] for row in rows.values()}, "JSON Lines keeps every title exact"
    out = tmp_path / "releases.csv"
    assert foicrawl("export", "--format", "csv", "-o", str(out), archive=hostile).returncode == 0
    table = {row["case_ref"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert table.keys() == rows.keys()
    for ref, row in rows.items():
        title = row["title"]
        expected = "'" + title if title[0] in "=+-@" else title
        assert table[ref]["title"] == expected
    formulas = [cell for row in table.values() for cell in row.values() if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert formulas == [], "no cell starts a formula"


def test_replay_writes_a_plain_file_name_and_prints_no_control_characters(hostile, tmp_path):
    result = foicrawl("replay", HOSTILE_REF, archive=hostile, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["herefordshire-FOI2024-x-y-v1.html"]
    terminal = next(r for r in exported(hostile) if r["title"].startswith("Terminal"))
    shown = foicrawl("replay", terminal["case_ref"], "--out", str(tmp_path / "t.html"), archive=hostile)
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout and "\x07" not in shown.stdout
    title_line = next(line for line in shown.stdout.splitlines() if line.startswith("title"))
    assert title_line.endswith("Terminal \\x1b]0;pwned\\x07\\x1b[2J title \\u202eoverride")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_replay_serve_stops_pywb(signum, hostile):
    server, url = start_replay_server(hostile)
    try:
        pywb = server.pywb_pid
        assert pywb and pywb != server.pid and alive(pywb), "the pywb process it started, by its pid"
        server.send_signal(signum)  # to foicrawl alone, as `kill` or a service manager does
        assert server.wait(timeout=20) == 0
        deadline = time.monotonic() + 10
        while alive(pywb) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pywb), "pywb stopped with foicrawl"
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)
    finally:
        stop_group(server)
