"""The notification outbox: written in the same transaction as the events it tells of,
then claimed, sent and settled one row at a time.

A row's life: ``pending`` (or ``held`` for a digest) → ``queued`` (a delivery workflow
owns it) → ``sending`` → ``sent`` or ``failed``. A row found still ``sending`` when its
delivery starts again was cut off mid-send: an email or Notify message may have gone,
so it becomes ``unknown`` and is never sent again; a webhook is sent again under the
same message id, which receivers use to drop repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.canonical import fingerprint
from models.change import ChangeState
from models.notifications import (
    PERSONAL_CHANNELS,
    Channel,
    MessageStyle,
    Notice,
    PeopleFor,
    body_of,
    directory_notices,
    may_notify,
    notices_for,
    subject_of,
    webhook_payload,
)
from models.roles import Role
from models.subscriptions import DeliveryStatus as Status
from models.tables import (
    ChangeWaiting,
    DeliveryAttemptRow,
    NotificationPreference,
    NotificationRow,
    Person,
    WebhookSubscription,
)
from throughline.store import directory
from throughline.store.sql import insert_missing

ID_LENGTH = 32


SETTLED = frozenset({Status.SENT, Status.FAILED, Status.UNKNOWN, Status.DIGESTED})


UNSENT = (Status.PENDING, Status.HELD)
"""Notifications no sender has picked up yet."""


async def withdraw_unsent(session: AsyncSession, change_id: str, seqs: Sequence[int]) -> int:
    """Remove the notifications about these events of the change that nobody has sent
    yet, with any failed tries at them; returns how many. For events the history never
    recorded: what was sent already cannot be taken back."""
    unsent = select(NotificationRow.id).where(
        col(NotificationRow.change_id) == change_id,
        col(NotificationRow.seq).in_(seqs),
        col(NotificationRow.status).in_(UNSENT),
    )
    ids = list((await session.exec(unsent)).all())
    if not ids:
        return 0
    await session.exec(
        delete(DeliveryAttemptRow).where(col(DeliveryAttemptRow.notification_id).in_(ids))
    )
    await session.exec(delete(NotificationRow).where(col(NotificationRow.id).in_(ids)))
    return len(ids)


def notification_id(*parts: object) -> str:
    return fingerprint([str(p) for p in parts])[:ID_LENGTH]


async def enqueue(
    session: AsyncSession, state: ChangeState, events: Sequence[AuditEvent], style: MessageStyle
) -> int:
    """Write the outbox rows these events call for; returns how many are new and due.
    A batch whose events can tell nobody anything costs no query."""
    if not any(may_notify(e) for e in events):
        return 0
    people = await _people_finder(session, state, events)
    return await _enqueue(session, notices_for(events, state, people), style)


async def _enqueue(session: AsyncSession, notices: list[Notice], style: MessageStyle) -> int:
    if not notices:
        return 0
    rows = await _personal_rows(session, notices, style) + await _webhook_rows(
        session, notices, style
    )
    await insert_missing(session, NotificationRow, rows)
    return sum(1 for r in rows if r["status"] == Status.PENDING)


async def enqueue_notices(session: AsyncSession, notices: list[Notice], style: MessageStyle) -> int:
    """Write the outbox rows for notices that follow no audit event, such as a measure
    crossing its target; each notice's key keeps it to one row per person and channel."""
    return await _enqueue(session, notices, style)


async def enqueue_directory(
    session: AsyncSession, events: Sequence[AuditEvent], style: MessageStyle
) -> int:
    """Write the outbox rows the directory's events call for; returns how many are due."""
    return await _enqueue(session, directory_notices(events), style)


async def _people_finder(
    session: AsyncSession, state: ChangeState, events: Sequence[AuditEvent]
) -> PeopleFor:
    waiting = await session.exec(
        select(ChangeWaiting.person_id, ChangeWaiting.role).where(
            col(ChangeWaiting.change_id) == state.change_id
        )
    )
    acting: dict[str, set[str]] = {}
    for person, role in waiting.all():
        acting.setdefault(role, set()).add(person)
    asks_admins = any(Role.ADMIN.value in (e.payload.get("roles") or []) for e in events)
    admins = await directory.active_admins(session) if asks_admins else []

    def people_for(roles: Sequence[Role]) -> list[str]:
        found: set[str] = set()
        for role in roles:
            named = admins if role is Role.ADMIN else state.intake.people.for_role(role)
            found |= {*named, *acting.get(role.value, set())}
        return sorted(found)

    return people_for


async def _personal_rows(
    session: AsyncSession, notices: list[Notice], style: MessageStyle
) -> list[dict[str, Any]]:
    everyone = {p for n in notices for p in n.recipients}
    # Someone who has left the directory is told nothing more.
    found = await session.exec(
        select(NotificationPreference)
        .join(Person, col(Person.id) == col(NotificationPreference.person_id))
        .where(col(NotificationPreference.person_id).in_(everyone), col(Person.active))
    )
    choices = {p.person_id: p for p in found.all()}
    rows = []
    for notice in notices:
        for person in notice.recipients:
            choice = choices.get(person)
            if choice is None or choice.email is None:
                continue
            for channel in choice.channels:
                if channel in PERSONAL_CHANNELS:
                    rows.append(_row(notice, channel, person, choice.email, choice.digest, style))
    return rows


def _row(
    notice: Notice, channel: str, person: str, address: str, digest: bool, style: MessageStyle
) -> dict[str, Any]:
    return {
        **_about(notice, channel, person),
        "address": address,
        "subject": subject_of(notice),
        "body": body_of(notice, style),
        "payload": {},
        "status": Status.HELD if digest else Status.PENDING,
    }


async def _webhook_rows(
    session: AsyncSession, notices: list[Notice], style: MessageStyle
) -> list[dict[str, Any]]:
    found = await session.exec(
        select(WebhookSubscription).where(col(WebhookSubscription.active).is_(True))
    )
    rows = []
    for subscription in found.all():
        for notice in notices:
            if subscription.topics and notice.topic not in subscription.topics:
                continue
            payload = webhook_payload(notice, style)
            rows.append(
                {
                    **_about(notice, Channel.WEBHOOK, subscription.id),
                    "address": subscription.url,
                    "subject": payload["type"],
                    "body": "",
                    "payload": payload,
                    "status": Status.PENDING,
                }
            )
    return rows


def _about(notice: Notice, channel: str, recipient: str) -> dict[str, Any]:
    return {
        "id": notification_id(
            notice.log,
            notice.change_id,
            notice.seq,
            recipient,
            channel,
            *([notice.key] if notice.key is not None else []),
        ),
        "change_id": notice.change_id,
        "seq": notice.seq,
        "event_kind": notice.event_kind,
        "topic": notice.topic.value,
        "channel": str(channel),
        "recipient": recipient,
        "attempts": 0,
        "created_at": notice.at,
    }
