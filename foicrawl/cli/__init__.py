"""The `foicrawl` command: demo, replica, export, stats, verify, replay, reindex, runs, health, rounds,
compare, search, diff.

One module a group of subcommands; each adds its own parsers with `add_commands`.
"""

from __future__ import annotations

import argparse
import os
import sys

from foicrawl.cli import catalogue, nightly, provenance, replica, rounds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foicrawl", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for group in (replica, catalogue, provenance, nightly, rounds):
        group.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `foicrawl export | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


