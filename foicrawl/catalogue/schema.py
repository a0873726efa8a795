"""Catalogues made by an earlier foicrawl: the columns added since are added to them, so an old
archive keeps working (tables are created whole by `create_all`; columns are not)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from foicrawl.catalogue.models import Base


def _default_sql(column) -> str:
    default = column.default
    if default is None or not default.is_scalar:
        return ""
    value = default.arg
    if isinstance(value, bool):
        return f" DEFAULT {'TRUE' if value else 'FALSE'}"
    if isinstance(value, int | float):
        return f" DEFAULT {value}"
    return ""


def add_missing_columns(engine: Engine) -> list[str]:
    """Add each model column its table lacks (empty, or with its plain default). Returns what was added."""
    inspector = inspect(engine)
    added = []
    for table in Base.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            try:
                with engine.begin() as connection:
                    connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{_default_sql(column)}'))
            except (OperationalError, ProgrammingError):  # another process added it first
                continue
            added.append(f"{table.name}.{column.name}")
    return added
