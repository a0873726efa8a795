"""A parser change is not a change of the council's page: no spurious versions, verify tells a
stale extraction from tampering, `reparse` brings fields up to date and keeps the old values."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from foicrawl.cli import main
from foicrawl.parsers import hastings
from foicrawl.provenance.verify import difference

from helpers import catalogue, runs

PARSER_V2 = Path(__file__).parent / "parser_v2"
sys.path.insert(0, str(PARSER_V2))
from parser_v2_change import SUFFIX, install  # noqa: E402


@pytest.fixture
def parser_v2(monkeypatch):
    """Today's parser is version 2: in crawl processes (sitecustomize) and in this one."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(PARSER_V2), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(hastings, "parse_release", hastings.parse_release)
    monkeypatch.setattr(hastings, "PARSER_VERSION", hastings.PARSER_VERSION)
    install(hastings)


def test_a_parser_change_makes_no_new_versions_and_reparse_catches_up(replica, crawl, archive, capsys, request):
    server = replica("hastings", size=6)
    crawl("hastings", server.base_url)
    assert {r["parser_version"] for r in catalogue("hastings")} == {"hastings/1+text/1"}

    request.getfixturevalue("parser_v2")
    crawl("hastings", server.base_url)  # the site has not changed; the parser has
    assert len(catalogue("hastings", all_versions=True)) == 6, "a parser change alone never makes version 2"
    assert runs("hastings")[-1].releases_unchanged == 6

    edited = server.site.dataset.listed()[0]
    server.site.dataset.edit(edited.case_ref, "Update: a corrected answer.")
    crawl("hastings", server.base_url)
    rows = {r["case_ref"]: r for r in catalogue("hastings")}
    assert rows[edited.case_ref]["version"] == 2 and rows[edited.case_ref]["parser_version"] == "hastings/2+text/1"
    assert rows[edited.case_ref]["title"].endswith(SUFFIX)
    assert sum(r["version"] for r in rows.values()) == 7, "the council's edit is the only new version"
    assert _searched('"as parser 2 reads it"', capsys) == [edited.case_ref], "the crawl indexed the new version"

    capsys.readouterr()
    assert main(["verify"]) == 0, "stale extraction is not tampering"
    lines = capsys.readouterr().out.splitlines()
    stale = [line for line in lines if line.startswith("STALE EXTRACTION")]
    assert len(stale) == 6 and not [line for line in lines if line.startswith(("MISMATCH", "MISSING"))]
    assert "read by parser hastings/1+text/1, today's hastings/2+text/1 reads: title differs" in stale[0]
    assert f"archive '...{SUFFIX}'" in stale[0] or SUFFIX in stale[0]
    assert lines[-2].endswith(": 1 OK, 0 mismatched, 0 missing, 6 stale extraction")

    # Tampering with a version read by today's parser is still a mismatch.
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("UPDATE release_versions SET title = 'forged' WHERE parser_version = 'hastings/2+text/1'")
    assert main(["verify"]) == 1
    assert any(line.startswith(f"MISMATCH: hastings {edited.case_ref} version 2: title differs") and "catalogue 'forged'" in line
               for line in capsys.readouterr().out.splitlines())  # fmt: skip

    old_titles = {r["case_ref"]: r["title"] for r in catalogue("hastings", all_versions=True) if r["version"] == 1}
    assert main(["reparse"]) == 0
    assert "7 updated" in capsys.readouterr().out
    assert _searched('"as parser 2 reads it"', capsys) == sorted(rows), "reparse re-indexed every rewritten latest version"
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": 7 OK, 0 mismatched, 0 missing")
    assert all(r["title"].endswith(SUFFIX) and r["parser_version"] == "hastings/2+text/1"
               for r in catalogue("hastings", all_versions=True))  # fmt: skip
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        kept = db.execute("SELECT parser_version, json_extract(fields, '$.title') FROM superseded_extractions").fetchall()
    assert sorted(t for v, t in kept if v == "hastings/1+text/1") == sorted(old_titles.values())
    assert ("hastings/2+text/1", "forged") in kept, "even a forged value is kept, not lost"
    assert main(["reparse"]) == 0 and "0 updated" in capsys.readouterr().out


def _searched(query: str, capsys) -> list[str]:
    """The references `foicrawl search` finds for a query."""
    capsys.readouterr()
    assert main(["search", query, "--json"]) == 0
    return sorted(json.loads(line)["case_ref"] for line in capsys.readouterr().out.splitlines())


def test_a_difference_is_shown_where_it_is():
    before = "The council holds no information. " * 10 + "The cost limit applies."
    after = "The council holds no information. " * 10 + "The cost limit does not apply."
    message = difference("response_text", before, after)
    assert message == ("response_text differs at character 356 (of 363 in the catalogue, 370 in the archive): "
                       "catalogue '...rmation. The cost limit applies.', archive '...rmation. The cost limit does not apply.'")
    assert difference("title", "Roads", "Road") == "title differs: catalogue 'Roads', archive 'Road'"
