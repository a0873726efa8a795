"""Connections to the catalogue: SQLite under the archive directory by default, any SQLAlchemy URL
through FOICRAWL_DATABASE_URL."""

from __future__ import annotations

import threading
from functools import cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from foicrawl.catalogue.models import Base
from foicrawl.catalogue.schema import add_missing_columns
from foicrawl.config import database_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Several crawls may write the same file at once: wait for the lock rather than fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_creating = threading.Lock()


def _create_tables(engine: Engine) -> None:
    # Two crawls starting at once may both find a table missing; the loser retries and sees it.
    for attempt in range(3):
        try:
            Base.metadata.create_all(engine)
            add_missing_columns(engine)
            return
        except OperationalError:
            if attempt == 2:
                raise


@cache
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _create_tables(engine)
    return engine


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    with _creating:
        engine = engine_for(url or database_url())
    return sessionmaker(engine, expire_on_commit=False)
