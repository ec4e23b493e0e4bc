"""Database engines, sessions and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from throughline.patience import until_it_answers

MIGRATIONS = Path(__file__).parent / "migrations"
# Any 64-bit number works; it only has to be the same in every process.
_MIGRATION_LOCK_ID = 7_211_904_433


def _driver_url(url: str, *, asynchronous: bool) -> str:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        driver = "sqlite+aiosqlite" if asynchronous else "sqlite"
    elif backend == "postgresql":
        driver = "postgresql+psycopg"
    else:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the worker writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
    engine = create_async_engine(_driver_url(url, asynchronous=True), pool_pre_ping=True)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def make_sync_engine(url: str) -> Engine:
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
    engine = create_engine(_driver_url(url, asynchronous=False))
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate_sync(url: str) -> None:
    """Bring the schema to the newest migration. Safe to run from several processes."""
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            if not is_sqlite(url):
                connection.execute(text(f"SELECT pg_advisory_lock({_MIGRATION_LOCK_ID})"))
            command.upgrade(_alembic_config(connection), "head")
            connection.commit()
            if not is_sqlite(url):
                connection.execute(text(f"SELECT pg_advisory_unlock({_MIGRATION_LOCK_ID})"))
    finally:
        engine.dispose()


async def migrate(url: str) -> None:
    await asyncio.to_thread(migrate_sync, url)


async def migrate_when_reachable(url: str) -> None:
    """Wait for the database, however long it takes to be reachable, then migrate it."""
    where = f"the database ({make_url(url).render_as_string(hide_password=True)})"
    await until_it_answers(where, lambda: migrate(url), (OperationalError, OSError))


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
