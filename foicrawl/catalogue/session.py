"""Connections to the catalogue: SQLite under the archive directory by default, any SQLAlchemy URL
through FOICRAWL_DATABASE_URL."""

from __future__ import annotations

import threading
from functools import cache

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from foicrawl.catalogue.models import Base
from foicrawl.config import database_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Several crawls may write the same file at once: wait for the lock rather than fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_creating = threading.Lock()


def _add_missing_columns(engine: Engine) -> None:
    """Columns added to a model since the catalogue was made (nullable ones only): added in place,
    so an existing archive keeps working. New tables are made by create_all."""
    found = inspect(engine)
    for table in Base.metadata.sorted_tables:
        have = {column["name"] for column in found.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have and column.nullable:
                kind = column.type.compile(dialect=engine.dialect)
                try:
                    with engine.begin() as connection:
                        connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
                except (OperationalError, ProgrammingError):  # another process added it first
                    pass


def _create_tables(engine: Engine) -> None:
    # Two crawls starting at once may both find a table missing; the loser retries and sees it.
    for attempt in range(3):
        try:
            Base.metadata.create_all(engine)
            _add_missing_columns(engine)
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
