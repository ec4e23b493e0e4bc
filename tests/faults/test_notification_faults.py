"""A worker killed while notifications are due: when it comes back, each is sent
exactly once. The SMTP relay is down at first, so every delivery is mid-retry when
the worker dies: workflows/notifications.py, throughline/store/deliveries.py."""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.notifications import Channel
from models.roles import Role
from models.subscriptions import PreferencesRequest
from models.tables import NotificationRow
from tests.factories import Team, new_team, seed_team
from tests.processes import free_port, kill_hard, spawn_worker
from tests.support.smtp_server import RecordingHandler, running_smtp_server
from tests.workflows.helpers import change_service, work
from throughline.services.directory import DirectoryService
from throughline.services.notifications import NotificationService
from throughline.settings import Settings

pytestmark = pytest.mark.slow
CHANGES = 4


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The workers a test starts, stopped afterwards."""
    running: list[subprocess.Popen[bytes]] = []
    yield running
    for process in running:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def _settings(task_queue: str, database_file: Path, smtp_port: int) -> Settings:
    return Settings(
        task_queue=task_queue,
        database_url=f"sqlite:///{database_file}",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_sender="throughline@example.gov.uk",
        notification_poll_seconds=1,
        delivery_first_retry_seconds=0.5,
        delivery_attempts=40,
        update_timeout_seconds=120,
    )


def _worker(client: Client, settings: Settings, database_file: Path) -> subprocess.Popen[bytes]:
    environment = {
        "THROUGHLINE_SMTP_HOST": "127.0.0.1",
        "THROUGHLINE_SMTP_PORT": str(settings.smtp_port),
        "THROUGHLINE_SMTP_SENDER": settings.smtp_sender,
        "THROUGHLINE_NOTIFICATION_POLL_SECONDS": "1",
        "THROUGHLINE_DELIVERY_FIRST_RETRY_SECONDS": "0.5",
        "THROUGHLINE_DELIVERY_ATTEMPTS": "40",
    }
    address = client.service_client.config.target_host
    url = f"sqlite:///{database_file}"
    return spawn_worker(address, settings.task_queue, url, database_file.parent, environment)


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[NotificationRow]:
    async with sessions() as session:
        statement = select(NotificationRow).where(col(NotificationRow.channel) == Channel.EMAIL)
        return list((await session.exec(statement)).all())


async def _until_rows(
    sessions: async_sessionmaker[AsyncSession], done: set[str], count: int
) -> list[str]:
    for _ in range(600):
        rows = await _rows(sessions)
        if len(rows) == count and all(r.status in done and r.attempts for r in rows):
            return [r.id for r in rows]
        await asyncio.sleep(0.2)
    raise AssertionError(f"rows never all {done}: {[(r.id, r.status) for r in rows]}")


async def _listening_team(
    client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Team:
    team = await seed_team(DirectoryService(client, settings, sessions), new_team())
    choices = NotificationService(sessions, client, settings, {"email", "webhook"})
    for role in (Role.POLICY, Role.OPERATIONS):
        person = team.signer(role)
        email = f"{person}@example.gov.uk"
        await choices.set_preferences(
            person, PreferencesRequest(email=email, channels=[Channel.EMAIL])
        )
    return team


async def test_a_worker_killed_while_notifications_are_due_sends_each_once(
    temporal_client: Client,
    task_queue: str,
    database_file: Path,
    sessions_for: async_sessionmaker[AsyncSession],
    smtp_port: int,
    spawn: list[subprocess.Popen[bytes]],
) -> None:
    settings = _settings(task_queue, database_file, smtp_port)
    spawn.append(_worker(temporal_client, settings, database_file))
    team = await _listening_team(temporal_client, settings, sessions_for)
    commands = change_service(temporal_client, settings, sessions_for)
    for _ in range(CHANGES):
        change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
        await commands.submit(change_id, team.proposer, work("intent"), key=None)
    await _until_rows(sessions_for, {"queued"}, CHANGES * 2)
    kill_hard(spawn[0])

    with running_smtp_server(RecordingHandler(), port=smtp_port) as smtp:
        spawn.append(_worker(temporal_client, settings, database_file))
        sent = await _until_rows(sessions_for, {"sent"}, CHANGES * 2)
        await asyncio.sleep(2)  # a second send, if there were one, would arrive by now
        arrived = Counter(m.message["Message-ID"].strip("<>").split("@")[0] for m in smtp.received)

    assert arrived == Counter(dict.fromkeys(sent, 1)), "each notification exactly once"
