"""Delivering the outbox: claiming rows, marking each as it is sent, settling how it
went, folding held rows into daily digests, and counting for health and metrics."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.notifications import Channel, MessageStyle, digest_of
from models.subscriptions import DeliveryStatus as Status
from models.tables import DeliveryAttemptRow, NotificationRow, WebhookSubscription
from throughline.store.outbox import SETTLED, notification_id
from throughline.store.sql import insert_missing


async def find(session: AsyncSession, notification_id: str) -> NotificationRow | None:
    return await session.get(NotificationRow, notification_id)


async def webhook_secret(session: AsyncSession, row: NotificationRow) -> str | None:
    """The secret that signs a webhook row; None for other channels, or when its
    subscription was removed."""
    if row.channel != Channel.WEBHOOK:
        return None
    subscription = await session.get(WebhookSubscription, row.recipient)
    return subscription.secret if subscription is not None else None


async def claim_pending(session: AsyncSession, limit: int) -> list[str]:
    """The oldest rows no delivery has begun. Reading changes nothing, so a claim that is
    retried, or a row listed twice, is harmless: each row's delivery workflow id is its
    own, and Temporal starts it once."""
    statement = (
        select(NotificationRow.id)
        .where(col(NotificationRow.status) == Status.PENDING)
        .order_by(col(NotificationRow.created_at), col(NotificationRow.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def begin_sending(session: AsyncSession, notification_id: str) -> NotificationRow | None:
    """Mark a row as being sent and count the attempt; None when it must not be sent:
    already sent or settled, or cut off mid-send on a channel that cannot tell."""
    row = await session.get(NotificationRow, notification_id, with_for_update=True)
    if row is None or row.status in SETTLED:
        return None
    if row.status == Status.SENDING and row.channel != Channel.WEBHOOK:
        row.status = Status.UNKNOWN
        row.last_error = "cut off while sending; not sent again, as it may have gone"
        session.add(row)
        return None
    row.status = Status.SENDING
    row.attempts += 1
    session.add(row)
    return row


async def settle(
    session: AsyncSession,
    notification_id: str,
    at: datetime,
    status: Status,
    error: str | None = None,
    status_code: int | None = None,
) -> None:
    """Record how an attempt ended, in the row and the delivery log."""
    row = await session.get(NotificationRow, notification_id, with_for_update=True)
    if row is None:
        return
    row.status = status
    row.last_error = error
    if status is Status.SENT:
        row.sent_at = at
    session.add(row)
    outcome = "retrying" if status is Status.QUEUED else status.value
    session.add(
        DeliveryAttemptRow(
            notification_id=notification_id,
            attempt=row.attempts,
            at=at,
            outcome=outcome,
            status_code=status_code,
            error=error,
        )
    )


async def gather_digests(
    session: AsyncSession, now: datetime, digest_hour: int, style: MessageStyle
) -> int:
    """Once today's digest hour has passed, fold each person's held rows into one digest
    per channel; returns how many digests were written."""
    cutoff = datetime.combine(now.date(), time(digest_hour), tzinfo=now.tzinfo)
    if now < cutoff:
        return 0
    held = await session.exec(
        select(NotificationRow)
        .where(col(NotificationRow.status) == Status.HELD, col(NotificationRow.created_at) < cutoff)
        .order_by(col(NotificationRow.created_at))
    )
    groups: dict[tuple[str, str, str | None], list[NotificationRow]] = {}
    for row in held.all():
        groups.setdefault((row.recipient, row.channel, row.address), []).append(row)
    for (person, channel, address), rows in groups.items():
        await _write_digest(session, now, (person, channel, address), rows, style)
    return len(groups)


async def _write_digest(
    session: AsyncSession,
    now: datetime,
    to: tuple[str, str, str | None],
    rows: list[NotificationRow],
    style: MessageStyle,
) -> None:
    person, channel, address = to
    cutoff = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    digest_id = notification_id("digest", person, channel, cutoff.date(), rows[0].id)
    subject, body = digest_of(
        [(r.subject, r.body) for r in rows], f"{now:%A} {now.day} {now:%B %Y}", style
    )
    digest: dict[str, Any] = {
        "id": digest_id,
        "topic": "digest",
        "channel": channel,
        "recipient": person,
        "address": address,
        "subject": subject,
        "body": body,
        "payload": {},
        "status": Status.PENDING,
        "attempts": 0,
        "created_at": now,
    }
    await insert_missing(session, NotificationRow, [digest])
    await session.exec(
        update(NotificationRow)
        .where(col(NotificationRow.id).in_([r.id for r in rows]))
        .values(status=Status.DIGESTED, digest_id=digest_id)
    )


def next_digest_at(now: datetime, digest_hour: int) -> datetime:
    today = datetime.combine(now.date(), time(digest_hour), tzinfo=now.tzinfo)
    return today if now < today else today + timedelta(days=1)


async def failures_by_channel(session: AsyncSession, since: datetime) -> dict[str, int]:
    """How many notifications failed, or may not have gone, per channel since a moment."""
    statement = (
        select(NotificationRow.channel, func.count())
        .where(
            col(NotificationRow.status).in_([Status.FAILED, Status.UNKNOWN]),
            col(NotificationRow.created_at) >= since,
        )
        .group_by(col(NotificationRow.channel))
    )
    return dict((await session.exec(statement)).all())
