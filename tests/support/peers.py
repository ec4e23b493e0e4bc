"""The real servers notifications are tested against, as fixtures for any test: SMTP, a
Notify emulator and a Standard Webhooks receiver, each on a free local port and stopped
after the test. Registered for the whole suite in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.support.notify_emulator import NotifyEmulator, running_notify_emulator
from tests.support.smtp_server import (
    Authority,
    RecordingHandler,
    SmtpServer,
    new_authority,
    running_smtp_server,
)
from tests.support.webhook_receiver import WebhookReceiver, running_webhook_receiver

StartSmtp = Callable[..., SmtpServer]


@pytest.fixture
def start_smtp() -> Iterator[StartSmtp]:
    """Start SMTP servers with `start_smtp(handler, tls=..., authority=..., login=...)`."""
    with ExitStack() as servers:

        def start(handler: RecordingHandler | None = None, **options: Any) -> SmtpServer:
            server = running_smtp_server(handler or RecordingHandler(), **options)
            return servers.enter_context(server)

        yield start


@pytest.fixture
def smtp_server(start_smtp: StartSmtp) -> SmtpServer:
    """A plain SMTP server that accepts and keeps everything."""
    return start_smtp()


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return new_authority(tmp_path)


@pytest.fixture
def notify() -> Iterator[NotifyEmulator]:
    with running_notify_emulator() as emulator:
        yield emulator


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with running_webhook_receiver() as running:
        yield running
