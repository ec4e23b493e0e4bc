"""One way in for every channel: a notification to send, and the settings that say
which channels this deployment has."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from throughline.channels.email import SmtpSettings, send_email
from throughline.channels.errors import ChannelError
from throughline.channels.notify import NotifySettings, send_notify_email
from throughline.channels.webhooks import post_webhook
from throughline.settings import Settings


@dataclass(frozen=True)
class Outgoing:
    """What to send, where, and under which message id (the outbox row's id)."""

    message_id: str
    channel: str
    address: str
    subject: str
    body: str
    payload: dict[str, Any] = field(default_factory=dict)
    secret: str | None = None


@dataclass(frozen=True)
class Senders:
    smtp: SmtpSettings | None = None
    notify: NotifySettings | None = None
    webhook_timeout_seconds: float = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> Senders:
        return cls(smtp=smtp_settings(settings), notify=notify_settings(settings))

    def configured(self) -> set[str]:
        """The channels a person may choose here; webhooks are always there."""
        found = {"webhook"}
        if self.smtp is not None:
            found.add("email")
        if self.notify is not None:
            found.add("notify")
        return found

    async def send(self, out: Outgoing) -> int | None:
        """Send one notification; returns the HTTP status a webhook endpoint answered."""
        if out.channel == "email" and self.smtp is not None:
            message_id = f"{out.message_id}@throughline"
            await send_email(self.smtp, out.address, out.subject, out.body, message_id)
            return None
        if out.channel == "notify" and self.notify is not None:
            await send_notify_email(self.notify, out.address, out.subject, out.body, out.message_id)
            return None
        if out.channel == "webhook" and out.secret is None:
            raise ChannelError("the webhook subscription was removed", permanent=True)
        if out.channel == "webhook" and out.secret is not None:
            answer = await post_webhook(
                out.address, out.secret, out.message_id, out.payload, self.webhook_timeout_seconds
            )
            return answer.status_code
        raise ChannelError(f"the {out.channel} channel is not set up here", permanent=True)


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    if settings.smtp_host is None:
        return None
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        sender=settings.smtp_sender,
        security=settings.smtp_security,
        ca_file=settings.smtp_ca_file,
    )


def notify_settings(settings: Settings) -> NotifySettings | None:
    if settings.notify_api_key is None or settings.notify_template_id is None:
        return None
    return NotifySettings(
        api_key=settings.notify_api_key,
        base_url=settings.notify_base_url,
        email_template_id=settings.notify_template_id,
    )
