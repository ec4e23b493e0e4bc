"""A SQLite file of a test's own, for fault tests whose workers run in other processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from throughline import db


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    path = tmp_path / "throughline.db"
    db.migrate_sync(f"sqlite:///{path}")
    return path


@pytest.fixture
async def sessions_for(database_file: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.make_engine(f"sqlite:///{database_file}")
    yield db.session_factory(engine)
    await engine.dispose()
