"""The `foicrawl` command as a user runs it."""

import csv
import io
import json
import os
import subprocess
import sys

from foicrawl.catalogue.releases import EXPORT_FIELDS
from foicrawl.cli import main


def test_export_and_stats_after_crawls(replica, crawl, archive, capsys, tmp_path):
    hastings, herefordshire = replica("hastings", size=25), replica("herefordshire", size=30)
    crawl("hastings", hastings.base_url)
    crawl("herefordshire", herefordshire.base_url)
    hastings.site.dataset.edit("FOIR-395819655")
    crawl("hastings", hastings.base_url)
    capsys.readouterr()

    assert main(["export", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 55
    assert all(list(row)[: len(EXPORT_FIELDS)] == list(EXPORT_FIELDS) for row in rows)
    assert {r["council"] for r in rows} == {"hastings", "herefordshire"}

    assert main(["export", "--council", "hastings", "--all-versions"]) == 0
    versions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(versions) == 26
    assert [v["version"] for v in versions if v["case_ref"] == "FOIR-395819655"] == [1, 2]

    out = tmp_path / "herefordshire.csv"
    assert main(["export", "--format", "csv", "--council", "herefordshire", "-o", str(out)]) == 0
    assert "Wrote 30 releases" in capsys.readouterr().err
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 30 and list(table[0])[: len(EXPORT_FIELDS)] == list(EXPORT_FIELDS)
    seed = next(r for r in table if r["case_ref"] == "FOI2022/00092")
    assert (seed["published_on"], seed["title"], json.loads(seed["documents"])) == ("2022-02-08", "Performance management", [])
    assert json.loads(seed["capture"])["warc_file"].startswith("foicrawl-herefordshire-")

    assert main(["stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    hastings_line = next(line for line in lines if line.startswith("hastings"))
    assert hastings_line.split()[1:4] == ["25", "26", "0"]
    assert next(line for line in lines if line.startswith("herefordshire")).split()[1:4] == ["30", "30", "0"]
    assert any(line.startswith("WARC files: 3 in ") for line in lines)


def test_demo_crawls_every_council_and_prints_the_summary(archive):
    result = subprocess.run([sys.executable, "-m", "foicrawl.cli", "demo", "--size", "20"],
                            capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "FOICRAWL_PROGRESS_INTERVAL": "0.2"})  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    councils = ("hastings", "herefordshire", "hertfordshire")
    progress = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  Progress: ")]
    assert set(progress) == set(councils), result.stdout
    table = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.startswith(councils)}
    for council in councils:
        assert table[council][1:6] == ["20", "20", "0", "0", "0"]
    assert f"Catalogue: sqlite:///{archive}/catalogue.sqlite (60 releases, 60 versions)" in result.stdout


def test_a_crawl_with_a_bad_base_url_says_so(archive):
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hastings", "-a", "base_url=127.0.0.1:8801/x"],
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**__import__("os").environ, "SCRAPY_SETTINGS_MODULE": "foicrawl.settings"})  # fmt: skip
    assert result.returncode != 0
    assert "base_url must be an origin such as http://127.0.0.1:8801" in result.stderr
