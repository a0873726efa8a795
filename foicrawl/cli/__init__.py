"""The `foicrawl` command: crawl councils' FOI disclosure logs, keep the evidence, read it back.

One module a group of subcommands; each adds its own parsers with `add_commands`.
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy.exc import OperationalError

from foicrawl import __version__, config
from foicrawl.catalogue.read_only import CatalogueMissing, reason, shown_url
from foicrawl.cli import catalogue, evidence, nightly, provenance, replica, rounds
from foicrawl.errors import FoicrawlError, OneLineParser


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="foicrawl", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"foicrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")
    for group in (replica, catalogue, evidence, provenance, nightly, rounds):
        group.add_commands(commands)
    for listed in commands._choices_actions:  # each command's own --help opens with its one line
        command = commands.choices[listed.dest]
        command.description = command.description or listed.help
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `foicrawl export | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except CatalogueMissing as error:
        print(f"foicrawl {args.command}: {error}", file=sys.stderr)
        return 2
    except FoicrawlError as error:
        print(f"foicrawl {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OperationalError as error:  # a database that will not answer, or a file it cannot use
        print(f"foicrawl {args.command}: the catalogue ({shown_url(config.database_url())}) cannot be used: "
              f"{reason(error)}", file=sys.stderr)  # fmt: skip
        return 1
    except OSError as error:  # a file or folder we cannot write or read: its own words say why
        where = f": {error.filename}" if error.filename else ""
        print(f"foicrawl {args.command}: {error.strerror or error}{where}", file=sys.stderr)
        return 1


