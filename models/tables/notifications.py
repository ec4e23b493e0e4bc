"""The notification tables: each person's choices, webhook subscriptions, the outbox
every notification goes through, and each attempt to deliver one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.tables.columns import json_column, utc_column


class NotificationPreference(SQLModel, table=True):
    """How one person wants to hear: by which channels, and at once or in a daily digest."""

    __tablename__ = "notification_preference"

    person_id: str = Field(primary_key=True, foreign_key="person.id", max_length=64)
    email: str | None = Field(default=None, max_length=320)
    channels: list[str] = json_column()
    digest: bool = False
    updated_at: datetime = utc_column()


class WebhookSubscription(SQLModel, table=True):
    """An endpoint that hears of every notice, or of the topics it lists."""

    __tablename__ = "webhook_subscription"

    id: str = Field(primary_key=True, max_length=40)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=100)
    topics: list[str] = json_column()
    description: str | None = Field(default=None, max_length=200)
    active: bool = True
    created_at: datetime = utc_column()
    created_by: str = Field(max_length=64)


class NotificationRow(SQLModel, table=True):
    """The outbox: one row per event, recipient and channel, so each is sent at most once.

    Its id is a hash of those four, so writing the same notice twice is a no-op.
    """

    __tablename__ = "notification"

    id: str = Field(primary_key=True, max_length=40)
    change_id: str | None = Field(default=None, max_length=64, index=True)
    seq: int | None = None
    event_kind: str | None = Field(default=None, max_length=64)
    topic: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    recipient: str = Field(max_length=64, index=True)
    address: str | None = Field(default=None, max_length=2000)
    subject: str
    body: str
    payload: dict[str, Any] = json_column()
    status: str = Field(max_length=16, index=True)
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = utc_column()
    sent_at: datetime | None = utc_column(nullable=True)
    digest_id: str | None = Field(default=None, max_length=40, index=True)


class DeliveryAttemptRow(SQLModel, table=True):
    """One try at sending a notification: the delivery log."""

    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    notification_id: str = Field(foreign_key="notification.id", max_length=40, index=True)
    attempt: int
    at: datetime = utc_column()
    outcome: str = Field(max_length=16)
    status_code: int | None = None
    error: str | None = None
