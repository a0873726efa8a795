"""Connections to the catalogue: SQLite under the archive directory by default, any SQLAlchemy URL
through FOICRAWL_DATABASE_URL."""

from __future__ import annotations

import threading
from functools import cache

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
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


def _add_missing_columns(engine: Engine) -> None:
    """A catalogue made before a nullable column was added to the models gets that column (empty),
    so that it keeps working. Nothing is dropped or changed."""
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            try:
                with engine.begin() as connection:
                    connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} "
                                            f"{column.type.compile(engine.dialect)}"))  # fmt: skip
            except DBAPIError:  # another process added it first
                if column.name not in {c["name"] for c in inspect(engine).get_columns(table.name)}:
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
