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
    assert once.stderr.splitlines()[-1].endswith("unknown council(s): hasting (did you mean hastings?); known: hastings, herefordshire")
    crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hasting"], capture_output=True, text=True,
                           timeout=60, check=False, env=env)  # fmt: skip
    assert crawl.returncode == 2 and "Traceback" not in crawl.stderr
    assert crawl.stderr.splitlines() == ["scrapy crawl: unknown council 'hasting' (did you mean hastings?); known: hastings, herefordshire"]
    assert list(empty_folder.iterdir()) == [], "nothing crawled, nothing written"
