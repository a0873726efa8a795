"""A release withdrawn and back keeps its history (when, and the records that showed it), in the
export and in replay's provenance; `reindex` rebuilds withdrawals, returns and 304 sightings from
the archive alone, in WARC-Date order, so the export before and after is the same."""

from __future__ import annotations

import json
import re

from foicrawl.catalogue.session import engine_for
from foicrawl.cli import main

from helpers import catalogue, warc_records


def test_withdrawal_history_survives_a_return_and_a_reindex(replica, crawl, archive, capsys, tmp_path):
    server = replica("herefordshire", size=12)
    data = server.site.dataset
    crawl("herefordshire", server.base_url)
    gone = data.listed()[5]
    data.withdraw(gone.case_ref)
    crawl("herefordshire", server.base_url)  # full sweep: the page answers 404
    [row] = [r for r in catalogue("herefordshire") if r["case_ref"] == gone.case_ref]
    assert row["withdrawn"] is True and len(row["withdrawals"]) == 1 and row["withdrawals"][0]["returned_at"] is None
    assert row["working_days"] is not None or row["responded_on"] is None, "timeliness sits beside the withdrawal"
    assert _search(row["title"], capsys)[gone.case_ref] is True, "a withdrawn release is still found, marked withdrawn"

    gone.withdrawn = False  # the council puts it back
    crawl("herefordshire", server.base_url)
    crawl("herefordshire", server.base_url, mode="incremental")  # rechecks answered 304

    records = warc_records(archive)
    not_found = next(r for r in records if r["type"] == "response" and r["status"] == 404 and r["uri"].endswith(gone.uid))
    back = [r for r in records if r["type"] in ("response", "revisit") and r["uri"].endswith(gone.uid)]
    assert sum(1 for r in records if r["type"] == "response" and r["status"] == 304) == 10
    [row] = [r for r in catalogue("herefordshire") if r["case_ref"] == gone.case_ref]
    assert row["withdrawn"] is False and row["withdrawn_on"] is None and row["version"] == 1
    [history] = row["withdrawals"]
    assert history["status"] == 404
    assert history["evidence"]["warc_record_id"] == not_found["id"]
    assert (history["evidence"]["warc_file"], history["evidence"]["warc_offset"]) == (not_found["file"], not_found["offset"])
    assert history["withdrawn_on"] == history["evidence"]["fetched_at"][:10]
    returned = next(r for r in back if r["id"] == history["return_evidence"]["warc_record_id"])
    assert returned["type"] == "revisit" and (returned["file"], returned["offset"]) == (
        history["return_evidence"]["warc_file"], history["return_evidence"]["warc_offset"])
    assert history["returned_at"] > history["evidence"]["fetched_at"]

    assert main(["replay", gone.case_ref, "--out", str(tmp_path / "p.html")]) == 0
    lines = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in capsys.readouterr().out.splitlines())
    assert lines["withdrawn"].startswith(f"{history['withdrawn_on']} (answered 404; record {not_found['id']} in {not_found['file']}")
    assert lines["back"].endswith(f"(record {returned['id']} in {returned['file']} at offset {returned['offset']})")

    before = catalogue(all_versions=True)
    (archive / "catalogue.sqlite").unlink()
    for extra in archive.glob("catalogue.sqlite-*"):
        extra.unlink()
    engine_for.cache_clear()
    assert main(["reindex"]) == 0
    assert "1 withdrawals" in capsys.readouterr().out
    assert _search(row["title"], capsys)[gone.case_ref] is False, "search rebuilt by reindex: back, not withdrawn"
    after = catalogue(all_versions=True)
    assert len(after) == len(before) == 12
    for old, new in zip(before, after, strict=True):
        assert old == new, {k: (old[k], new.get(k)) for k in old if old[k] != new.get(k)}


def _search(words: str, capsys) -> dict[str, bool]:
    """`foicrawl search` for these words: each reference found, and whether it is marked withdrawn."""
    capsys.readouterr()
    assert main(["search", re.sub(r"[^\w ]", " ", words), "--council", "herefordshire", "--json"]) == 0
    return {hit["case_ref"]: hit["withdrawn"] for hit in map(json.loads, capsys.readouterr().out.splitlines())}
