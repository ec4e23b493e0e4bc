"""Migrations and connections on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, literal
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

import models.tables  # noqa: F401  (registers the tables on the metadata)
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
        "delegation", "gate_condition", "command_receipt", "directory_event", "directory_log",
        "token_revocation", "change_person",
    }  # fmt: skip
    async with sessions() as session:
        answer = (await session.exec(select(literal(1)))).one()
    assert answer == 1


def test_sqlite_and_postgresql_urls_are_told_apart_and_others_refused() -> None:
    assert db.is_sqlite("sqlite:///x.db")
    assert not db.is_sqlite("postgresql://u@h/d")
    with pytest.raises(ValueError, match="use sqlite or postgresql"):
        db.make_engine("mysql://u@h/d")


def test_the_migrations_build_exactly_the_tables_the_models_declare(database_url: str) -> None:
    """A model changed without a migration (or the other way round) fails here."""
    db.migrate_sync(database_url)
    engine = db.make_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []
