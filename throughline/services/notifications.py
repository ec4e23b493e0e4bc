"""Notification choices, webhook subscriptions and the delivery log, for the API and the
command line."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from models.delivery import DeliveryStart, delivery_id
from models.errors import (
    AlreadyExists,
    ChannelUnavailable,
    Conflict,
    DeliveryNotFound,
    WebhookNotFound,
)
from models.notifications import Channel, Topic
from models.subscriptions import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryDetail,
    DeliveryLog,
    Preferences,
    PreferencesRequest,
    Webhook,
    WebhookRequest,
    WebhookSecret,
    WebhookUpdate,
)
from models.subscriptions import DeliveryStatus as Status
from models.tables import DeliveryAttemptRow, NotificationPreference, NotificationRow
from models.tables import WebhookSubscription as SubscriptionRow
from throughline.channels.webhooks import new_secret
from throughline.settings import Settings
from throughline.store import directory, subscriptions
from throughline.store.outbox import SETTLED
from workflows.notifications import DeliveryWorkflow


class NotificationService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: Client,
        settings: Settings,
        channels: set[str],
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings
        self._available = sorted(Channel(c) for c in channels if c != Channel.WEBHOOK)

    async def preferences(self, person_id: str) -> Preferences:
        async with self._sessions() as session:
            await directory.get_person(session, person_id)
            row = await subscriptions.preference(session, person_id)
        return self._preferences(person_id, row)

    async def set_preferences(self, person_id: str, request: PreferencesRequest) -> Preferences:
        """Replace a person's choices; a channel this deployment lacks is refused."""
        missing = [c.value for c in request.channels if c not in self._available]
        if missing:
            have = ", ".join(self._available) or "none"
            raise ChannelUnavailable(f"not set up here: {', '.join(missing)}; available: {have}")
        if request.channels and request.email is None:
            raise ChannelUnavailable("give an email address to hear by email or Notify")
        async with self._sessions() as session, session.begin():
            await directory.get_person(session, person_id)
            await _refuse_anothers_address(session, person_id, request.email)
            row = await subscriptions.preference(session, person_id) or NotificationPreference(
                person_id=person_id, channels=[], updated_at=datetime.now(UTC)
            )
            row.email = request.email
            row.channels = [c.value for c in request.channels]
            row.digest = request.digest
            row.updated_at = datetime.now(UTC)
            await subscriptions.save(session, row)
        return self._preferences(person_id, row)

    def _preferences(self, person_id: str, row: NotificationPreference | None) -> Preferences:
        return Preferences(
            person_id=person_id,
            email=row.email if row else None,
            channels=[Channel(c) for c in row.channels] if row else [],
            digest=row.digest if row else False,
            available_channels=self._available,
            updated_at=row.updated_at if row else None,
        )

    async def webhooks(self) -> list[Webhook]:
        async with self._sessions() as session:
            return [_webhook(row) for row in await subscriptions.webhooks(session)]

    async def create_webhook(self, actor: str, request: WebhookRequest) -> WebhookSecret:
        url = self._checked_url(str(request.url))
        row = SubscriptionRow(
            id=f"wh_{secrets.token_hex(12)}",
            url=url,
            secret=new_secret(),
            topics=sorted({t.value for t in request.topics}),
            description=request.description,
            created_at=datetime.now(UTC),
            created_by=actor,
        )
        async with self._sessions() as session, session.begin():
            await subscriptions.save(session, row)
        return WebhookSecret(webhook=_webhook(row), secret=row.secret)

    async def update_webhook(self, webhook_id: str, update: WebhookUpdate) -> Webhook:
        async with self._sessions() as session, session.begin():
            row = await _subscription(session, webhook_id)
            if update.url is not None:
                row.url = self._checked_url(str(update.url))
            if update.topics is not None:
                row.topics = sorted({t.value for t in update.topics})
            if "description" in update.model_fields_set:
                row.description = update.description
            if update.active is not None:
                row.active = update.active
            await subscriptions.save(session, row)
        return _webhook(row)

    async def delete_webhook(self, webhook_id: str) -> Webhook:
        """Stop and forget a subscription; the rows of its deliveries stay."""
        async with self._sessions() as session, session.begin():
            row = await _subscription(session, webhook_id)
            await subscriptions.remove(session, row)
        return _webhook(row)

    async def rotate_secret(self, webhook_id: str) -> WebhookSecret:
        """A new secret, used from the next delivery on; the old one stops at once."""
        async with self._sessions() as session, session.begin():
            row = await _subscription(session, webhook_id)
            row.secret = new_secret()
            await subscriptions.save(session, row)
        return WebhookSecret(webhook=_webhook(row), secret=row.secret)

    async def delivery_log(self, webhook_id: str, limit: int) -> DeliveryLog:
        async with self._sessions() as session:
            await _subscription(session, webhook_id)
            found = await subscriptions.deliveries(session, webhook_id, limit)
        return DeliveryLog(
            webhook_id=webhook_id, deliveries=[_detail(row, log) for row, log in found]
        )

    async def redeliver(self, webhook_id: str, notification_id: str) -> Delivery:
        """Send a delivery again under the same webhook-id, so a receiver that has it
        already can drop the repeat. The row is queued before the delivery starts, and
        put back if Temporal cannot start it."""
        async with self._sessions() as session, session.begin():
            await _subscription(session, webhook_id)
            row = await subscriptions.delivery(session, webhook_id, notification_id)
            if row is None:
                raise DeliveryNotFound(f"webhook {webhook_id} has no delivery {notification_id}")
            if row.status not in SETTLED:
                raise Conflict(f"delivery {notification_id} is still {row.status}; wait for it")
            settled_as = row.status
            row.status = Status.QUEUED
            await subscriptions.save(session, row)
        try:
            await self._start_again(row)
        except BaseException:
            async with self._sessions() as session, session.begin():
                await subscriptions.set_status(session, notification_id, settled_as)
            raise
        return _delivery(row)

    async def _start_again(self, row: NotificationRow) -> None:
        try:
            await self._client.start_workflow(
                DeliveryWorkflow.run,
                DeliveryStart(notification_id=row.id, retries=self._settings.retries()),
                id=delivery_id(row.id, row.attempts + 1),
                task_queue=self._settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            raise Conflict(f"delivery {row.id} is being sent again already") from None

    def _checked_url(self, url: str) -> str:
        if self._settings.environment == "production" and not url.startswith("https://"):
            raise ChannelUnavailable("webhook URLs must use https in production")
        return url


async def _subscription(session: AsyncSession, webhook_id: str) -> SubscriptionRow:
    row = await subscriptions.webhook(session, webhook_id)
    if row is None:
        raise WebhookNotFound(f"no webhook subscription {webhook_id!r}")
    return row


def _webhook(row: SubscriptionRow) -> Webhook:
    return Webhook(
        id=row.id,
        url=row.url,
        topics=[Topic(t) for t in row.topics],
        description=row.description,
        active=row.active,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _delivery(row: NotificationRow) -> Delivery:
    return Delivery(
        id=row.id,
        change_id=row.change_id,
        seq=row.seq,
        topic=Topic(row.topic),
        status=Status(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def _detail(row: NotificationRow, log: list[DeliveryAttemptRow]) -> DeliveryDetail:
    attempts = [
        DeliveryAttempt(
            attempt=a.attempt,
            at=a.at,
            outcome=AttemptOutcome(a.outcome),
            status_code=a.status_code,
            error=a.error,
        )
        for a in log
    ]
    return DeliveryDetail(**_delivery(row).model_dump(), log=attempts)


async def _refuse_anothers_address(
    session: AsyncSession, person_id: str, email: str | None
) -> None:
    """Each address belongs to one person: single sign-on may name people by it."""
    if email is None:
        return
    others = [p for p in await directory.people_with_email(session, email) if p != person_id]
    if others:
        raise AlreadyExists(
            f"the email address {email!r} is already another person's; each address "
            "belongs to one person, because people may sign in by it"
        )
