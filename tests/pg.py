"""A throwaway PostgreSQL server for the tests that put the catalogue in PostgreSQL."""

from __future__ import annotations

import glob
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

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
