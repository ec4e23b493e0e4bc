"""Portable upserts for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


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
    # RETURNING, not rowcount: drivers report -1 for multi-row inserts.
    statement = _skipping(_dialect(session), table_of(model))
    result = await session.exec(statement, params=list(rows))
    return [tuple(row) for row in result.all()]


async def upsert(
    session: AsyncSession,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    *,
    newer_by: str | None = None,
) -> None:
    """Insert rows, or overwrite every non-key column of rows that exist; with newer_by,
    only a row whose value in that column is lower than the new row's."""
    if not rows:
        return
    statement = _overwriting(_dialect(session), table_of(model), newer_by)
    await session.exec(statement, params=list(rows))


# Statements are built once per dialect and table and sent with the rows as parameters,
# so SQLAlchemy compiles each once: building them (and their `excluded` columns) again
# for every batch was most of each projection's time.


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind else "sqlite"


def _insert(dialect: str, table: Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


@cache
def _skipping(dialect: str, table: Table) -> Any:
    insert = _insert(dialect, table)
    return insert.on_conflict_do_nothing().returning(*table.primary_key.columns)


@cache
def _overwriting(dialect: str, table: Table, newer_by: str | None) -> Any:
    insert = _insert(dialect, table)
    keys = [c.name for c in table.primary_key.columns]
    updates = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys}
    where = None if newer_by is None else table.c[newer_by] < insert.excluded[newer_by]
    return insert.on_conflict_do_update(index_elements=keys, set_=updates, where=where)
