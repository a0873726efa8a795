"""`foicrawl --version`, and a `--help` that lists every subcommand with a one-line description."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from foicrawl import __version__
from foicrawl.cli import build_parser, main

HELP_COLUMN = 24  # where argparse starts a subcommand's description


def subcommands() -> dict:
    parser = build_parser()
    [action] = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return action.choices


def test_version():
    result = subprocess.run([sys.executable, "-m", "foicrawl.cli", "--version"], capture_output=True, text=True,
                            check=False, timeout=60)  # fmt: skip
    assert (result.returncode, result.stdout) == (0, f"foicrawl {__version__}\n")


def test_every_subcommand_has_a_one_line_description(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "usage: foicrawl [-h] [--version] COMMAND ..."
    names = list(subcommands())
    assert {"demo", "replica", "export", "stats", "verify", "replay", "reindex", "runs", "health"} <= set(names)
    for name in names:
        [n] = [i for i, line in enumerate(lines) if re.match(rf"^    {name}\s", line)]
        assert re.match(rf"^    {name}\s+\S.{{8,}}$", lines[n]), f"{name} has a description beside it: {lines[n]!r}"
        following = lines[n + 1] if n + 1 < len(lines) else ""
        assert not following.startswith(" " * HELP_COLUMN), f"{name}'s description runs onto a second line"


@pytest.mark.parametrize("name", list(subcommands()))
def test_each_subcommands_help_starts_with_its_description(name, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main([name, "--help"])
    out = capsys.readouterr().out
    summary = subcommands()[name].description
    assert summary and f"\n\n{summary}\n" in out
