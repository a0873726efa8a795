"""One crawl of a council at a time, across processes: a lock file the crawl holds while it runs.

The lock dies with its process (flock), so a crawl killed outright never leaves a stale lock; the
next crawl of that council takes it and settles what the dead one left behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from foicrawl import config


class CouncilBusy(RuntimeError):
    pass


def lock_path(council: str):
    return config.archive_dir() / "locks" / f"{council}.lock"


def take_council_lock(council: str) -> IO:
    """Take the council's lock for the rest of this process's life (keep the returned handle).
    Raises CouncilBusy, naming the holder's pid, when another process has it."""
    path = lock_path(council)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise CouncilBusy(f"another crawl of {council} is running (pid {holder})") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def recorded_holder(council: str) -> int | None:
    """The pid the council's lock file records: the crawl holding it, or the last one that did
    (the file is not cleared when a crawl ends). Takes no lock."""
    try:
        text = lock_path(council).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def release(handle: IO) -> None:
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


@contextmanager
def all_council_locks(councils) -> Iterator[None]:
    """Hold the lock of every council named, so that no crawl of any runs meanwhile (what
    `foicrawl reindex` needs: it rewrites every council's releases). Raises CouncilBusy, having
    released what it took, when one is held."""
    taken = []
    try:
        for council in sorted(set(councils)):
            taken.append(take_council_lock(council))
        yield
    finally:
        for handle in taken:
            release(handle)
