"""A change that outgrows its run: on a dev server that suggests continue-as-new after
only a few dozen history events, one cycle spans several runs and loses nothing, and a
change closed by a reject carries on into a new run rather than ending in its window."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from models.commands import ChallengeRequest, ChallengeResolutionRequest, SignOffRequest
from models.gate import Decision
from models.rejection import ChallengeOutcome
from models.roles import Role
from tests.factories import Team, new_team, seed_team
from tests.processes import dev_server_environment
from tests.workflows.helpers import approve, change_service, work
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import readmodel
from throughline.temporal import workflow_id
from workers.main import build_worker

pytestmark = pytest.mark.slow

EAGER = ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=25"]


@pytest.fixture(scope="module")
async def eager_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await dev_server_environment(EAGER)
    async with env:
        yield env


@pytest.fixture
async def commands(
    eager_env: WorkflowEnvironment,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[ChangeService]:
    worker: Worker = build_worker(eager_env.client, task_queue, sqlite_sessions)
    async with worker:
        settings = Settings(task_queue=task_queue, update_timeout_seconds=60)
        yield change_service(eager_env.client, settings, sqlite_sessions)


async def _runs(client: Client, change_id: str) -> int:
    query = f"WorkflowId = '{workflow_id(change_id)}'"
    return len([w async for w in client.list_workflows(query)])


async def test_a_long_cycle_and_a_challenge_window_survive_many_runs(
    commands: ChangeService,
    eager_env: WorkflowEnvironment,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    settings = Settings(task_queue=commands.workflows.settings.task_queue)
    directory = DirectoryService(eager_env.client, settings, sqlite_sessions)
    team: Team = await seed_team(directory, new_team())
    change_id = (await commands.propose(team.intake(), team.proposer, key="long")).change_id
    for round_ in range(4):
        await commands.submit(change_id, team.proposer, work(f"draft {round_}"), key=f"s{round_}")
        ask = SignOffRequest(
            role=Role.OPERATIONS,
            decision=Decision.REQUEST_CHANGES,
            revision=round_ + 1,
            comment="more",
        )
        await commands.sign_off(change_id, team.signer(Role.OPERATIONS), ask, key=f"r{round_}")
    revision = (
        await commands.submit(change_id, team.proposer, work("final"), key="sf")
    ).gate.revision
    assert revision == 5
    again = await commands.submit(change_id, team.proposer, work("final"), key="sf")
    assert again.gate.revision == 5, "a retried submission after continue-as-new took effect twice"

    close = SignOffRequest(
        role=Role.POLICY, decision=Decision.REJECT, revision=5, comment="no", reject_to="close"
    )
    assert (
        await commands.sign_off(change_id, team.signer(Role.POLICY), close, None)
    ).status == "rejected"
    handle = eager_env.client.get_workflow_handle(workflow_id(change_id))
    await asyncio.sleep(1)
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    await commands.challenge(change_id, team.proposer, ChallengeRequest(reason="funded"), None)
    overturn = ChallengeResolutionRequest(outcome=ChallengeOutcome.OVERTURN, comment="it is")
    restored = await commands.resolve_challenge(change_id, team.owner, overturn, key=None)
    assert (restored.status, restored.stage, restored.gate.status) == (
        "active",
        "intent",
        "in_review",
    )

    for role in [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]:
        result = await commands.sign_off(change_id, team.signer(role, 1), approve(5, role), None)
    assert result.stage == "design"
    assert await _runs(eager_env.client, change_id) >= 3
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        events = await readmodel.audit_events(session, change_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
