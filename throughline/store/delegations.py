"""Delegations as the directory's projection holds them."""

from __future__ import annotations

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import DelegationNotFound
from models.tables import DelegationRow


async def find(session: AsyncSession, delegation_id: int) -> DelegationRow | None:
    return await session.get(DelegationRow, delegation_id)


async def get(session: AsyncSession, delegation_id: int) -> DelegationRow:
    row = await find(session, delegation_id)
    if row is None:
        raise DelegationNotFound(f"no delegation with id {delegation_id}")
    return row


async def involving(session: AsyncSession, person: str) -> list[DelegationRow]:
    statement = (
        select(DelegationRow)
        .where(or_(col(DelegationRow.delegator) == person, col(DelegationRow.delegate) == person))
        .order_by(col(DelegationRow.id))
    )
    return list((await session.exec(statement)).all())
