"""`foicrawl health`: a council whose spider stops working is named, with the reason."""

from datetime import UTC, datetime, timedelta

import pytest

from foicrawl.catalogue.models import CrawlRun
from foicrawl.cli import main
from foicrawl.nightly.health import judge

from helpers import runs

T0 = datetime(2026, 11, 1, 2, tzinfo=UTC)


def run(n: int, status: str = "ok", seen: int = 10, dropped: int = 0, errors: int = 0, reason: str = "finished",
        fill: dict | None = None) -> CrawlRun:  # fmt: skip
    return CrawlRun(run_id=str(n), council="x", mode="incremental", origin="o", started_at=T0 + timedelta(days=n),
                    status=status, finish_reason=reason, releases_seen=seen, items_dropped=dropped, errors=errors,
                    field_fill=fill)  # fmt: skip


@pytest.mark.parametrize(
    ("history", "held", "state", "reason"),
    [
        ([], 0, "never run", "no finished run yet"),
        ([run(2), run(1)], 100, "ok", "last run incremental ok: 10 releases seen"),
        ([run(2, "failed", reason="killed by signal 9"), run(1)], 100, "failing", "last run failed (killed by signal 9)"),
        ([run(2, "finished_with_errors", errors=3), run(1)], 100, "failing", "last run ended with 3 error(s)"),
        ([run(2, "incomplete"), run(1)], 100, "failing", "last run incomplete: the listing was not read completely"),
        ([run(2, seen=0), run(1)], 100, "failing", "last run returned no releases; 100 are held"),
        ([run(2, seen=0)], 3, "ok", "last run incremental ok: 0 releases seen"),
        ([run(3, seen=5, dropped=5), run(2, seen=10, dropped=0), run(1)], 100, "failing",
         "drop rate jumped to 50% (5 pages dropped; usually 0%)"),
        ([run(3, seen=8, dropped=2), run(2, seen=8, dropped=2)], 100, "ok", "last run incremental ok: 8 releases seen"),
        ([run(3, "interrupted", seen=0, reason="shutdown"), run(2)], 100, "ok", "last run incremental ok: 10 releases seen"),
    ],
)
def test_judge(history, held, state, reason):
    verdict = judge("x", history, held)
    assert (verdict.state, verdict.reason) == (state, reason)


def test_health_goes_non_zero_on_a_broken_layout_and_back(replica, crawl, archive, capsys):
    server = replica("hastings", size=40)
    crawl("hastings", server.base_url, mode="full")
    assert main(["health"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[:2] == ["hastings", "OK"]

    server.site.theme = "broken"  # the council's redesign: the reference is no longer in the heading
    crawl("hastings", server.base_url, mode="incremental")
    assert main(["health"]) == 1
    captured = capsys.readouterr()
    assert " ".join(captured.out.splitlines()[2].split()) == "hastings FAILING last run returned no releases; 40 are held"
    assert "Failing: hastings" in captured.err

    server.site.theme = "standard"
    crawl("hastings", server.base_url, mode="incremental")
    assert main(["health"]) == 0
    assert main(["runs", "--council", "hastings"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines if " hastings " in line]
    assert [(r[3], r[4]) for r in rows] == [("incremental", "ok"), ("incremental", "ok"), ("full", "ok")]
    assert rows[1][11] == "10", "the broken night dropped the ten pages it rechecked"


def filled(n: int, seen: int = 40, **fields) -> CrawlRun:
    usual = {"title": seen, "case_ref": seen, "requested_on": seen, "responded_on": seen, "request_text": seen}
    return run(n, seen=seen, fill={"releases": seen, "filled": {**usual, **fields}})


@pytest.mark.parametrize(
    ("history", "state", "reason"),
    [
        ([filled(3), filled(2), filled(1)], "ok", "last run incremental ok: 40 releases seen"),
        ([filled(3, responded_on=2), filled(2), filled(1)], "failing",
         "field responded_on came back empty on 38 of 40 releases (usually filled on 100%)"),
        ([filled(3, responded_on=30), filled(2), filled(1)], "ok", "last run incremental ok: 40 releases seen"),
        # A field that was never usually filled is no alarm; nor is a run too small to tell.
        ([filled(3, responded_on=0), filled(2, responded_on=10), filled(1, responded_on=10)], "ok",
         "last run incremental ok: 40 releases seen"),
        ([filled(3, seen=3, responded_on=0), filled(2), filled(1)], "ok", "last run incremental ok: 3 releases seen"),
        ([filled(3, responded_on=0)], "ok", "last run incremental ok: 40 releases seen"),
    ],
)
def test_a_usually_filled_field_that_comes_back_empty_fails_health(history, state, reason):
    verdict = judge("x", history, 100)
    assert (verdict.state, verdict.reason) == (state, reason)


def test_a_parser_that_stops_reading_one_field_turns_health_red(replica, crawl, archive, capsys):
    server = replica("hastings", size=40)
    crawl("hastings", server.base_url)
    crawl("hastings", server.base_url)
    assert runs("hastings")[-1].field_fill["filled"]["responded_on"] == 40
    assert main(["health"]) == 0
    capsys.readouterr()
    server.site.theme = "renamed-label"  # the council renamed "Responded": every release still parses
    crawl("hastings", server.base_url)
    last = runs("hastings")[-1]
    assert (last.status, last.releases_seen, last.field_fill["filled"]["responded_on"]) == ("ok", 40, 0)
    assert main(["health"]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("hastings"))
    assert " ".join(line.split()) == ("hastings FAILING field responded_on came back empty on 40 of 40 releases "
                                      "(usually filled on 100%)")  # fmt: skip
