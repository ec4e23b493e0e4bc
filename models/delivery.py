"""What the notification workflows pass around: their ids, how deliveries are retried,
and what the dispatcher claims."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.base import Strict


def dispatcher_id(task_queue: str) -> str:
    """The one workflow per task queue that hands the outbox to delivery."""
    return f"notifications-{task_queue}"


def delivery_id(notification_id: str, round_: int = 0) -> str:
    """A delivery workflow's id: one per row, so Temporal itself refuses a second send;
    an admin's redelivery gets a new round."""
    return f"delivery-{notification_id}" + (f"-again-{round_}" if round_ else "")


class Claimed(Strict):
    ids: list[str]
    next_digest_at: datetime


class Retries(Strict):
    """How a delivery is retried: the first wait, tripled each time, up to an hour."""

    max_attempts: int = Field(default=8, ge=1)
    first_wait_seconds: float = Field(default=5, gt=0)


class DispatchStart(Strict):
    batch: int = Field(default=100, ge=1, le=1000)
    poll_seconds: float = Field(default=30, gt=0)
    retries: Retries = Field(default_factory=Retries)


class DeliveryStart(Strict):
    notification_id: str
    retries: Retries = Field(default_factory=Retries)


class GiveUp(Strict):
    notification_id: str
    error: str
