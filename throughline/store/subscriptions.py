"""Each person's notification choices, webhook subscriptions and their delivery log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.notifications import Channel
from models.tables import (
    DeliveryAttemptRow,
    NotificationPreference,
    NotificationRow,
    WebhookSubscription,
)


async def save(session: AsyncSession, row: SQLModel) -> None:
    """Write a preference, a subscription or an outbox row an admin changed."""
    session.add(row)


async def remove(session: AsyncSession, row: WebhookSubscription) -> None:
    await session.delete(row)


async def preference(session: AsyncSession, person_id: str) -> NotificationPreference | None:
    return await session.get(NotificationPreference, person_id)


async def webhooks(session: AsyncSession) -> Sequence[WebhookSubscription]:
    statement = select(WebhookSubscription).order_by(col(WebhookSubscription.created_at))
    return (await session.exec(statement)).all()


async def webhook(session: AsyncSession, webhook_id: str) -> WebhookSubscription | None:
    return await session.get(WebhookSubscription, webhook_id)


async def deliveries(
    session: AsyncSession, webhook_id: str, limit: int
) -> list[tuple[NotificationRow, list[DeliveryAttemptRow]]]:
    """The newest deliveries to one subscription, each with every attempt at it."""
    statement = (
        select(NotificationRow)
        .where(
            col(NotificationRow.recipient) == webhook_id,
            col(NotificationRow.channel) == Channel.WEBHOOK.value,
        )
        .order_by(col(NotificationRow.created_at).desc(), col(NotificationRow.id))
        .limit(limit)
    )
    rows = (await session.exec(statement)).all()
    attempts = await session.exec(
        select(DeliveryAttemptRow)
        .where(col(DeliveryAttemptRow.notification_id).in_([r.id for r in rows]))
        .order_by(col(DeliveryAttemptRow.id))
    )
    by_row: dict[str, list[DeliveryAttemptRow]] = {}
    for attempt in attempts.all():
        by_row.setdefault(attempt.notification_id, []).append(attempt)
    return [(row, by_row.get(row.id, [])) for row in rows]


async def delivery(
    session: AsyncSession, webhook_id: str, notification_id: str
) -> NotificationRow | None:
    row = await session.get(NotificationRow, notification_id, with_for_update=True)
    if row is None or row.recipient != webhook_id or row.channel != Channel.WEBHOOK.value:
        return None
    return row


async def set_status(session: AsyncSession, notification_id: str, status: str) -> None:
    row = await session.get(NotificationRow, notification_id, with_for_update=True)
    if row is not None:
        row.status = status
        session.add(row)
