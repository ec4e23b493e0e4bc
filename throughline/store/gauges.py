"""Counts for metrics, read from the read model when Prometheus scrapes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, distinct
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.read.waiting import WaitKind
from models.tables import ChangeRow, ChangeWaiting, NotificationRow

AGE_BUCKETS = (("under_1d", 1), ("1d_to_3d", 3), ("3d_to_7d", 7))
OLDEST = "over_7d"


async def open_handoffs(session: AsyncSession, now: datetime) -> list[tuple[str, str, int]]:
    """Changes waiting on each role, by how long they have waited: (role, age, count)."""
    age = case(
        *[
            (col(ChangeWaiting.since) > now - timedelta(days=days), name)
            for name, days in AGE_BUCKETS
        ],
        else_=OLDEST,
    )
    statement = select(
        ChangeWaiting.role, age, func.count(distinct(col(ChangeWaiting.change_id)))
    ).group_by(col(ChangeWaiting.role), age)
    return [(role, bucket, count) for role, bucket, count in (await session.exec(statement)).all()]


async def overdue_and_stuck(session: AsyncSession) -> tuple[int, int]:
    """Open changes with an overdue turn, and changes stuck for want of a signer."""
    overdue = select(func.count()).where(
        col(ChangeRow.overdue_since).is_not(None), col(ChangeRow.closed_at).is_(None)
    )
    stuck = select(func.count()).where(col(ChangeRow.waiting_kind) == WaitKind.STUCK.value)
    return (await session.exec(overdue)).one(), (await session.exec(stuck)).one()


async def notifications(session: AsyncSession) -> list[tuple[str, str, int]]:
    """Notifications by channel and status: (channel, status, count)."""
    statement = select(NotificationRow.channel, NotificationRow.status, func.count()).group_by(
        col(NotificationRow.channel), col(NotificationRow.status)
    )
    return [(c, s, n) for c, s, n in (await session.exec(statement)).all()]
