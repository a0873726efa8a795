"""Arguments the subcommands share, each checked when it is read so that a mistake is one clear
line (`foicrawl export: argument --council: unknown council 'hasting' (did you mean hastings?) ...`)
and never a traceback or a silent empty answer."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from foicrawl.councils import RegisterError, register, unknown_council


def council_slug(value: str) -> str:
    """A council the register holds (the packaged one, with FOICRAWL_COUNCILS_FILE's overrides)."""
    try:
        councils = register()
    except RegisterError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if value not in councils:
        raise argparse.ArgumentTypeError(unknown_council(value, councils))
    return value


def add_council_option(parser: argparse.ArgumentParser, what: str = "only this council") -> None:
    parser.add_argument("--council", type=council_slug, metavar="COUNCIL", help=f"{what} (a slug in the register)")


def output_file(value: str) -> Path:
    """A file to write: its folder must exist (we do not guess at making one)."""
    path = Path(value)
    folder = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a folder: name a file in it")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {value}: the folder {folder} does not exist")
    return path


def iso_date(value: str) -> date:
    """A date as YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-03-31") from None


def port_number(value: str) -> int:
    """A TCP port, 0 to 65535 (0: any free one)."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: give a number from 1 to 65535 (0 picks a free one)")
    return port
