"""Email over SMTP, sent to a real aiosmtpd server: what arrives, and how refusals,
silence and an empty port become permanent or transient failures."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.processes import free_port
from tests.support.local_http import HOST
from tests.support.peers import StartSmtp
from tests.support.smtp_server import Authority, Login, RecordingHandler, SmtpServer
from throughline.channels.email import SmtpSettings, send_email
from throughline.channels.errors import ChannelError

SENDER = "Throughline <noreply@throughline.test>"


def settings_for(port: int, **overrides: object) -> SmtpSettings:
    return SmtpSettings.model_validate(
        {"host": HOST, "port": port, "sender": SENDER, "timeout_seconds": 5, **overrides}
    )


async def test_a_message_arrives_whole_with_its_headers_and_utf8_text(
    smtp_server: SmtpServer,
) -> None:
    await send_email(
        settings_for(smtp_server.port),
        to="amira@example.gov.uk",
        subject="Gate opened: café hours",
        body="The café opens at 8.\nSee you there — Throughline",
        message_id="<delivery-123@throughline>",
    )

    [mail] = smtp_server.received
    assert mail.envelope_from == "noreply@throughline.test"
    assert mail.envelope_to == ["amira@example.gov.uk"]
    assert mail.message["From"] == SENDER
    assert mail.message["To"] == "amira@example.gov.uk"
    assert mail.message["Subject"] == "Gate opened: café hours"
    assert mail.message["Message-ID"] == "<delivery-123@throughline>"
    assert mail.message["Date"] is not None
    assert mail.message.get_content_type() == "text/plain"
    assert mail.message.get_content_charset() == "utf-8"
    lines = mail.message.get_content().splitlines()
    assert lines == ["The café opens at 8.", "See you there — Throughline"]


async def test_a_message_id_without_brackets_is_given_them(smtp_server: SmtpServer) -> None:
    await send_email(
        settings_for(smtp_server.port), "a@example.gov.uk", "s", "b", "delivery-9@throughline"
    )
    assert smtp_server.received[0].message["Message-ID"] == "<delivery-9@throughline>"


@pytest.mark.parametrize(
    ("to", "message_id"),
    [
        ("not an address", "<d-1@throughline>"),
        ("a@example.gov.uk\r\nBcc: b@example.gov.uk", "<d-1@throughline>"),
        ("a@example.gov.uk", "<no at sign>"),
    ],
)
async def test_what_cannot_be_sent_is_refused_before_connecting(
    smtp_server: SmtpServer, to: str, message_id: str
) -> None:
    with pytest.raises(ChannelError) as caught:
        await send_email(settings_for(smtp_server.port), to, "s", "b", message_id)
    assert caught.value.permanent
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("handler", "permanent", "words"),
    [
        (RecordingHandler(refuse_recipient="550 5.1.1 No such mailbox"), True, "No such mailbox"),
        (RecordingHandler(refuse_data="554 5.6.0 Message rejected"), True, "refused the message"),
        (RecordingHandler(refuse_recipient="451 4.3.0 Try again later"), False, "Try again"),
        (RecordingHandler(refuse_data="452 4.3.1 Storage full"), False, "452"),
    ],
)
async def test_5xx_refusals_are_permanent_and_4xx_are_transient(
    start_smtp: StartSmtp, handler: RecordingHandler, permanent: bool, words: str
) -> None:
    server = start_smtp(handler)
    with pytest.raises(ChannelError) as caught:
        await send_email(settings_for(server.port), "a@example.gov.uk", "s", "b", "<d-2@t>")
    assert caught.value.permanent is permanent
    assert words in caught.value.message


async def test_nothing_listening_is_a_transient_failure() -> None:
    port = free_port()
    with pytest.raises(ChannelError) as caught:
        await send_email(settings_for(port), "a@example.gov.uk", "s", "b", "<d-3@t>")
    assert not caught.value.permanent
    assert f"{HOST}:{port} could not be reached" in caught.value.message


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and then says nothing."""
    with socket.create_server((HOST, 0)) as listener:
        yield listener.getsockname()[1]


async def test_a_server_that_never_greets_is_a_transient_timeout(silent_port: int) -> None:
    settings = settings_for(silent_port, timeout_seconds=0.5)
    with pytest.raises(ChannelError) as caught:
        await send_email(settings, "a@example.gov.uk", "s", "b", "<d-4@t>")
    assert not caught.value.permanent
    assert "did not answer within 0.5 seconds" in caught.value.message


async def test_starttls_with_a_login_reaches_a_server_that_requires_both(
    start_smtp: StartSmtp, authority: Authority
) -> None:
    login = Login("throughline", "correct horse")
    server = start_smtp(tls="starttls", authority=authority, login=login)
    settings = settings_for(
        server.port,
        security="starttls",
        ca_file=str(authority.ca_file),
        username="throughline",
        password="correct horse",
    )
    await send_email(settings, "a@example.gov.uk", "over TLS", "b", "<d-5@t>")
    assert [mail.message["Subject"] for mail in server.received] == ["over TLS"]


async def test_implicit_tls_reaches_a_tls_only_server(
    start_smtp: StartSmtp, authority: Authority
) -> None:
    server = start_smtp(tls="tls", authority=authority)
    settings = settings_for(server.port, security="tls", ca_file=str(authority.ca_file))
    await send_email(settings, "a@example.gov.uk", "wrapped", "b", "<d-6@t>")
    assert [mail.message["Subject"] for mail in server.received] == ["wrapped"]


async def test_a_wrong_password_is_permanent_and_never_repeated_back(
    start_smtp: StartSmtp, authority: Authority
) -> None:
    server = start_smtp(tls="starttls", authority=authority, login=Login("throughline", "right"))
    settings = settings_for(
        server.port,
        security="starttls",
        ca_file=str(authority.ca_file),
        username="throughline",
        password="wrong-password-1234",
    )
    with pytest.raises(ChannelError) as caught:
        await send_email(settings, "a@example.gov.uk", "s", "b", "<d-7@t>")
    assert caught.value.permanent
    assert "refused our credentials" in caught.value.message
    assert "wrong-password-1234" not in str(caught.value)
    assert server.received == []


async def test_a_certificate_from_an_unknown_authority_is_not_trusted(
    start_smtp: StartSmtp, authority: Authority
) -> None:
    server = start_smtp(tls="tls", authority=authority)
    with pytest.raises(ChannelError) as caught:
        await send_email(settings_for(server.port, security="tls"), "a@x.test", "s", "b", "<d@t>")
    assert not caught.value.permanent
    assert server.received == []


def test_settings_refuse_a_username_without_a_password() -> None:
    with pytest.raises(ValueError, match="both a username and a password"):
        settings_for(25, username="throughline")
