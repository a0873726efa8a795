"""Where foicrawl keeps its data: the two environment variables every command honours."""

from __future__ import annotations

import os
from pathlib import Path

ARCHIVE_DIR_ENV = "FOICRAWL_ARCHIVE_DIR"
DATABASE_URL_ENV = "FOICRAWL_DATABASE_URL"


def archive_dir() -> Path:
    """The archive root (WARC files, index, default SQLite catalogue); `./archive` unless set."""
    return Path(os.environ.get(ARCHIVE_DIR_ENV) or "archive").resolve()


def warc_dir() -> Path:
    return archive_dir() / "warc"


def database_url() -> str:
    """`FOICRAWL_DATABASE_URL`, else a SQLite file inside the archive directory."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    return f"sqlite:///{archive_dir() / 'catalogue.sqlite'}"


def index_dir() -> Path:
    """CDXJ indexes of the WARC files, one per file, in the form pywb reads."""
    return archive_dir() / "index"


def writable(path: Path) -> bool:
    """Whether files can be made at `path` (or, while it does not exist, in its nearest existing
    parent): False on read-only media and mounts, and for a folder the user may not write."""
    path = Path(path)
    while not path.exists() and path.parent != path:
        path = path.parent
    return os.access(path, os.W_OK)
