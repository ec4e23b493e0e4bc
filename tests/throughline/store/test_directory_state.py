"""How a directory workflow begins: empty, imported from an earlier SQL-only directory,
or carried on from its own projection after Temporal lost it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.directory.projection import DirectoryBatch
from models.roles import Role
from models.tables import DelegationRow, Person, RoleGrant
from tests.factories import T0
from tests.throughline.store.test_directory_projection import _directory
from throughline import db
from throughline.store.directory_projection import project_directory
from throughline.store.directory_state import directory_start

NOW = datetime.now(UTC)
"""When the directory is read while projecting, as the activity would read it."""


@pytest.fixture
async def own_database(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite:///{tmp_path / 'own.db'}"
    db.migrate_sync(url)
    engine = db.make_engine(url)
    yield db.session_factory(engine)
    await engine.dispose()


async def test_a_new_deployment_starts_empty(
    own_database: async_sessionmaker[AsyncSession],
) -> None:
    async with own_database() as session:
        start = await directory_start(session, "directory-new", T0)
    assert (start.imported, start.state.people, start.state.seq) == (False, {}, 0)


async def test_an_sql_only_directory_is_imported(
    own_database: async_sessionmaker[AsyncSession],
) -> None:
    async with own_database() as session, session.begin():
        session.add(Person(id="old-admin", name="Old admin", created_at=T0))
        session.add(Person(id="old-deputy", name="Old deputy", created_at=T0))
        session.add(RoleGrant(person_id="old-admin", role="admin", granted_at=T0))
        session.add(RoleGrant(person_id="old-admin", role="policy", granted_at=T0))
        await session.flush()
        session.add(
            DelegationRow(
                id=7, delegator="old-admin", delegate="old-deputy", role="policy",
                starts_at=T0, ends_at=T0 + timedelta(days=9), created_at=T0,
            )
        )  # fmt: skip
    async with own_database() as session:
        start = await directory_start(session, "directory-upgraded", T0 + timedelta(days=1))
    assert start.imported
    assert start.state.people["old-admin"].role_names == ["policy", "admin"]
    assert list(start.state.delegations) == [7]
    assert start.state.next_delegation_id == 8


async def test_a_directory_temporal_lost_carries_on_from_its_projection(
    own_database: async_sessionmaker[AsyncSession],
) -> None:
    state, events, holder = _directory()
    async with own_database() as session, session.begin():
        await project_directory(
            session, DirectoryBatch(directory_id=state.directory_id, events=events), NOW
        )
    async with own_database() as session:
        start = await directory_start(session, state.directory_id, T0 + timedelta(hours=2))
    assert start.imported
    assert (start.state.seq, start.state.last_hash) == (state.seq, state.last_hash)
    assert not start.state.people[holder].holds(Role.POLICY)
