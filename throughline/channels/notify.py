"""Email through GOV.UK Notify: its settings, one send through the official client, and
which of Notify's refusals a retry can get past."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from notifications_python_client.errors import APIError, HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

from throughline.channels.errors import ChannelError

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
API_KEY = re.compile(rf".+-(?P<service_id>{_UUID})-(?P<secret>{_UUID})")
"""Notify's key format: {key_name}-{service_id}-{secret_key}."""


class NotifySettings(BaseModel):
    """An API key for one Notify service, and the email template every message uses.

    The template's subject is `((subject))` and its body `((body))`.
    """

    # Errors must not echo the key back, even a malformed one.
    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    api_key: SecretStr
    base_url: str = "https://api.notifications.service.gov.uk"
    email_template_id: str
    timeout_seconds: float = 10

    @field_validator("api_key")
    @classmethod
    def _key_has_notify_shape(cls, key: SecretStr) -> SecretStr:
        if not API_KEY.fullmatch(key.get_secret_value()):
            raise ValueError("a Notify API key is {key_name}-{service_id}-{secret_key}")
        return key

    @field_validator("email_template_id")
    @classmethod
    def _template_is_a_uuid(cls, template_id: str) -> str:
        return str(uuid.UUID(template_id))


async def send_notify_email(
    settings: NotifySettings, to: str, subject: str, body: str, reference: str
) -> str:
    """Ask Notify to send one email; return the id Notify gave the notification."""
    # The official client is synchronous (requests), so it runs on a worker thread.
    return await asyncio.to_thread(_send, settings, to, subject, body, reference)


def _send(settings: NotifySettings, to: str, subject: str, body: str, reference: str) -> str:
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
        settings.api_key.get_secret_value(),
        base_url=settings.base_url,
        timeout=settings.timeout_seconds,
    )
    try:
        answer = client.send_email_notification(  # type: ignore[no-untyped-call]
            email_address=to,
            template_id=settings.email_template_id,
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
    except APIError as error:
        raise failure(settings, error) from None
    finally:
        client.request_session.close()
    return notification_id(answer)


def failure(settings: NotifySettings, error: APIError) -> ChannelError:
    """Notify's answer as a ChannelError: 429 and 5xx pass, other 4xx need a person."""
    if error.response is None:
        reason = "could not be reached, or did not answer in time"
        return ChannelError(f"Notify at {settings.base_url} {reason}", permanent=False)
    status = error.status_code
    if not isinstance(error, HTTPError):
        return ChannelError(
            f"Notify at {settings.base_url} answered {status} without JSON; check base_url",
            permanent=True,
            status_code=status,
        )
    permanent = 400 <= status < 500 and status != 429
    message = f"Notify refused the email ({status}): {describe(error.message)}"
    return ChannelError(message, permanent=permanent, status_code=status)


def describe(errors: object) -> str:
    """Notify's error list, `[{"error": ..., "message": ...}]`, as one line."""
    if not isinstance(errors, list):
        return str(errors)
    return "; ".join(
        f"{entry.get('error')}: {entry.get('message')}" if isinstance(entry, dict) else str(entry)
        for entry in errors
    )


def notification_id(answer: Any) -> str:
    found = answer.get("id") if isinstance(answer, dict) else None
    if not isinstance(found, str):
        # Notify accepted something, so a retry could send the email twice.
        raise ChannelError("Notify accepted the email but gave no notification id", permanent=True)
    return found
