"""The catalogue on PostgreSQL (FOICRAWL_DATABASE_URL): a real server, started for these tests."""

from __future__ import annotations

import glob
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from foicrawl.cli import main

from helpers import catalogue, runs

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL cluster owned by the `postgres` user, on a Unix socket in a temp dir."""
    if not INITDB:
        pytest.skip("PostgreSQL server binaries are not installed (setup.sh --dev installs them)")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres user to run the server as")
    bin_dir = INITDB[-1].rsplit("/", 1)[0]
    root = Path(tempfile.mkdtemp(prefix="foicrawl-pg-"))  # not under pytest's root-only temp dir
    data, sockets = root / "data", root / "sockets"
    data.mkdir()
    sockets.mkdir()
    shutil.chown(root, "postgres")
    shutil.chown(data, "postgres")
    shutil.chown(sockets, "postgres")
    port = free_port()

    def as_postgres(*command: str) -> None:
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)], check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    as_postgres(f"{bin_dir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    as_postgres(f"{bin_dir}/pg_ctl", "-D", str(data), "-w", "-l", str(root / "log"),
                "-o", f"'-p {port} -k {sockets} -c listen_addresses='''", "start")  # fmt: skip
    try:
        as_postgres(f"{bin_dir}/createdb", "-h", str(sockets), "-p", str(port), "foicrawl")
        yield f"postgresql+psycopg://postgres@/foicrawl?host={sockets}&port={port}"
    finally:
        as_postgres(f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_crawls_dedupe_version_and_verify_on_postgresql(postgres, replica, crawl, archive, monkeypatch, capsys):
    monkeypatch.setenv("FOICRAWL_DATABASE_URL", postgres)
    server = replica("herefordshire", size=45)
    crawl("herefordshire", server.base_url)
    crawl("herefordshire", server.base_url)
    server.site.dataset.edit("FOI2022/00092")
    crawl("herefordshire", server.base_url)
    rows = catalogue("herefordshire", all_versions=True)
    assert len(rows) == 46
    assert [r["version"] for r in rows if r["case_ref"] == "FOI2022/00092"] == [1, 2]
    assert [(r.releases_new, r.releases_changed, r.releases_unchanged) for r in runs("herefordshire")] == [
        (45, 0, 0), (0, 0, 45), (0, 1, 44)]  # fmt: skip
    assert not (archive / "catalogue.sqlite").exists(), "nothing went to the default SQLite file"
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.strip().endswith(": 46 OK, 0 mismatched, 0 missing")
