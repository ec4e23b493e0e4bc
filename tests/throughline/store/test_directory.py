"""The directory on SQLite and PostgreSQL: people, grants, revocations, authority."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models import errors
from models.roles import Role
from throughline.store import directory


def _pid() -> str:
    return f"person-{uuid.uuid4().hex[:8]}"


async def test_add_grant_and_revoke(rollback_session: AsyncSession) -> None:
    pid = _pid()
    await directory.add_person(rollback_session, name="Someone", person_id=pid, roles=[Role.POLICY])
    assert await directory.active_roles(rollback_session, pid) == [Role.POLICY]
    assert await directory.grant_role(rollback_session, pid, Role.DIGITAL, by=None)
    assert not await directory.grant_role(rollback_session, pid, Role.DIGITAL, by=None)
    assert await directory.revoke_role(rollback_session, pid, Role.POLICY, by="admin")
    assert not await directory.revoke_role(rollback_session, pid, Role.POLICY, by="admin")
    assert await directory.active_roles(rollback_session, pid) == [Role.DIGITAL]


async def test_duplicate_and_missing_people_are_refused(rollback_session: AsyncSession) -> None:
    pid = _pid()
    await directory.add_person(rollback_session, name="Someone", person_id=pid, roles=[])
    with pytest.raises(errors.AlreadyExists):
        await directory.add_person(rollback_session, name="Someone", person_id=pid, roles=[])
    with pytest.raises(errors.PersonNotFound):
        await directory.grant_role(rollback_session, "nobody-" + pid, Role.POLICY, by=None)


async def test_authority_is_read_as_of_a_moment(rollback_session: AsyncSession) -> None:
    pid = _pid()
    await directory.add_person(rollback_session, name="Someone", person_id=pid, roles=[Role.POLICY])
    before_revocation = datetime.now(UTC)
    await directory.revoke_role(rollback_session, pid, Role.POLICY, by=None)
    later = datetime.now(UTC) + timedelta(seconds=1)
    then = await directory.authorities(rollback_session, [pid], before_revocation)
    now = await directory.authorities(rollback_session, [pid, "ghost"], later)
    assert then.of(pid).holds(Role.POLICY)
    assert not now.of(pid).holds(Role.POLICY)
    assert not now.of("ghost").active


def test_slugs_are_made_from_names() -> None:
    assert directory.slug("Policy Lead (North)") == "policy-lead-north"
    with pytest.raises(errors.InvalidRequest):
        directory.slug("!!!")
