"""Reading the directory's projection: who a token names, with the roles they hold now
and whether the token was revoked, in one query, on SQLite and PostgreSQL:
throughline/store/directory.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.roles import Role
from models.tables import Person, RoleGrant, TokenRevocationRow
from throughline.store import directory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_caller_is_read_with_their_roles_now_and_their_token_checked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    person, token = f"p-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    async with sessions() as session, session.begin():
        session.add(Person(id=person, name="Pat", created_at=T0))
        await session.flush()
        session.add(RoleGrant(person_id=person, role=Role.POLICY.value, granted_at=T0))
        session.add(RoleGrant(person_id=person, role=Role.AUDITOR.value, granted_at=T0))
        session.add(
            RoleGrant(person_id=person, role=Role.DIGITAL.value, granted_at=T0, revoked_at=T0)
        )
    async with sessions() as session:
        found, roles, revoked = await directory.caller_facts(session, person, token)
        assert (found and found.name, roles, revoked) == ("Pat", [Role.POLICY, Role.AUDITOR], False)
        assert await directory.caller_facts(session, "nobody", token) == (None, [], False)
    async with sessions() as session, session.begin():
        session.add(
            TokenRevocationRow(
                token_id=token, person_id=person, revoked_at=T0, expires_at=T0 + timedelta(1)
            )
        )
    async with sessions() as session:
        assert (await directory.caller_facts(session, person, token))[2] is True
        assert (await directory.caller_facts(session, person, None))[2] is False
