"""Migrations and connections on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, literal
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from throughline import db


async def test_migrations_are_idempotent_and_create_every_table(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    db.migrate_sync(database_url)
    engine = db.make_sync_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables >= {
        "person", "role_grant", "change", "change_waiting", "gate", "submission",
        "sign_off", "measurement", "handoff", "audit_event", "alembic_version",
        "idempotent_request", "delegation", "gate_condition",
    }  # fmt: skip
    async with sessions() as session:
        answer = (await session.exec(select(literal(1)))).one()
    assert answer == 1


def test_sqlite_and_postgresql_urls_are_told_apart_and_others_refused() -> None:
    assert db.is_sqlite("sqlite:///x.db")
    assert not db.is_sqlite("postgresql://u@h/d")
    with pytest.raises(ValueError, match="use sqlite or postgresql"):
        db.make_engine("mysql://u@h/d")
