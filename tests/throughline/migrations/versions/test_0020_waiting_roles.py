"""Upgrading a read model that already holds changes fills each change's waiting roles
from its waiting rows, exactly as the projection writes them, on SQLite and PostgreSQL:
throughline/migrations/versions/0020_waiting_roles.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlmodel import select

from models.tables import ChangeRow
from tests.conftest import private_schema
from tests.throughline.store.test_projection import NOW, _people_in_the_directory, _two_batches
from throughline import db
from throughline.store.projection import project


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A read model of its own, migrated to the newest revision."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'upgrade.db'}"
        db.migrate_sync(url)
        yield url
        return
    with private_schema("throughline_upgrade") as url:
        yield url


def _downgrade(url: str, revision: str) -> None:
    engine = db.make_sync_engine(url)
    try:
        with engine.connect() as connection:
            config = Config()
            config.set_main_option("script_location", str(db.MIGRATIONS))
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
            connection.commit()
    finally:
        engine.dispose()


async def _waiting_roles(url: str) -> dict[str, str]:
    engine = db.make_engine(url)
    async with db.session_factory(engine)() as session:
        rows = (await session.exec(select(ChangeRow.id, ChangeRow.waiting_roles))).all()
    await engine.dispose()
    return dict(rows)


async def _project_changes(url: str) -> None:
    """One change waiting on the digital role, one on all three signing roles."""
    engine = db.make_engine(url)
    async with db.session_factory(engine)() as session:
        for batch in _two_batches():
            await _people_in_the_directory(session, batch.state)
            await project(session, batch, NOW)
        opened, _ = _two_batches()
        await _people_in_the_directory(session, opened.state)
        await project(session, opened, NOW)
        await session.commit()
    await engine.dispose()


async def test_upgrading_fills_each_changes_waiting_roles_from_its_rows(empty_url: str) -> None:
    await _project_changes(empty_url)
    written = await _waiting_roles(empty_url)
    assert sorted(written.values()) == [" digital ", " digital operations policy "]
    _downgrade(empty_url, "0019")
    db.migrate_sync(empty_url)
    assert await _waiting_roles(empty_url) == written
