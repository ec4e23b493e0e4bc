"""Email over SMTP: the relay's settings, the plain-text message, and what its replies mean."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any, Literal

import aiosmtplib
from pydantic import BaseModel, ConfigDict, SecretStr, field_validator, model_validator

from throughline.channels.errors import ChannelError

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@{_DOT_ATOM}>")
"""RFC 5322's msg-id in its common dot-atom form, such as <delivery-123@throughline>."""


class SmtpSettings(BaseModel):
    """Where and how to reach the SMTP relay."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    host: str
    port: int = 25
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    """The From address, such as "Throughline <noreply@example.gov.uk>"."""
    security: Literal["none", "starttls", "tls"] = "none"
    timeout_seconds: float = 10
    ca_file: str | None = None
    """A PEM file of certificate authorities to trust instead of the system's, for a
    relay whose certificate comes from a private authority."""

    @field_validator("sender")
    @classmethod
    def _sender_is_an_address(cls, sender: str) -> str:
        if not is_address(sender):
            raise ValueError("the sender is not an email address")
        return sender

    @model_validator(mode="after")
    def _credentials_come_in_pairs(self) -> SmtpSettings:
        if (self.username is None) != (self.password is None):
            raise ValueError("give both a username and a password, or neither")
        return self


async def send_email(
    settings: SmtpSettings, to: str, subject: str, body: str, message_id: str
) -> None:
    """Send one plain-text email; raise ChannelError when it cannot be handed over."""
    message = build_message(settings.sender, to, subject, body, message_id)
    try:
        await aiosmtplib.send(message, **connection_options(settings))
    except aiosmtplib.SMTPRecipientsRefused as error:
        raise refused_recipients(error) from None
    except aiosmtplib.SMTPResponseException as error:
        raise refused(settings, error) from None
    except aiosmtplib.SMTPNotSupported as error:
        raise ChannelError(
            f"the SMTP server cannot do what we asked: {error}", permanent=True
        ) from None
    except (aiosmtplib.SMTPException, OSError) as error:
        raise unreachable(settings, error) from None


def build_message(sender: str, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    """A UTF-8 plain-text message, its Message-ID fixed by the caller so retries match."""
    if not is_address(to):
        raise ChannelError("the recipient is not a valid email address", permanent=True)
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = to
        message["Subject"] = subject
    except ValueError:
        raise ChannelError(
            "the subject or an address cannot go in an email header", permanent=True
        ) from None
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = valid_message_id(message_id)
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


def valid_message_id(message_id: str) -> str:
    """The id in angle brackets, or a permanent failure if no Message-ID can be made of it."""
    bracketed = message_id if message_id.startswith("<") else f"<{message_id}>"
    if not MESSAGE_ID.fullmatch(bracketed):
        raise ChannelError(f"{message_id!r} cannot be used as an email Message-ID", permanent=True)
    return bracketed


def is_address(text: str) -> bool:
    if "\r" in text or "\n" in text:
        return False
    _, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    return bool(local and at and domain) and not any(c.isspace() for c in address)


def connection_options(settings: SmtpSettings) -> dict[str, Any]:
    password = settings.password.get_secret_value() if settings.password else None
    return {
        "hostname": settings.host,
        "port": settings.port,
        "username": settings.username,
        "password": password,
        "use_tls": settings.security == "tls",
        "start_tls": settings.security == "starttls",
        "cert_bundle": settings.ca_file,
        "timeout": settings.timeout_seconds,
    }


def refused_recipients(error: aiosmtplib.SMTPRecipientsRefused) -> ChannelError:
    codes = [refusal.code for refusal in error.recipients]
    replies = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
    permanent = any(code >= 500 for code in codes)
    return ChannelError(f"the SMTP server refused the recipient: {replies}", permanent=permanent)


def refused(settings: SmtpSettings, error: aiosmtplib.SMTPResponseException) -> ChannelError:
    """5xx replies are final; 4xx replies ask us to try again later."""
    what = {
        aiosmtplib.SMTPAuthenticationError: "refused our credentials",
        aiosmtplib.SMTPSenderRefused: "refused the sender",
        aiosmtplib.SMTPRecipientRefused: "refused the recipient",
        aiosmtplib.SMTPDataError: "refused the message",
    }.get(type(error), "answered with an error")
    server = f"{settings.host}:{settings.port}"
    message = f"the SMTP server at {server} {what}: {error.code} {error.message}"
    return ChannelError(message, permanent=500 <= error.code < 600)


def unreachable(settings: SmtpSettings, error: Exception) -> ChannelError:
    server = f"{settings.host}:{settings.port}"
    if isinstance(error, TimeoutError):
        reason = f"did not answer within {settings.timeout_seconds:g} seconds"
    else:
        reason = f"could not be reached ({type(error).__name__}: {error})"
    return ChannelError(f"the SMTP server at {server} {reason}", permanent=False)
