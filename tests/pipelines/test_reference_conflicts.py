"""Two pages with one case reference (a council reusing or correcting one): a WARNING, counted,
both pages' evidence kept, and the catalogued release never overwritten by the other page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from foicrawl.catalogue.models import ReferenceConflict
from foicrawl.catalogue.session import session_factory
from foicrawl.cli import main
from foicrawl.warc.reader import read_record

from helpers import catalogue, runs


def conflicts() -> list[ReferenceConflict]:
    with session_factory()() as session:
        return list(session.scalars(select(ReferenceConflict)))


@pytest.mark.parametrize("council", ["herefordshire", "hastings"])
def test_a_reference_shown_by_two_pages_is_a_counted_warning_and_both_are_kept(council, replica, crawl, archive, capsys):
    server = replica(council, size=30, faults=("duplicate-ref",))
    [twin_ref] = [ref for ref in server.site.dataset.expected_refs()
                  if sum(r.case_ref == ref for r in server.site.dataset.listed()) == 2]  # fmt: skip
    _, log = crawl(council, server.base_url)

    rows = {r["case_ref"]: r for r in catalogue(council)}
    assert len(rows) == 30 and len(catalogue(council, all_versions=True)) == 30
    [conflict] = conflicts()
    catalogued = rows[twin_ref]
    assert (conflict.council, conflict.case_ref, conflict.catalogued_url) == (council, twin_ref, catalogued["url"])
    assert conflict.url != catalogued["url"]
    assert f"WARNING: Case reference {twin_ref} is shown by two pages: {catalogued['url']} (catalogued) and {conflict.url}" in log
    # The other page's evidence: the catalogue points at its WARC record.
    record = read_record(archive / "warc" / conflict.warc_file, conflict.warc_offset)
    assert (record.record_id, record.target_uri) == (conflict.warc_record_id, conflict.url)
    assert runs(council)[-1].ref_conflicts == 1

    crawl(council, server.base_url)
    again = {r["case_ref"]: r for r in catalogue(council, all_versions=True)}
    assert (again[twin_ref]["version"], again[twin_ref]["url"]) == (1, catalogued["url"]), "not overwritten"
    [same] = conflicts()
    assert same.last_seen > conflict.last_seen and same.first_seen == conflict.first_seen
    assert runs(council)[-1].ref_conflicts == 1

    assert main(["runs", "--council", council]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split()
    assert [line.split()[header.index("conflicts")] for line in lines[2:]] == ["1", "1"]
