"""Delegations: a role holder lets another person act for them, for a bounded period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import (
    ChangeNotFound,
    DelegationNotAllowed,
    DelegationNotFound,
    InvalidRequest,
    NotPermitted,
)
from models.roles import Role
from models.tables import ChangeRow, DelegationRow
from throughline.store import directory

LONGEST_DELEGATION = timedelta(days=90)
# Decisions at the act gate and on challenges take no `acting_for` yet, so a delegated
# service-owner role could never be used; it is refused rather than silently useless.
DELEGABLE = frozenset({Role.POLICY, Role.DIGITAL, Role.OPERATIONS})


async def delegate(
    session: AsyncSession,
    *,
    delegator: str,
    delegate_to: str,
    role: Role,
    starts_at: datetime | None,
    ends_at: datetime,
    change_id: str | None,
    reason: str | None,
) -> DelegationRow:
    """Create a delegation; only a direct holder of the role may delegate it."""
    now = datetime.now(UTC)
    start = starts_at or now
    await _check_people(session, delegator, delegate_to, role)
    _check_period(start, ends_at, now)
    if change_id is not None and await session.get(ChangeRow, change_id) is None:
        raise ChangeNotFound(f"no change with id {change_id!r} to limit the delegation to")
    row = DelegationRow(
        delegator=delegator,
        delegate=delegate_to,
        role=role.value,
        change_id=change_id,
        starts_at=start,
        ends_at=ends_at,
        reason=reason,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def _check_period(start: datetime, end: datetime, now: datetime) -> None:
    if end <= start:
        raise InvalidRequest("ends_at must be after starts_at")
    if end <= now:
        raise InvalidRequest("ends_at must be in the future")
    if end - start > LONGEST_DELEGATION:
        raise InvalidRequest(f"a delegation may last at most {LONGEST_DELEGATION.days} days")


async def _check_people(
    session: AsyncSession, delegator: str, delegate_to: str, role: Role
) -> None:
    if role not in DELEGABLE:
        raise InvalidRequest(
            f"the {role} role cannot be delegated; policy, digital and operations can"
        )
    if delegator == delegate_to:
        raise InvalidRequest("you cannot delegate to yourself")
    if role not in await directory.active_roles(session, delegator):
        raise DelegationNotAllowed(
            f"{delegator} does not hold the {role} role directly, so cannot delegate it; "
            "a delegate cannot delegate further"
        )
    await directory.get_person(session, delegate_to)
    if await directory.missing_people(session, {delegate_to}):
        raise InvalidRequest(f"{delegate_to} is not an active person in the directory")


async def revoke(
    session: AsyncSession, delegation_id: int, *, by: str, admin: bool
) -> DelegationRow:
    row = await session.get(DelegationRow, delegation_id)
    if row is None:
        raise DelegationNotFound(f"no delegation with id {delegation_id}")
    if row.delegator != by and not admin:
        raise NotPermitted("only the person who delegated, or an admin, may revoke a delegation")
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = datetime.now(UTC), by
        session.add(row)
        await session.flush()
    return row


async def involving(session: AsyncSession, person: str) -> list[DelegationRow]:
    statement = (
        select(DelegationRow)
        .where(or_(col(DelegationRow.delegator) == person, col(DelegationRow.delegate) == person))
        .order_by(col(DelegationRow.id))
    )
    return list((await session.exec(statement)).all())
