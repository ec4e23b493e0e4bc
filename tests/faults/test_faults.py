"""Crashes and restarts lose or repeat nothing.

The worker runs in its own process so it can be killed with SIGKILL; the dev server
is restarted on the same SQLite file while a change is in flight.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.enums.v1 import PendingWorkflowTaskState
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from models.audit import HashScheme, verify_chain
from models.commands import DecisionRequest
from models.gate import ActOutcome
from models.roles import Role
from models.tables import SignOffRow
from tests.factories import Team, new_team, seed_team
from tests.processes import free_port, kill_hard, spawn_worker, start_dev_server
from tests.workflows.helpers import SIGNING, approve, change_service, pass_current_gate, work
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import readmodel
from throughline.temporal import workflow_id

pytestmark = pytest.mark.slow


def _address(client: Client) -> str:
    return client.service_client.config.target_host


class Workers:
    """Worker processes for one test; whatever is still running is stopped at the end."""

    def __init__(self, address: str, task_queue: str, database_file: Path) -> None:
        self.address, self.task_queue, self.database_file = address, task_queue, database_file
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        url = f"sqlite:///{self.database_file}"
        process = spawn_worker(self.address, self.task_queue, url, self.database_file.parent)
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
                process.wait(30)


@pytest.fixture
def workers(temporal_client: Client, task_queue: str, database_file: Path) -> Iterator[Workers]:
    pool = Workers(_address(temporal_client), task_queue, database_file)
    yield pool
    pool.stop_all()


def _commands(
    client: Client, task_queue: str, sessions: async_sessionmaker[AsyncSession]
) -> ChangeService:
    settings = Settings(task_queue=task_queue, update_timeout_seconds=120)
    return change_service(client, settings, sessions)


async def _seed(
    client: Client, task_queue: str, sessions: async_sessionmaker[AsyncSession]
) -> Team:
    directory = DirectoryService(client, Settings(task_queue=task_queue), sessions)
    return await seed_team(directory, new_team())


async def _assert_each_sign_off_counted_once(
    commands: ChangeService, sessions: async_sessionmaker[AsyncSession], change_id: str
) -> int:
    """Once SQL holds every command answered, each sign-off is there once, as in the log."""
    await commands.workflows.answered.caught_up(patience_s=60)
    async with sessions() as session:
        events = await readmodel.audit_events(session, change_id)
        rows = (
            await session.exec(select(SignOffRow).where(col(SignOffRow.change_id) == change_id))
        ).all()
    assert verify_chain(change_id, events, scheme=HashScheme.JCS).intact
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    signed = [(e.actor, e.role, e.payload["revision"]) for e in events if e.kind == "signed_off"]
    assert len(signed) == len(set(signed)), "a sign-off was recorded twice"
    assert sorted((r.person_id, r.role, r.revision) for r in rows) == sorted(signed)
    return len(signed)


async def test_worker_killed_while_a_gate_waits(
    temporal_client: Client,
    task_queue: str,
    workers: Workers,
    sessions_for: async_sessionmaker[AsyncSession],
) -> None:
    commands = _commands(temporal_client, task_queue, sessions_for)
    first = workers.start()
    team = await _seed(temporal_client, task_queue, sessions_for)
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    await commands.sign_off(change_id, team.signer(Role.POLICY), approve(1, Role.POLICY), None)
    kill_hard(first)

    workers.start()
    for role in [Role.DIGITAL, Role.OPERATIONS]:
        result = await commands.sign_off(change_id, team.signer(role), approve(1, role), None)
    assert result.stage == "design"
    await _finish_lifecycle(commands, change_id, team)
    assert await _assert_each_sign_off_counted_once(commands, sessions_for, change_id) == 12


async def _finish_lifecycle(commands: ChangeService, change_id: str, team: Team) -> None:
    for stage in ["design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    adopt = DecisionRequest(outcome=ActOutcome.ADOPT)
    assert (await commands.decide(change_id, team.owner, adopt, key=None)).status == "completed"


async def test_worker_killed_while_the_projection_runs(
    temporal_client: Client,
    task_queue: str,
    workers: Workers,
    database_file: Path,
    sessions_for: async_sessionmaker[AsyncSession],
) -> None:
    commands = _commands(temporal_client, task_queue, sessions_for)
    first = workers.start()
    team = await _seed(temporal_client, task_queue, sessions_for)
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)

    # Hold the database's write lock so the local projection blocks mid-flight.
    blocker = sqlite3.connect(database_file, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    body = approve(1, Role.POLICY)
    signing = asyncio.create_task(
        commands.sign_off(change_id, team.signer(Role.POLICY), body, key="sign-once")
    )
    await _wait_for_a_held_workflow_task(temporal_client, change_id)
    kill_hard(first)
    blocker.execute("ROLLBACK")
    blocker.close()

    workers.start()
    result = await signing
    retried = await commands.sign_off(change_id, team.signer(Role.POLICY), body, key="sign-once")
    assert retried == result
    for role in SIGNING[1:]:
        await commands.sign_off(change_id, team.signer(role), approve(1, role), key=None)
    await _finish_lifecycle(commands, change_id, team)
    assert await _assert_each_sign_off_counted_once(commands, sessions_for, change_id) == 12


async def _wait_for_a_held_workflow_task(client: Client, change_id: str) -> None:
    """Until a worker has held the change's workflow task for a second: the local
    projection inside it cannot write while the test holds the database's lock."""
    handle = client.get_workflow_handle(workflow_id(change_id))
    started = PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
    for _ in range(300):
        task = (await handle.describe()).raw_description.pending_workflow_task
        if task.state == started:
            await asyncio.sleep(1)
            return
        await asyncio.sleep(0.1)
    raise AssertionError("no worker took the workflow task")


async def test_dev_server_restarted_on_the_same_file_resumes_the_change(
    tmp_path: Path,
    task_queue: str,
    workers: Workers,
    sessions_for: async_sessionmaker[AsyncSession],
) -> None:
    port = free_port()
    server_file = tmp_path / "temporal.db"
    server = start_dev_server(server_file, port)
    try:
        client = await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)
        workers.address = f"127.0.0.1:{port}"
        commands = _commands(client, task_queue, sessions_for)
        workers.start()
        team = await _seed(client, task_queue, sessions_for)
        change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
        await commands.submit(change_id, team.proposer, work("intent"), key=None)
        await commands.sign_off(change_id, team.signer(Role.POLICY), approve(1, Role.POLICY), None)

        server.terminate()
        server.wait(30)
        server = start_dev_server(server_file, port)

        for role in [Role.DIGITAL, Role.OPERATIONS]:
            result = await commands.sign_off(change_id, team.signer(role), approve(1, role), None)
        assert result.stage == "design"
        view = await commands.workflows.live_view(change_id)
        assert [g.status for g in view.past_gates] == ["passed"]
        assert await _assert_each_sign_off_counted_once(commands, sessions_for, change_id) == 3
    finally:
        server.terminate()
        server.wait(30)
