"""A user's ordinary mistakes: one clear line on standard error, a non-zero exit, no traceback, and
nothing written (a command that only reads never makes an archive)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from foicrawl.cli import main

ROOT = Path(__file__).resolve().parents[2]
READ_ONLY_COMMANDS = [["export"], ["export", "--format", "csv"], ["stats"], ["verify"], ["replay", "FOIR-1"],
                      ["runs"], ["health"]]  # fmt: skip


@pytest.fixture
def empty_folder(tmp_path, monkeypatch) -> Path:
    """An empty working folder, no FOICRAWL_ARCHIVE_DIR: where a newcomer first types a command."""
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("FOICRAWL_ARCHIVE_DIR", raising=False)
    monkeypatch.delenv("FOICRAWL_DATABASE_URL", raising=False)
    return folder


def one_line_error(capsys, code: int, expected_code: int = 2) -> str:
    captured = capsys.readouterr()
    assert code == expected_code, captured
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def run_main(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:  # argparse's errors
        return exit_.code


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_an_unknown_council_names_the_known_ones(command, empty_folder, capsys):
    line = one_line_error(capsys, run_main([*command, "--council", "hasting"]))
    assert line.startswith(f"foicrawl {command[0]}: argument --council: unknown council 'hasting' (did you mean hastings?)")
    assert "known: hastings, herefordshire" in line
    assert list(empty_folder.iterdir()) == []


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_a_folder_with_no_archive_is_told_where_we_looked(command, empty_folder, capsys):
    line = one_line_error(capsys, run_main(command))
    assert line == (f"foicrawl {command[0]}: no archive at {empty_folder}/archive (./archive: FOICRAWL_ARCHIVE_DIR is not "
                    "set): run foicrawl from the folder that holds archive/, or set FOICRAWL_ARCHIVE_DIR to the archive folder")  # fmt: skip
    assert list(empty_folder.iterdir()) == [], "a command that only reads made nothing"


def test_an_archive_dir_that_is_not_there_is_named(empty_folder, capsys, monkeypatch):
    monkeypatch.setenv("FOICRAWL_ARCHIVE_DIR", str(empty_folder / "elsewhere"))
    line = one_line_error(capsys, run_main(["export"]))
    assert line == f"foicrawl export: no archive at {empty_folder}/elsewhere (set by FOICRAWL_ARCHIVE_DIR): check FOICRAWL_ARCHIVE_DIR"
    assert list(empty_folder.iterdir()) == []


def test_the_scheduler_and_scrapy_refuse_an_unknown_council(empty_folder):
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "foicrawl.settings"}
    once = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "--once", "hasting"], capture_output=True,
                          text=True, timeout=60, check=False, env=env)  # fmt: skip
    assert once.returncode == 2
    assert once.stderr.splitlines() == ["scheduler.py: unknown council(s): hasting (did you mean hastings?); known: "
                                        "hastings, herefordshire, hertfordshire (see scheduler.py --help)"]  # fmt: skip
    crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hasting"], capture_output=True, text=True,
                           timeout=60, check=False, env=env)  # fmt: skip
    assert crawl.returncode == 2 and "Traceback" not in crawl.stderr
    assert crawl.stderr.splitlines() == ["scrapy crawl: unknown council 'hasting' (did you mean hastings?); known: hastings, herefordshire, hertfordshire"]
    assert list(empty_folder.iterdir()) == [], "nothing crawled, nothing written"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "-o", "missing/releases.jsonl"], "foicrawl export: argument -o/--output: cannot write "
         "missing/releases.jsonl: the folder missing does not exist"),
        (["export", "--format", "wacz", "-o", "missing/a.wacz"], "foicrawl export: argument -o/--output: cannot write "
         "missing/a.wacz: the folder missing does not exist"),
        (["replay", "FOIR-1", "--out", "missing/page.html"], "foicrawl replay: argument --out: cannot write "
         "missing/page.html: the folder missing does not exist"),
        (["runs", "--since", "2024-02-30"], "foicrawl runs: argument --since: '2024-02-30' is not a date: write it as "
         "YYYY-MM-DD, e.g. 2024-03-31"),
        (["replay", "--serve", "--port", "http"], "foicrawl replay: argument --port: 'http' is not a port: give a number "
         "from 1 to 65535 (0 picks a free one)"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_a_mistyped_argument_is_one_line(argv, message, empty_folder, capsys):
    assert one_line_error(capsys, run_main(argv)) == f"{message} (see foicrawl {argv[0]} --help)"
    assert list(empty_folder.iterdir()) == []


def test_a_port_in_use_is_one_line(empty_folder, capsys):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        line = one_line_error(capsys, run_main(["replay", "--serve", "--port", str(port)]), expected_code=1)
        assert line == f"foicrawl replay: port {port} on 127.0.0.1 is in use: choose another with --port (0 picks a free one)"
        line = one_line_error(capsys, run_main(["replica", "--council", "hastings", "--size", "5", "--hastings-port",
                                                str(port)]), expected_code=1)  # fmt: skip
        assert line.startswith(f"foicrawl replica: cannot serve hastings on port {port}: Address already in use; ")
    assert list(empty_folder.iterdir()) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ('[hastings]\nbase_url = "127.0.0.1:8801"\n', "council 'hastings': base_url must be an origin such as "
         "http://127.0.0.1:8801, not '127.0.0.1:8801'"),
        ('[scheduler]\ntimezone = "Europe/Londn"\n', "[scheduler] timezone 'Europe/Londn' is not a time zone name "
         "such as Europe/London"),
        ("[hastings\n", "is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 10)"),
    ],
    ids=["base_url", "timezone", "toml"],
)
def test_a_bad_councils_file_stops_the_scheduler_in_one_line(overrides, message, empty_folder):
    (empty_folder / "councils.toml").write_text(overrides)
    result = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "--councils", "councils.toml", "--once"],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert message in line and line.startswith("scheduler.py: ")
    assert sorted(p.name for p in empty_folder.iterdir()) == ["councils.toml"], "no crawl started, nothing written"


def test_scrapy_crawl_with_a_bad_base_url_is_one_line(empty_folder):
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "foicrawl.settings"}
    crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hastings", "-a", "base_url=127.0.0.1:8801/x"],
                           capture_output=True, text=True, timeout=60, check=False, env=env)  # fmt: skip
    assert crawl.returncode == 2
    assert crawl.stderr.splitlines() == ["scrapy crawl: base_url must be an origin such as http://127.0.0.1:8801, not "
                                         "'127.0.0.1:8801/x'"]  # fmt: skip
    assert list(empty_folder.iterdir()) == []
