"""Provenance from the archive alone: verify, replay, reindex, the CDXJ index, WACZ and pywb."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.request

import pytest

from foicrawl.catalogue.session import engine_for, session_factory
from foicrawl.cli import main
from foicrawl.crawling.process import run_crawl
from foicrawl.provenance.replay import listen, prepare_pywb, start_server, stop_server
from foicrawl.provenance.tools import tool
from foicrawl.replica import pages_hastings, pages_herefordshire
from foicrawl.replica.dataset import generate
from foicrawl.replica.server import build_site, serving

from conftest import FAST
from helpers import catalogue, warc_files

SEEDS = {"hastings": "FOIR-395819655", "herefordshire": "FOI2022/00092"}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """Both councils crawled once, the seed at Hastings edited and crawled again (two versions)."""
    directory = tmp_path_factory.mktemp("pristine") / "archive"
    environment = {"FOICRAWL_ARCHIVE_DIR": str(directory)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        sites = {c: build_site(c, generate(c, size=30)) for c in SEEDS}
        with serving(sites["hastings"]) as hastings, serving(sites["herefordshire"]) as herefordshire:
            for council, server in (("hastings", hastings), ("herefordshire", herefordshire)):
                assert run_crawl(council, server.base_url, settings=FAST, log_file=directory / f"{council}.log").returncode == 0
            sites["hastings"].dataset.edit(SEEDS["hastings"], "Update: a corrected answer.")
            assert run_crawl("hastings", hastings.base_url, settings=FAST, log_file=directory / "again.log").returncode == 0
    return directory, sites


@pytest.fixture
def archived(pristine, archive):
    """A copy of the pristine archive as this test's FOICRAWL_ARCHIVE_DIR."""
    shutil.copytree(pristine[0], archive)
    return archive, pristine[1]


def verify_output(capsys) -> tuple[int, list[str]]:
    code = main(["verify"])
    return code, capsys.readouterr().out.splitlines()


def test_verify_reports_every_version_ok(archived, capsys):
    code, lines = verify_output(capsys)
    assert code == 0
    assert lines[-1].startswith("61 versions checked in ") and lines[-1].endswith(": 61 OK, 0 mismatched, 0 missing")


def seed_capture(council: str) -> dict:
    return next(r for r in catalogue(council) if r["case_ref"] == SEEDS[council])["capture"]


def test_a_flipped_byte_is_caught_and_the_release_named(archived, capsys):
    archive, _ = archived
    capture = seed_capture("herefordshire")
    path = archive / "warc" / capture["warc_file"]
    data = bytearray(path.read_bytes())
    data[capture["warc_offset"] + 200] ^= 0x01
    path.write_bytes(bytes(data))
    code, lines = verify_output(capsys)
    assert code == 1
    [failure] = [line for line in lines if line.startswith("MISMATCH")]
    assert failure.startswith("MISMATCH: herefordshire FOI2022/00092 version 1: corrupt gzip data in ")
    assert lines[-1].endswith(": 60 OK, 1 mismatched, 0 missing")


def test_a_truncated_file_is_caught(archived, capsys):
    archive, _ = archived
    capture = seed_capture("herefordshire")
    path = archive / "warc" / capture["warc_file"]
    path.write_bytes(path.read_bytes()[: capture["warc_offset"] + 100])
    code, lines = verify_output(capsys)
    assert code == 1
    assert any(line.startswith("MISMATCH: herefordshire FOI2022/00092 version 1: ") and "truncated" in line for line in lines)
    assert not any(line.startswith(("MISMATCH: hastings", "MISSING: hastings")) for line in lines)


def test_a_missing_file_is_caught(archived, capsys):
    archive, _ = archived
    capture = seed_capture("hastings")
    (archive / "warc" / capture["warc_file"]).unlink()
    code, lines = verify_output(capsys)
    assert code == 1
    missing = [line for line in lines if line.startswith("MISSING")]
    assert f"MISSING: hastings FOIR-395819655 version 2: WARC file missing: {capture['warc_file']}" in missing
    # The second Hastings crawl's file holds only what changed: version 2 of the seed.
    assert missing == [f"MISSING: hastings FOIR-395819655 version 2: WARC file missing: {capture['warc_file']}"]
    assert lines[-1].endswith(": 60 OK, 0 mismatched, 1 missing")


def test_a_hand_edited_catalogue_row_is_caught(archived, capsys):
    archive, _ = archived
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("UPDATE release_versions SET title = 'Performance management (amended)' WHERE title = 'Performance management'")
    code, lines = verify_output(capsys)
    assert code == 1
    assert ("MISMATCH: herefordshire FOI2022/00092 version 1: title differs: catalogue "
            "'Performance management (amended)', archive 'Performance management'") in lines  # fmt: skip


@pytest.mark.parametrize("council", SEEDS)
def test_replay_prints_provenance_and_writes_the_page_as_sent(council, archived, capsys, tmp_path):
    archive, sites = archived
    out = tmp_path / "page.html"
    assert main(["replay", SEEDS[council], "--council", council, "--out", str(out)]) == 0
    lines = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in capsys.readouterr().out.splitlines())
    capture = seed_capture(council)
    assert lines["record id"] == capture["warc_record_id"]
    assert lines["payload digest"] == capture["payload_digest"]
    assert lines["digests verified"] == "yes"
    assert lines["WARC file"] == str(archive / "warc" / capture["warc_file"])
    release = sites[council].dataset.find_by_ref(SEEDS[council])
    if council == "hastings":
        assert out.read_bytes() == pages_hastings.release_page(release).encode()
    else:
        assert out.read_bytes() == pages_herefordshire.release_page(release).encode()


