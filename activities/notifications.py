"""Notification delivery: claim what the outbox holds, send one row, settle how it went.

The outbox row is the guard against sending twice: a row is marked as sending before
anything leaves, so a crash mid-send is found on the next try (see store/outbox.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from models.delivery import Claimed, GiveUp, dispatcher_id
from models.notifications import MessageStyle
from models.subscriptions import DeliveryStatus as Status
from throughline.channels.errors import ChannelError
from throughline.channels.senders import Outgoing, Senders
from throughline.store import deliveries
from throughline.store.outbox import SETTLED

log = logging.getLogger(__name__)
PERMANENT = "PermanentDeliveryFailure"
TRANSIENT = "DeliveryFailure"


class NotificationActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        senders: Senders,
        style: MessageStyle,
        digest_hour: int,
    ) -> None:
        self._sessions = sessions
        self._senders = senders
        self._style = style
        self._digest_hour = digest_hour

    @activity.defn(name="claim_notifications")
    async def claim_notifications(self, limit: int) -> Claimed:
        """Fold held rows into digests when their hour has come, then claim pending rows."""
        now = datetime.now(UTC)
        async with self._sessions() as session, session.begin():
            await deliveries.gather_digests(session, now, self._digest_hour, self._style)
            ids = await deliveries.claim_pending(session, limit)
        return Claimed(ids=ids, next_digest_at=deliveries.next_digest_at(now, self._digest_hour))

    @activity.defn(name="deliver_notification")
    async def deliver_notification(self, notification_id: str) -> str:
        """Send one outbox row; a transient failure raises for Temporal to retry."""
        outgoing = await self._begin(notification_id)
        if outgoing is None:
            return "not sent: already settled, or it may have gone before a crash"
        try:
            status_code = await self._senders.send(outgoing)
        except ChannelError as error:
            await self._failed(notification_id, error)
            kind = PERMANENT if error.permanent else TRANSIENT
            raise ApplicationError(
                error.message, type=kind, non_retryable=error.permanent
            ) from None
        await self._settle(notification_id, Status.SENT, None, status_code)
        log.info("notification sent", extra={"id": notification_id, "channel": outgoing.channel})
        return "sent"

    @activity.defn(name="give_up_notification")
    async def give_up_notification(self, give_up: GiveUp) -> None:
        """Mark a notification failed once its retries are spent; one a permanent failure
        settled already is left as it is."""
        async with self._sessions() as session, session.begin():
            row = await deliveries.find(session, give_up.notification_id)
            if row is None or row.status in SETTLED:
                return
            await deliveries.settle(
                session, give_up.notification_id, datetime.now(UTC), Status.FAILED, give_up.error
            )

    async def _begin(self, notification_id: str) -> Outgoing | None:
        async with self._sessions() as session, session.begin():
            row = await deliveries.begin_sending(session, notification_id)
            if row is None or row.address is None:
                return None
            secret = await deliveries.webhook_secret(session, row)
            return Outgoing(
                message_id=row.id,
                channel=row.channel,
                address=row.address,
                subject=row.subject,
                body=row.body,
                payload=row.payload,
                secret=secret,
            )

    async def _failed(self, notification_id: str, error: ChannelError) -> None:
        status = Status.FAILED if error.permanent else Status.QUEUED
        await self._settle(notification_id, status, error.message, error.status_code)
        log.warning(
            "notification not sent",
            extra={"id": notification_id, "error": error.message, "permanent": error.permanent},
        )

    async def _settle(
        self, notification_id: str, status: Status, error: str | None, status_code: int | None
    ) -> None:
        async with self._sessions() as session, session.begin():
            await deliveries.settle(
                session, notification_id, datetime.now(UTC), status, error, status_code
            )


async def wake_the_dispatcher() -> None:
    """Tell the notifications workflow the outbox has new rows; it also looks by itself."""
    workflow_id = dispatcher_id(activity.info().task_queue)
    try:
        await activity.client().get_workflow_handle(workflow_id).signal("wake")
    except RPCError as error:
        log.info("dispatcher not woken", extra={"error": str(error)})
