"""What people and admins send and see about notifications: each person's choices,
webhook subscriptions, and the delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, Field, UrlConstraints, field_validator

from models.base import ShortText, Strict
from models.notifications import Channel, Topic

EmailAddress = Annotated[
    str,
    Field(
        min_length=3,
        max_length=320,
        pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
    ),
]


class PreferencesRequest(Strict):
    """How a person wants to hear of what waits on them."""

    email: EmailAddress | None = Field(
        default=None, description="Where email and GOV.UK Notify messages go."
    )
    channels: list[Channel] = Field(
        default_factory=list,
        max_length=2,
        description="email, notify, both, or none to hear nothing.",
    )
    digest: bool = Field(
        default=False, description="True for one daily digest instead of each at once."
    )

    @field_validator("channels")
    @classmethod
    def _personal_and_distinct(cls, channels: list[Channel]) -> list[Channel]:
        if Channel.WEBHOOK in channels:
            raise ValueError("webhooks are subscriptions an admin makes, not a person's channel")
        if len(set(channels)) != len(channels):
            raise ValueError("a channel is listed twice")
        return channels


class Preferences(PreferencesRequest):
    person_id: str
    available_channels: list[Channel] = Field(
        description="The channels this deployment has set up."
    )
    updated_at: datetime | None = Field(description="None until the person first chose.")


URL_LIMIT = 2000


def _stored_fits(url: AnyHttpUrl) -> AnyHttpUrl:
    # The stored form is percent-encoded, and may be longer than what was sent.
    if len(str(url)) > URL_LIMIT:
        raise ValueError(f"the URL is longer than {URL_LIMIT} characters once encoded")
    return url


WebhookUrl = Annotated[
    AnyHttpUrl, UrlConstraints(max_length=URL_LIMIT), AfterValidator(_stored_fits)
]


class WebhookRequest(Strict):
    url: WebhookUrl = Field(description="Where to POST; https in production.")
    topics: list[Topic] = Field(
        default_factory=list, max_length=len(Topic), description="Topics to hear; empty for all."
    )
    description: ShortText | None = None


class WebhookUpdate(Strict):
    url: WebhookUrl | None = None
    topics: list[Topic] | None = Field(default=None, max_length=len(Topic))
    description: ShortText | None = None
    active: bool | None = None


class Webhook(Strict):
    id: str
    url: str
    topics: list[Topic]
    description: str | None
    active: bool
    created_at: datetime
    created_by: str


class WebhookSecret(Strict):
    """Shown once, when a subscription is made or its secret is rotated."""

    webhook: Webhook
    secret: str = Field(description="whsec_...: verify each delivery's signature with it.")


class DeliveryStatus(StrEnum):
    """Where a notification is on its way out: held for a digest or quiet hours,
    queued, being sent, sent, failed for good, or unknown (the send may or may not have
    happened before a crash), or folded into a digest."""

    PENDING = "pending"
    HELD = "held"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    DIGESTED = "digested"


class Delivery(Strict):
    id: str = Field(description="The notification id, sent as the webhook-id header.")
    change_id: str | None
    seq: int | None
    topic: Topic
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class AttemptOutcome(StrEnum):
    """How one attempt to send ended: retrying means it will be tried again."""

    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"


class DeliveryAttempt(Strict):
    attempt: int
    at: datetime
    outcome: AttemptOutcome
    status_code: int | None
    error: str | None


class DeliveryDetail(Delivery):
    log: list[DeliveryAttempt]


class DeliveryLog(Strict):
    webhook_id: str
    deliveries: list[DeliveryDetail]
