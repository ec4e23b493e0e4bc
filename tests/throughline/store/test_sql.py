"""Portable upserts on SQLite and PostgreSQL: an upsert overwrites every non-key column,
the same whether its statement was built for this call or kept from an earlier one; a
conditional upsert overwrites only a row older by the column it names: throughline/store/sql.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import Person
from throughline.store.sql import insert_missing, upsert

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _person(person: str, name: str, created_at: datetime = T0) -> dict[str, object]:
    return {
        "id": person,
        "name": name,
        "active": True,
        "created_at": created_at,
        "tokens_valid_after": None,
    }


async def _name(sessions: async_sessionmaker[AsyncSession], person: str) -> str | None:
    async with sessions() as session:
        found = await session.get(Person, person, populate_existing=True)
    return found.name if found else None


async def test_upserts_overwrite_each_time_and_only_where_asked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first, second = f"p-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    for name in ("One", "Two", "Three"):
        async with sessions() as session, session.begin():
            await upsert(session, Person, [_person(first, name), _person(second, name)])
        assert (await _name(sessions, first), await _name(sessions, second)) == (name, name)
    older, newer = _person(first, "Older", T0 - HOUR), _person(first, "Newer", T0 + HOUR)
    async with sessions() as session, session.begin():
        await upsert(session, Person, [older], newer_by="created_at")
        assert await insert_missing(session, Person, [_person(first, "Ignored")]) == 0
    assert await _name(sessions, first) == "Three"
    async with sessions() as session, session.begin():
        await upsert(session, Person, [newer], newer_by="created_at")
    assert await _name(sessions, first) == "Newer"