def test_replay_an_earlier_version(archived, capsys, tmp_path):
    out = tmp_path / "v1.html"
    assert main(["replay", "FOIR-395819655", "--version", "1", "--out", str(out)]) == 0
    assert "version           1 of 2" in capsys.readouterr().out
    assert b"Update: a corrected answer." not in out.read_bytes() and b"Smartsheet." in out.read_bytes()
    assert main(["replay", "FOIR-395819655", "--version", "3"]) == 1
    assert "has versions 1 to 2, not 3" in capsys.readouterr().err


def test_reindex_rebuilds_the_same_catalogue_from_the_warc_files(archived, capsys):
    archive, _ = archived
    before = catalogue(all_versions=True)
    (archive / "catalogue.sqlite").unlink()
    for extra in archive.glob("catalogue.sqlite-*"):
        extra.unlink()
    engine_for.cache_clear()  # the next connection makes a new, empty catalogue
    assert main(["reindex"]) == 0
    assert "60 releases, 1 later versions, 29 unchanged captures, 0 pages dropped" in capsys.readouterr().out
    after = catalogue(all_versions=True)
    assert len(after) == len(before) == 61
    for old, new in zip(before, after, strict=True):
        assert old == new, {k: (old[k], new.get(k)) for k in old if old[k] != new.get(k)}


def test_the_index_lists_every_release_capture(archived):
    archive, _ = archived
    lines = [json.loads(line.split(" ", 2)[2]) for path in (archive / "index").glob("*.cdxj") for line in path.read_text().splitlines()]
    indexed = {(entry["filename"], int(entry["offset"])) for entry in lines}
    for row in catalogue(all_versions=True):
        assert (row["capture"]["warc_file"], row["capture"]["warc_offset"]) in indexed
    assert sorted(p.name for p in (archive / "index").glob("*.cdxj")) == sorted(p.name + ".cdxj" for p in warc_files(archive))


def test_wacz_export_validates(archived, tmp_path, capsys):
    out = tmp_path / "archive.wacz"
    assert main(["export", "--format", "wacz", "-o", str(out)]) == 0
    result = subprocess.run([tool("wacz"), "validate", "-f", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    import zipfile

    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()]
    assert sorted(n for n in names if n.startswith("archive/")) == sorted(f"archive/{p.name}" for p in warc_files(archived[0]))
    assert pages[0]["format"] == "json-pages-1.0"
    assert len([p for p in pages[1:] if ":evidence:" not in p["id"]]) == 61, "one page a release version"
    assert len([p for p in pages if ":evidence:" in p["id"]]) == len(evidence_rows_fetched()), "and one a document or cited page"


def evidence_rows_fetched() -> list:
    from sqlalchemy import select

    from foicrawl.catalogue.models import Evidence

    with session_factory()() as session:
        return list(session.scalars(select(Evidence).where(Evidence.status == 200, Evidence.warc_file.is_not(None))))


def test_pywb_replays_the_original_bytes_of_a_release(archived, tmp_path):
    archive, sites = archived
    with session_factory()() as session:
        root = prepare_pywb(session, archive / "warc", archive / "index", tmp_path / "pywb")
    listener = listen(0)
    port = listener.getsockname()[1]
    server = start_server(root, listener)
    try:
        front = None
        for _ in range(100):
            try:
                front = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert front and "FOI2022/00092" in front and "Performance management" in front
        capture = seed_capture("herefordshire")
        release = sites["herefordshire"].dataset.find_by_ref("FOI2022/00092")
        stamp = capture["fetched_at"][:19].replace("-", "").replace("T", "").replace(":", "")
        url = next(r["url"] for r in catalogue("herefordshire") if r["case_ref"] == "FOI2022/00092")
        reply = urllib.request.urlopen(f"http://127.0.0.1:{port}/foicrawl/{stamp}id_/{url}", timeout=10)
        body = reply.read()
        if reply.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == pages_herefordshire.release_page(release).encode()
    finally:
        stop_server(server)


def test_wacz_pages_carry_text_and_one_council_packs_only_its_records(archived, tmp_path):
    import zipfile

    out = tmp_path / "hastings.wacz"
    assert main(["export", "--format", "wacz", "--council", "hastings", "-o", str(out)]) == 0
    result = subprocess.run([tool("wacz"), "validate", "-f", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(out) as package:
        warcs = sorted(n.removeprefix("archive/") for n in package.namelist() if n.startswith("archive/"))
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()][1:]
    assert warcs == sorted(p.name for p in warc_files(archived[0]) if p.name.startswith("foicrawl-hastings-"))
    assert all(p["id"].startswith("hastings:") for p in pages)
    assert len([p for p in pages if ":evidence:" not in p["id"]]) == 31  # release versions; then its evidence
    seed = next(p for p in pages if p["id"] == "hastings:FOIR-395819655:v1")
    assert "Performance Management Handbook" in seed["text"] and "0.5 FTE." in seed["text"]
