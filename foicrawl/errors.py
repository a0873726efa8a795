"""How a person is told about a mistake: in one line, not a traceback."""

from __future__ import annotations

import argparse


class FoicrawlError(Exception):
    """Something the user can act on (a missing archive, a tool not installed, a port in use).
    `foicrawl` prints `foicrawl <command>: <message>` and exits non-zero; anything else is a bug
    and keeps its traceback."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a mistake reported on one line (the usage is one `--help` away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")
