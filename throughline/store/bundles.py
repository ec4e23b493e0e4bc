"""SQL for audit bundles: which changes a bundle for a service or a time range covers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import AuditEventRow, ChangeRow


async def changes_of_service(session: AsyncSession, service: str, limit: int) -> list[str]:
    """The service's changes, oldest first; at most ``limit``."""
    statement = (
        select(ChangeRow.id)
        .where(col(ChangeRow.service) == service)
        .order_by(col(ChangeRow.created_at), col(ChangeRow.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def changes_active_between(
    session: AsyncSession, since: datetime | None, until: datetime | None, limit: int
) -> list[str]:
    """The changes with an audit event in [since, until), by id; at most ``limit``."""
    statement = select(AuditEventRow.change_id).distinct()
    if since is not None:
        statement = statement.where(col(AuditEventRow.at) >= since)
    if until is not None:
        statement = statement.where(col(AuditEventRow.at) < until)
    statement = statement.order_by(col(AuditEventRow.change_id)).limit(limit)
    return list((await session.exec(statement)).all())
