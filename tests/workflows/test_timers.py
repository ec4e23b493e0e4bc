"""Rules that depend on time, on a dev server whose workflow clocks we move forward.

A delegation that expires between a delegate's sign-off and the quorum completing stops
counting; a reject's challenge window closes after ten working days; a change closed by
a reject stays open for challenges until its window ends, then finishes by itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from models import errors
from models.commands import ChallengeRequest, SignOffRequest
from models.gate import Decision
from models.roles import Role
from tests.factories import Team, new_team, seed_team
from tests.workflows.helpers import approve, work
from throughline.binaries import find_binary
from throughline.changes import ChangeCommands
from throughline.settings import Settings
from throughline.store import delegations, directory, readmodel
from throughline.temporal import workflow_id
from workers.main import build_worker
from workflows import search_attributes

TIME_SKIPPING = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=find_binary("temporal"),
        dev_server_extra_args=TIME_SKIPPING,
        search_attributes=list(search_attributes.ALL),
        data_converter=pydantic_data_converter,
        dev_server_log_level="error",
    )
    async with env:
        yield env


@pytest.fixture
async def skipping_worker(
    skipping_env: WorkflowEnvironment,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Worker]:
    running = build_worker(skipping_env.client, task_queue, sqlite_sessions)
    async with running:
        yield running


@pytest.fixture
def commands(
    skipping_env: WorkflowEnvironment,
    task_queue: str,
    skipping_worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> ChangeCommands:
    settings = Settings(task_queue=task_queue, update_timeout_seconds=60)
    return ChangeCommands(skipping_env.client, settings)


@pytest.fixture
async def team(sqlite_sessions: async_sessionmaker[AsyncSession]) -> Team:
    return await seed_team(sqlite_sessions, new_team())


async def _deputy_for_two_days(sessions: async_sessionmaker[AsyncSession], team: Team) -> str:
    deputy = f"deputy-{team.suffix}"
    async with sessions() as session, session.begin():
        await directory.add_person(session, name="Deputy", person_id=deputy, roles=[])
        await delegations.delegate(
            session,
            delegator=team.signer(Role.POLICY),
            delegate_to=deputy,
            role=Role.POLICY,
            starts_at=None,
            ends_at=datetime.now(UTC) + timedelta(days=2),
            change_id=None,
            reason="two days' leave",
        )
    return deputy


async def test_a_delegation_that_expires_before_the_quorum_stops_counting(
    commands: ChangeCommands,
    skipping_env: WorkflowEnvironment,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    deputy = await _deputy_for_two_days(sqlite_sessions, team)
    change_id = (await commands.create(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    as_deputy = SignOffRequest(
        role=Role.POLICY, decision=Decision.APPROVE, revision=1, acting_for=team.signer(Role.POLICY)
    )
    await commands.sign_off(change_id, deputy, as_deputy, key=None)
    await commands.sign_off(change_id, team.signer(Role.DIGITAL), approve(1, Role.DIGITAL), None)

    handle = skipping_env.client.get_workflow_handle(workflow_id(change_id))
    assert await skipping_env.fast_forward(handle, timedelta(days=3))
    held = await commands.sign_off(
        change_id, team.signer(Role.OPERATIONS), approve(1, Role.OPERATIONS), None
    )
    assert (held.stage, held.gate.status) == ("intent", "in_review")
    assert any("expired at" in line for line in held.gate.unmet)

    await commands.submit(change_id, team.proposer, work("intent again"), key=None)
    late = as_deputy.model_copy(update={"revision": 2})
    with pytest.raises(errors.DelegationNotActive, match="expired at"):
        await commands.sign_off(change_id, deputy, late, key=None)


async def test_a_challenge_after_ten_working_days_is_refused(
    commands: ChangeCommands, skipping_env: WorkflowEnvironment, team: Team
) -> None:
    change_id = (await commands.create(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    reject = SignOffRequest(
        role=Role.POLICY,
        decision=Decision.REJECT,
        revision=1,
        comment="unclear",
        reject_to="intent",
    )
    result = await commands.sign_off(change_id, team.signer(Role.POLICY), reject, key=None)
    assert result.stage == "intent"
    handle = skipping_env.client.get_workflow_handle(workflow_id(change_id))
    assert await skipping_env.fast_forward(handle, timedelta(days=16))
    with pytest.raises(errors.ChallengeWindowClosed, match="closed at"):
        await commands.challenge(change_id, team.proposer, ChallengeRequest(reason="late"), None)


async def test_a_change_closed_by_a_reject_waits_out_its_challenge_window(
    commands: ChangeCommands,
    skipping_env: WorkflowEnvironment,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = (await commands.create(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    close = SignOffRequest(
        role=Role.POLICY, decision=Decision.REJECT, revision=1, comment="no", reject_to="close"
    )
    closed = await commands.sign_off(change_id, team.signer(Role.POLICY), close, key=None)
    assert closed.status == "rejected"
    handle = skipping_env.client.get_workflow_handle(workflow_id(change_id))
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    assert await skipping_env.fast_forward(handle, timedelta(days=16))
    outcome = await handle.result()
    assert outcome["status"] == "rejected"
    async with sqlite_sessions() as session:
        state = await readmodel.change_state(session, change_id)
    assert state.status == "rejected"
