"""Creating and revoking delegations, on SQLite and PostgreSQL: every refusal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models import errors
from models.roles import Role
from throughline.store import delegations, directory


async def _people(session: AsyncSession) -> tuple[str, str]:
    holder, deputy = f"holder-{uuid.uuid4().hex[:8]}", f"deputy-{uuid.uuid4().hex[:8]}"
    await directory.add_person(session, name="Holder", person_id=holder, roles=[Role.POLICY])
    await directory.add_person(session, name="Deputy", person_id=deputy, roles=[])
    return holder, deputy


async def _delegate(
    session: AsyncSession, holder: str, deputy: str, *, role: Role = Role.POLICY, days: float = 2
) -> int:
    row = await delegations.delegate(
        session,
        delegator=holder,
        delegate_to=deputy,
        role=role,
        starts_at=None,
        ends_at=datetime.now(UTC) + timedelta(days=days),
        change_id=None,
        reason=None,
    )
    assert row.id is not None
    return row.id


async def test_a_holder_delegates_and_the_delegate_is_authorised(
    rollback_session: AsyncSession,
) -> None:
    holder, deputy = await _people(rollback_session)
    await _delegate(rollback_session, holder, deputy)
    found = await directory.authorities(rollback_session, [deputy, holder], datetime.now(UTC))
    assert found.still_authorised(deputy, Role.POLICY, acting_for=holder) is None
    assert found.still_authorised(deputy, Role.DIGITAL, acting_for=holder) is not None


@pytest.mark.parametrize(
    ("days", "message"),
    [(91, "at most 90 days"), (-1, "must be after starts_at")],
)
async def test_the_period_is_bounded(
    rollback_session: AsyncSession, days: float, message: str
) -> None:
    holder, deputy = await _people(rollback_session)
    with pytest.raises(errors.InvalidRequest, match=message):
        await _delegate(rollback_session, holder, deputy, days=days)


async def test_a_period_already_over_is_refused(rollback_session: AsyncSession) -> None:
    holder, deputy = await _people(rollback_session)
    with pytest.raises(errors.InvalidRequest, match="must be in the future"):
        await delegations.delegate(
            rollback_session,
            delegator=holder,
            delegate_to=deputy,
            role=Role.POLICY,
            starts_at=datetime.now(UTC) - timedelta(days=3),
            ends_at=datetime.now(UTC) - timedelta(days=1),
            change_id=None,
            reason=None,
        )


async def test_who_and_what_may_be_delegated(rollback_session: AsyncSession) -> None:
    holder, deputy = await _people(rollback_session)
    with pytest.raises(errors.InvalidRequest, match="to yourself"):
        await _delegate(rollback_session, holder, holder)
    with pytest.raises(errors.DelegationNotAllowed, match="does not hold the digital role"):
        await _delegate(rollback_session, holder, deputy, role=Role.DIGITAL)
    await directory.grant_role(rollback_session, holder, Role.SERVICE_OWNER, by=None)
    with pytest.raises(errors.InvalidRequest, match="cannot be delegated"):
        await _delegate(rollback_session, holder, deputy, role=Role.SERVICE_OWNER)
    with pytest.raises(errors.PersonNotFound):
        await _delegate(rollback_session, holder, "nobody-" + deputy)


async def test_a_delegate_cannot_delegate_further(rollback_session: AsyncSession) -> None:
    holder, deputy = await _people(rollback_session)
    await _delegate(rollback_session, holder, deputy)
    with pytest.raises(errors.DelegationNotAllowed, match="cannot delegate further"):
        await _delegate(rollback_session, deputy, holder)


async def test_only_the_delegator_or_an_admin_revokes(rollback_session: AsyncSession) -> None:
    holder, deputy = await _people(rollback_session)
    delegation_id = await _delegate(rollback_session, holder, deputy)
    with pytest.raises(errors.NotPermitted, match="only the person who delegated"):
        await delegations.revoke(rollback_session, delegation_id, by=deputy, admin=False)
    revoked = await delegations.revoke(rollback_session, delegation_id, by="an-admin", admin=True)
    assert revoked.revoked_at is not None
    with pytest.raises(errors.DelegationNotFound):
        await delegations.revoke(rollback_session, 2**31 - 1, by=holder, admin=False)
