"""A real SMTP server for tests, from aiosmtpd: it keeps what it receives, or refuses as told,
and can speak STARTTLS or implicit TLS with a certificate from a throwaway authority."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal, cast

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.processes import free_port
from tests.support.local_http import HOST


@dataclass(frozen=True)
class ReceivedMail:
    envelope_from: str | None
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """Keeps every message; replies with `refuse_recipient` or `refuse_data` when set."""

    refuse_recipient: str | None = None
    refuse_data: str | None = None
    received: list[ReceivedMail] = field(default_factory=list)

    async def handle_RCPT(
        self,
        _server: SMTP,
        _session: Session,
        envelope: Envelope,
        address: str,
        _options: list[str],
    ) -> str:
        if self.refuse_recipient:
            return self.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return self.refuse_data
        content = cast(bytes, envelope.original_content)
        parsed = message_from_bytes(content, policy=policy.default)
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class Login:
    username: str
    password: str

    def check(
        self, _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: Any
    ) -> AuthResult:
        given = data if isinstance(data, LoginPassword) else None
        expected = LoginPassword(self.username.encode(), self.password.encode())
        return AuthResult(success=given == expected, handled=False)


@dataclass(frozen=True)
class Authority:
    """A throwaway certificate authority, and the file a client trusts it through."""

    ca: trustme.CA
    ca_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(HOST, "localhost").configure_cert(context)
        return context


def new_authority(directory: Path) -> Authority:
    ca = trustme.CA()
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Authority(ca, ca_file)


@dataclass(frozen=True)
class SmtpServer:
    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received


@contextmanager
def running_smtp_server(
    handler: RecordingHandler,
    *,
    tls: Literal["none", "starttls", "tls"] = "none",
    authority: Authority | None = None,
    login: Login | None = None,
    port: int | None = None,
) -> Iterator[SmtpServer]:
    """Listen on a free local port, or the one given, until the block ends."""
    port = port or free_port()
    options: dict[str, Any] = {"hostname": HOST, "port": port}
    if tls != "none":
        assert authority is not None, "TLS needs a certificate authority"
        context = authority.server_context()
        key = "ssl_context" if tls == "tls" else "tls_context"
        options |= {key: context, "require_starttls": tls == "starttls"}
    if login is not None:
        options |= {"authenticator": login.check, "auth_required": True}
    controller = Controller(handler, **options)
    controller.start()
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()
