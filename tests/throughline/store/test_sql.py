"""Portable upserts on SQLite and PostgreSQL: an upsert overwrites every non-key column,
the same whether its statement was built for this call or kept from an earlier one; a
conditional upsert overwrites only where its condition holds: throughline/store/sql.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import Person
from throughline.store.sql import insert_missing, upsert

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _person(person: str, name: str) -> dict[str, object]:
    return {
        "id": person,
        "name": name,
        "active": True,
        "created_at": T0,
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
    async with sessions() as session, session.begin():
        await upsert(session, Person, [_person(first, "Kept")], where=col(Person.name) == "Nobody")
        assert await insert_missing(session, Person, [_person(first, "Ignored")]) == 0
    assert await _name(sessions, first) == "Three"
