"""The council register: slug, name, platform, live origin, schedule.

The packaged `councils.toml` holds the live sites. A local file (`FOICRAWL_COUNCILS_FILE`, or
`scheduler.py --councils FILE`) overrides fields per council, e.g. a `base_url` pointing at a
mirror or the replica, another `schedule`, or Scrapy `settings`; its `[scheduler]` table sets the
scheduler's own options.
"""

from __future__ import annotations

import copy
import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from foicrawl.errors import FoicrawlError

COUNCILS_FILE_ENV = "FOICRAWL_COUNCILS_FILE"
NATIONS = ("england", "wales", "scotland", "northern-ireland")


class RegisterError(FoicrawlError, ValueError):
    """The councils file cannot be read, or names a field the register does not have."""


@dataclass(frozen=True)
class Council:
    slug: str
    name: str
    platform: str
    origin: str
    schedule: str = "0 2 * * *"  # cron fields (minute hour day month weekday), in the scheduler's time zone
    jitter: int = 900  # seconds of random delay, so councils on one platform are not all hit at once
    full_every_days: int = 7  # a full sweep when the last one is older than this; incremental otherwise
    base_url: str | None = None  # crawl this origin instead of the live one
    nation: str = "england"  # england, wales, scotland or northern-ireland: which FOI law and bank holidays
    settings: dict = field(default_factory=dict)  # Scrapy settings for this council's crawls
    hosts: list[str] = field(default_factory=list)  # where its releases and listings live (default: the origin's host)
    moderngov: str | None = None  # its ModernGov (committee) site, whose pages answers cite
    moderngov_url: str | None = None  # crawl this origin instead of the live ModernGov site
    cited_hosts: list[str] = field(default_factory=list)  # its other sites whose pages answers cite

    def own_hosts(self, crawl_origin: str | None = None) -> set[str]:
        """The hosts whose pages are this council's releases and listings. A crawl of a stand-in (a
        mirror or the replica, through `base_url`) trusts the stand-in alone, port and all."""
        if crawl_origin and crawl_origin.rstrip("/") != self.origin.rstrip("/"):
            return {urlsplit(crawl_origin).netloc.lower()}
        return {host.lower() for host in self.hosts} or {urlsplit(self.origin).hostname}

    def evidence_hosts(self) -> set[str]:
        """The live hosts whose pages, cited by an answer, are fetched as evidence: the council's
        own site, its other sites, its ModernGov site. No other host is ever fetched."""
        hosts = {urlsplit(self.origin).netloc.lower(), *(h.lower() for h in self.cited_hosts)}
        if self.moderngov:
            hosts.add(urlsplit(self.moderngov).netloc.lower())
        return hosts


@dataclass(frozen=True)
class SchedulerOptions:
    timezone: str = "Europe/London"
    parallel: int = 2  # crawls at once
    crawl_timeout_hours: float = 12.0
    misfire_grace_hours: float = 12.0  # a run missed by less than this still runs (once) on start


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except OSError as error:
        raise RegisterError(f"cannot read the councils file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise RegisterError(f"the councils file {path} is not valid TOML: {error}") from None


def local_file() -> Path | None:
    value = os.environ.get(COUNCILS_FILE_ENV)
    return Path(value) if value else None


@cache
def _packaged_entries() -> dict:
    # Parsed once a process (tomllib is pure Python; the store asks for a council once an item).
    return tomllib.loads(resources.files("foicrawl").joinpath("councils.toml").read_text("utf-8"))


def _packaged() -> dict:
    return copy.deepcopy(_packaged_entries())


def _known(cls, data: dict, where: str) -> dict:
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise RegisterError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
    return data


def register(path: Path | None = None) -> dict[str, Council]:
    """The packaged register with the local file's overrides (from `path` or the environment)."""
    entries = _packaged()
    path = path or local_file()
    if path:
        for slug, override in _read_toml(path).items():
            if slug == "scheduler":
                continue
            entries[slug] = {**entries.get(slug, {}), **override}
    for slug, entry in entries.items():
        if entry.get("nation", "england") not in NATIONS:
            raise RegisterError(f"council {slug!r}: nation {entry['nation']!r} is not one of {', '.join(NATIONS)}")
    return {slug: Council(slug=slug, **_known(Council, entry, f"council {slug!r}")) for slug, entry in entries.items()}


def scheduler_options(path: Path | None = None) -> SchedulerOptions:
    path = path or local_file()
    data = _read_toml(path).get("scheduler", {}) if path else {}
    return SchedulerOptions(**_known(SchedulerOptions, data, "[scheduler]"))


def did_you_mean(slug: str, known) -> str:
    close = difflib.get_close_matches(slug.lower(), sorted(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def unknown_council(slug: str, known) -> str:
    """What to tell someone who named a council the register does not hold."""
    return f"unknown council {slug!r}{did_you_mean(slug, known)}; known: {', '.join(sorted(known))}"


def council(slug: str) -> Council:
    councils = register()
    if slug not in councils:
        raise KeyError(unknown_council(slug, councils))
    return councils[slug]


def nation_of(slug: str) -> str:
    """The council's nation (for working days and which Act it cites); England when unknown."""
    entry = register().get(slug)
    return entry.nation if entry else "england"
