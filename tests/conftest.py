"""Shared environments: a real Temporal dev server, real SQLite and real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.processes import dev_server_environment
from throughline import db
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from workers.main import build_worker

pytest_plugins = (
    "tests.support.app",
    "tests.support.peers",
    "tests.support.browser",
    "tests.support.live",
    "tests.support.pages",
)

POSTGRES_ADMIN_URL = os.environ.get(
    "THROUGHLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session", autouse=True)
def private_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads the developer's THROUGHLINE_* settings or writes to ./.throughline."""
    saved = {
        k: v
        for k, v in os.environ.items()
        if k.startswith("THROUGHLINE_") and k != "THROUGHLINE_TEST_POSTGRES"
    }
    for name in saved:
        del os.environ[name]
    os.environ["THROUGHLINE_DATA_DIR"] = str(tmp_path_factory.mktemp("settings") / "data")
    try:
        yield
    finally:
        del os.environ["THROUGHLINE_DATA_DIR"]
        os.environ.update(saved)


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await dev_server_environment()
    async with env:
        yield env


@pytest.fixture(scope="session")
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("db") / "throughline.db"
    url = f"sqlite:///{path}"
    db.migrate_sync(url)
    return url


@contextmanager
def private_schema(prefix: str = "throughline_test") -> Iterator[str]:
    """A migrated private schema in the shared PostgreSQL test database, dropped afterwards;
    yields its URL."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}"
    try:
        db.migrate_sync(url)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private schema in the shared PostgreSQL test database, dropped afterwards."""
    with private_schema() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture(scope="session")
async def sqlite_sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.make_engine(sqlite_url)
    yield db.session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.make_engine(database_url)
    yield db.session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def rollback_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session whose every write is rolled back when the test ends."""
    engine = db.make_engine(database_url)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()
    await engine.dispose()


@pytest.fixture
async def rollback_sessions(
    database_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on one connection whose transaction is rolled back when the test ends."""
    engine = db.make_engine(database_url)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield async_sessionmaker(connection, class_=AsyncSession, expire_on_commit=False)
        await transaction.rollback()
    await engine.dispose()


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
async def worker(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Worker]:
    running = build_worker(temporal_client, task_queue, sqlite_sessions)
    async with running:
        yield running


@pytest.fixture
def directory_service(
    temporal_client: Client,
    task_queue: str,
    sqlite_url: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> DirectoryService:
    """The directory of this test's task queue, served by this test's worker."""
    settings = Settings(task_queue=task_queue, database_url=sqlite_url)
    return DirectoryService(temporal_client, settings, sqlite_sessions)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
