"""The archive's ordering rule: the WARC bytes a catalogue commit points at are fsync'd first, so a
power loss can never leave committed versions pointing past the end of a recovered file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from foicrawl import settings

from helpers import catalogue

TESTS = Path(__file__).resolve().parents[1]


def test_every_commit_comes_after_the_fsync_of_the_records_it_points_at(replica, crawl, archive, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS / "crawling"), os.environ.get("PYTHONPATH", "")]))
    log = tmp_path / "probe.jsonl"
    server = replica("herefordshire", size=12)
    crawl("herefordshire", server.base_url, EXTENSIONS=json.dumps({**settings.EXTENSIONS, "durability_probe.DurabilityProbe": 0}),
          DURABILITY_PROBE_LOG=str(log))  # fmt: skip
    events = [json.loads(line) for line in log.read_text().splitlines()]
    synced: dict[str, int] = {}
    commits = 0
    for kind, name, size in events:
        if kind == "fsync":
            synced[name.removesuffix(".open")] = max(size, synced.get(name.removesuffix(".open"), 0))
        elif kind == "commit":
            commits += 1
            assert synced.get(name, 0) >= size, f"a commit points at byte {size} of {name}, synced only to {synced.get(name, 0)}"
    assert commits >= 12 and len(catalogue("herefordshire")) == 12
    fsyncs = sum(1 for kind, *_ in events if kind == "fsync")
    all_commits = sum(1 for kind, *_ in events if kind != "fsync")
    assert fsyncs <= all_commits + 5, "one fsync per commit at most (plus the file's open and close)"
