"""An archive on read-only media (a DVD, a read-only mount, a colleague's copy) can be verified,
replayed, served and exported, and nothing in it changes.

The archive is mounted read-only for real: each command runs in its own mount namespace
(`unshare --mount`) where a read-only bind mount of the archive is made, so even root cannot write
to it (chmod would not stop root). Where mounts are not allowed, a non-root user gets a chmod-ed
copy instead; root without mount rights skips.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from foicrawl.crawling.process import run_crawl
from foicrawl.replica.dataset import generate
from foicrawl.replica.server import build_site, serving

from conftest import FAST

SEED = "FOI2022/00092"
MOUNT = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && exec "$@"'


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}  # fmt: skip


def mounts_allowed(tmp: Path) -> bool:
    """Whether a read-only bind mount can be made here (root with mount rights), and holds."""
    if not shutil.which("unshare"):
        return False
    for name in ("a", "b"):
        (tmp / name).mkdir(parents=True)
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" '
                            '&& ! touch "$2/x" 2>/dev/null', "sh", str(tmp / "a"), str(tmp / "b")],
                           capture_output=True, check=False)  # fmt: skip
    return probe.returncode == 0


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """A crawled archive, and a way to run commands on it as a read-only mount."""
    base = tmp_path_factory.mktemp("media")
    original = base / "original"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOICRAWL_ARCHIVE_DIR", str(original))
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        with serving(build_site("herefordshire", generate("herefordshire", size=6))) as server:
            assert run_crawl("herefordshire", server.base_url, settings=FAST, log_file=base / "crawl.log").returncode == 0
    if mounts_allowed(base / "probe"):
        how = "mount"
    elif os.geteuid() != 0:
        how = "chmod"
    else:
        pytest.skip("cannot make a read-only archive here: root, and mounts are not allowed")
    return base, original, how


def read_only(media, source: Path, name: str) -> tuple[Path, list[str]]:
    """Where `source` appears read-only, and the command prefix that makes it so."""
    base, _, how = media
    mountpoint = base / name
    if how == "mount":
        mountpoint.mkdir()
        return mountpoint, ["unshare", "--mount", "sh", "-c", MOUNT, "sh", str(source), str(mountpoint)]
    shutil.copytree(source, mountpoint)
    subprocess.run(["chmod", "-R", "a-w", str(mountpoint)], check=True)
    return mountpoint, []


def foicrawl(prefix: list[str], archive: Path, *args: str, **kwargs):
    env = {**os.environ, "FOICRAWL_ARCHIVE_DIR": str(archive)}
    env.pop("FOICRAWL_DATABASE_URL", None)
    command = [*prefix, sys.executable, "-m", "foicrawl.cli", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180, check=False, **kwargs)


def copy_archive(media, name: str) -> Path:
    base, original, _ = media
    copy = base / f"{name}-source"
    shutil.copytree(original, copy)
    return copy


def test_verify_export_replay_and_stats_on_a_read_only_archive(media, tmp_path):
    _, original, _ = media
    source = copy_archive(media, "plain")
    before = snapshot(source)
    archive, prefix = read_only(media, source, "plain")
    expected = foicrawl([], original, "export").stdout
    assert len(expected.splitlines()) == 6

    verify = foicrawl(prefix, archive, "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert re.search(r"^6 versions checked in .*: 6 OK, 0 mismatched, 0 missing$", verify.stdout, re.M)
    exported = foicrawl(prefix, archive, "export")
    assert exported.returncode == 0 and exported.stdout == expected, exported.stderr
    assert foicrawl(prefix, archive, "export", "--format", "csv", "-o", str(tmp_path / "r.csv")).returncode == 0
    assert len(list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))) == 6
    page = tmp_path / "seed.html"
    replayed = foicrawl(prefix, archive, "replay", SEED, "--out", str(page))
    assert replayed.returncode == 0 and "digests verified  yes" in replayed.stdout, replayed.stdout + replayed.stderr
    assert b"Performance management" in page.read_bytes()
    stats = foicrawl(prefix, archive, "stats")
    assert stats.returncode == 0 and re.search(r"^herefordshire +6 +6 +0 ", stats.stdout, re.M), stats.stdout + stats.stderr
    wacz = foicrawl(prefix, archive, "export", "--format", "wacz", "-o", str(tmp_path / "a.wacz"))
    assert wacz.returncode == 0 and (tmp_path / "a.wacz").stat().st_size > 0, wacz.stderr
    assert snapshot(source) == before, "nothing in the archive was written"


def test_a_copy_taken_mid_crawl_is_read_with_its_write_ahead_log(media):
    """The catalogue's last changes still in catalogue.sqlite-wal (as in a copy made while a crawl
    ran): on read-only media they are read too, not silently lost."""
    _, original, _ = media
    source = copy_archive(media, "wal")
    database = source / "catalogue.sqlite"
    for extra in source.glob("catalogue.sqlite-*"):
        extra.unlink()
    database.unlink()
    writer = sqlite3.connect(database)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    sqlite3.connect(original / "catalogue.sqlite").backup(writer)  # every page goes to the log
    wal = source / "catalogue.sqlite-wal"
    taken = {p.name: p.read_bytes() for p in (database, wal)}  # the copy, taken while the writer is open
    writer.close()
    for name, data in taken.items():
        (source / name).write_bytes(data)
    (source / "catalogue.sqlite-shm").unlink(missing_ok=True)
    main_file_alone = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
    assert main_file_alone.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,), "all is in the log"
    main_file_alone.close()
    before = snapshot(source)
    archive, prefix = read_only(media, source, "wal")
    exported = foicrawl(prefix, archive, "export")
    assert exported.returncode == 0, exported.stderr
    assert [json.loads(line)["case_ref"] for line in exported.stdout.splitlines()] == \
        [json.loads(line)["case_ref"] for line in foicrawl([], original, "export").stdout.splitlines()]  # fmt: skip
    assert snapshot(source) == before


def test_replay_serve_on_a_read_only_archive_with_an_index_missing(media):
    source = copy_archive(media, "serve")
    seed = next(json.loads(line) for line in foicrawl([], source, "export").stdout.splitlines()
                if json.loads(line)["case_ref"] == SEED)  # fmt: skip
    (source / "index" / (seed["capture"]["warc_file"] + ".cdxj")).unlink()  # a copy without its index
    before = snapshot(source)
    archive, prefix = read_only(media, source, "serve")
    server = foicrawl(prefix, archive, "replay", "--serve", "--port", "0", background=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line + server.stderr.read() if server.poll() is not None else line
        front = None
        for _ in range(150):
            try:
                front = urllib.request.urlopen(url[0], timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert front and SEED in front
        stamp = re.sub(r"\D", "", seed["capture"]["fetched_at"])[:14]
        page = urllib.request.urlopen(f"{url[0]}foicrawl/{stamp}id_/{seed['url']}", timeout=10).read()
        assert b"Performance management" in page
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert snapshot(source) == before, "the missing index was built elsewhere, not in the archive"
