"""Portable upserts for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def _insert(session: AsyncSession, table: Table) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def table_of(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


async def insert_missing(
    session: AsyncSession, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert rows whose key is absent; existing rows are never touched. Returns how many
    rows were inserted."""
    return len(await insert_missing_keys(session, model, rows))


async def insert_missing_keys(
    session: AsyncSession, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Insert rows whose key is absent, as insert_missing does; returns the primary keys
    of the rows it inserted."""
    if not rows:
        return []
    table = table_of(model)
    # RETURNING, not rowcount: drivers report -1 for multi-row inserts.
    statement = (
        _insert(session, table)
        .values(list(rows))
        .on_conflict_do_nothing()
        .returning(*table.primary_key.columns)
    )
    result = await session.exec(statement)
    return [tuple(row) for row in result.all()]


async def upsert(
    session: AsyncSession,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    *,
    where: ColumnElement[bool] | None = None,
) -> None:
    """Insert rows, or overwrite every non-key column of rows that exist."""
    if not rows:
        return
    table = table_of(model)
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    if where is None:
        statement = _overwriting(dialect, table).values(list(rows))
    else:
        statement = _overwrite(_insert(session, table).values(list(rows)), table, where)
    await session.exec(statement)


@cache
def _overwriting(dialect: str, table: Table) -> Any:
    """The upsert of a table without a condition, built once per dialect and table:
    building its `excluded` columns again for every batch was a large part of each
    projection's time."""
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return _overwrite(insert, table, None)


def _overwrite(insert: Any, table: Table, where: ColumnElement[bool] | None) -> Any:
    keys = [c.name for c in table.primary_key.columns]
    updates = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys}
    return insert.on_conflict_do_update(index_elements=keys, set_=updates, where=where)
