"""Whether each council's spider still works, judged from its recent runs.

A council is failing when its last finished run failed, ended with errors, did not read its whole
listing (incomplete), returned no releases where the council has many, dropped a much larger share
of pages than it used to, or read a field the council's releases usually have on few of them. Runs
interrupted by a stop (SIGTERM, Ctrl-C) are not held against the council.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from foicrawl.catalogue.models import CrawlRun
from foicrawl.catalogue.releases import counts
from foicrawl.crawling.runs import ERRORS, FAILED, INCOMPLETE, INTERRUPTED, RUNNING

MANY = 10  # a council holding at least this many releases should show some on every run
DROP_RATE_FLOOR = 0.2  # a drop rate below this is never alarming
DROP_RATE_JUMP = 3.0  # ... nor one under this multiple of the usual rate
HISTORY = 5
USUALLY_FILLED = 0.8  # a field filled on at least this share of releases in earlier runs ...
MOSTLY_EMPTY = 0.5  # ... that comes back filled on less than this share is a parser gone blind
FILL_SAMPLE = 5  # runs that read fewer releases than this say nothing about fields


@dataclass
class Health:
    council: str
    state: str  # "ok", "failing", "never run"
    reason: str
    last_run: CrawlRun | None = None


def drop_rate(run: CrawlRun) -> float:
    handled = run.releases_seen + run.items_dropped
    return run.items_dropped / handled if handled else 0.0


def judge(council: str, runs: list[CrawlRun], held: int) -> Health:
    """`runs`: the council's runs, newest first."""
    finished = [r for r in runs if r.status not in (RUNNING, INTERRUPTED)]
    if not finished:
        return Health(council, "never run", "no finished run yet")
    last, earlier = finished[0], finished[1 : 1 + HISTORY]
    if last.status == FAILED:
        return Health(council, "failing", f"last run failed ({last.finish_reason or 'no reason recorded'})", last)
    if last.status == ERRORS:
        return Health(council, "failing", f"last run ended with {last.errors} error(s)", last)
    if last.status == INCOMPLETE:
        problems = last.listing_problems or ["the listing was not read completely"]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Health(council, "failing", f"last run incomplete: {problems[0]}{more}", last)
    if last.releases_seen == 0 and held >= MANY:
        return Health(council, "failing", f"last run returned no releases; {held} are held", last)
    if blind := emptied_field(last, earlier):
        return Health(council, "failing", blind, last)
    rate = drop_rate(last)
    usual = sum(drop_rate(r) for r in earlier) / len(earlier) if earlier else 0.0
    if rate >= DROP_RATE_FLOOR and rate > DROP_RATE_JUMP * usual:
        return Health(council, "failing",
                      f"drop rate jumped to {rate:.0%} ({last.items_dropped} pages dropped; usually {usual:.0%})", last)  # fmt: skip
    failed = last.failed_pages or 0
    note = f"; {failed} page{'s' if failed != 1 else ''} failed (asked for again next run)" if failed else ""
    return Health(council, "ok", f"last run {last.mode} {last.status}: {last.releases_seen} releases seen{note}", last)


def _fill(run: CrawlRun) -> dict | None:
    fill = run.field_fill
    return fill if fill and fill.get("releases", 0) >= FILL_SAMPLE else None


def emptied_field(last: CrawlRun, earlier: list[CrawlRun]) -> str | None:
    """A field the council's releases usually have that came back empty on most of the last run's:
    the parser stopped reading it (a label renamed, a block moved), and nothing else would say so."""
    now = _fill(last)
    before = [fill for run in earlier if (fill := _fill(run))]
    if now is None or not before:
        return None
    releases = sum(fill["releases"] for fill in before)
    for name, count in now["filled"].items():
        usual = sum(fill["filled"].get(name, 0) for fill in before) / releases
        if usual >= USUALLY_FILLED and count < MOSTLY_EMPTY * now["releases"]:
            return (f"field {name} came back empty on {now['releases'] - count} of {now['releases']} releases "
                    f"(usually filled on {usual:.0%})")  # fmt: skip
    return None


def council_health(session: Session, councils: list[str]) -> list[Health]:
    verdicts = []
    for council in councils:
        runs = list(session.scalars(select(CrawlRun).where(CrawlRun.council == council)
                                    .order_by(CrawlRun.started_at.desc()).limit(50)))  # fmt: skip
        verdicts.append(judge(council, runs, counts(session, council)["releases"]))
    return verdicts
