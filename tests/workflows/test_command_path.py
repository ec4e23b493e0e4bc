"""A command is answered once the workflow has applied it, with SQL catching up in the
background; a command after which the run ends is answered only once SQL holds it:
workflows/command_path.py."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowContinuedAsNewError, WorkflowHistory

from models.roles import Role
from tests.factories import Team
from tests.workflows.helpers import adapt, approve, to_act_gate, work
from throughline.services.changes import ChangeService
from throughline.store import readmodel
from throughline.temporal import workflow_id

pytestmark = pytest.mark.usefixtures("worker")


def _last(history: WorkflowHistory, kind: EventType.ValueType) -> int:
    return max(event.event_id for event in history.events if event.event_type == kind)


def _answered_before_projected(history: WorkflowHistory) -> bool:
    """Whether the last command's answer left before its projection completed."""
    answered = _last(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
    projected = _last(history, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
    return answered < projected


async def test_a_sign_off_is_answered_before_sql_holds_it_and_read_after(
    commands: ChangeService,
    team: Team,
    temporal_client: Client,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    body = approve(1, Role.POLICY)
    signed = await commands.sign_off(change_id, team.signer(Role.POLICY), body, key=None)
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        assert (await readmodel.change_state(session, change_id)).seq == signed.seq
    history = await temporal_client.get_workflow_handle(workflow_id(change_id)).fetch_history()
    assert _answered_before_projected(history)


async def test_a_command_that_starts_a_new_cycle_is_answered_once_projected(
    commands: ChangeService, team: Team, temporal_client: Client
) -> None:
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await to_act_gate(commands, change_id, team)
    handle = temporal_client.get_workflow_handle(workflow_id(change_id))
    first_run = (await handle.describe()).run_id
    await commands.decide(change_id, team.owner, adapt(), key=None)
    ending = temporal_client.get_workflow_handle(workflow_id(change_id), run_id=first_run)
    with pytest.raises(WorkflowContinuedAsNewError):
        await ending.result(follow_runs=False)
    ended = await ending.fetch_history()
    assert not _answered_before_projected(ended)
