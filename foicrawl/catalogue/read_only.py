"""The catalogue opened for reading only, by the commands that only look (export, stats, verify,
replay, runs, health, scheduler.py --list): nothing is created, not a table, not a file, and an
archive on read-only media (a DVD, a read-only mount, a colleague's copy) opens as it is."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from foicrawl.catalogue.models import Release
from foicrawl.config import ARCHIVE_DIR_ENV, DATABASE_URL_ENV, archive_dir, database_url, writable
from foicrawl.errors import FoicrawlError


class CatalogueMissing(FoicrawlError):
    """A command that only reads found no catalogue where it looked (and made none), or could not
    reach it."""


def shown_url(url: str) -> str:
    """A database URL fit to print: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def _no_catalogue(path: Path) -> str:
    """Where a read-only command looked for the catalogue, and what to do."""
    if os.environ.get(DATABASE_URL_ENV):
        return f"no catalogue at {path} (named by {DATABASE_URL_ENV})"
    if os.environ.get(ARCHIVE_DIR_ENV):
        where, advice = f"{archive_dir()} (set by {ARCHIVE_DIR_ENV})", f"check {ARCHIVE_DIR_ENV}"
    else:
        where = f"{archive_dir()} (./archive: {ARCHIVE_DIR_ENV} is not set)"
        advice = f"run foicrawl from the folder that holds archive/, or set {ARCHIVE_DIR_ENV} to the archive folder"
    if list((archive_dir() / "warc").glob("*.warc.gz")):
        return f"no catalogue in the archive at {where}; its WARC files are there: `foicrawl reindex` rebuilds it"
    return f"no archive at {where}: {advice}"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _read_only_uri(path: Path) -> str:
    """How to open a SQLite catalogue without writing a byte, wherever it is.

    In a folder we can write, read-only mode (SQLite may keep its shared-memory file beside it, and
    sees a crawl's commits as they land). On read-only media (a DVD, a read-only mount) SQLite cannot
    make that file, so the database is opened as immutable; unless its write-ahead log still holds
    changes (a copy taken while a crawl ran), which immutable would ignore: then a private copy of the
    database and its log, in a temporary folder, is read instead."""
    path = path.resolve()
    if writable(path.parent):
        return f"file:{quote(str(path))}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not (wal.exists() and wal.stat().st_size):
        return f"file:{quote(str(path))}?mode=ro&immutable=1"
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-catalogue-"))
    atexit.register(shutil.rmtree, scratch, True)
    shutil.copyfile(path, scratch / path.name)
    shutil.copyfile(wal, scratch / wal.name)
    return f"file:{quote(str(scratch / path.name))}?mode=ro"


def _read_only_sqlite(path: Path) -> Engine:
    uri = _read_only_uri(path)
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=60,
                                                                        check_same_thread=False))  # fmt: skip
    event.listen(engine, "connect", _read_pragmas)
    return engine


def _read_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


@cache
def read_only_engine(url: str) -> Engine:
    """The catalogue opened for reading only: nothing is created, no table, no file. Raises
    CatalogueMissing when there is no catalogue at `url`."""
    path = _sqlite_path(url)
    if path is not None:
        if not path.is_file():
            raise CatalogueMissing(_no_catalogue(path))
        engine = _read_only_sqlite(path)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        held = inspect(engine).has_table(Release.__tablename__)
    except OperationalError as error:
        raise CatalogueMissing(f"cannot open the catalogue at {shown_url(url)}: {reason(error)}") from None
    if not held:
        raise CatalogueMissing(f"the catalogue at {shown_url(url)} holds no foicrawl tables: nothing has been crawled into it")
    return engine


def reason(error: OperationalError) -> str:
    """The database's own words, first line."""
    return str(error.orig or error).strip().splitlines()[0]


def read_only_sessions(url: str | None = None) -> sessionmaker[Session]:
    """Sessions that can only read the catalogue. Raises CatalogueMissing where there is none."""
    return sessionmaker(read_only_engine(url or database_url()), expire_on_commit=False)
