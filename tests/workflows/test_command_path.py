"""A command is answered once a local activity has projected it, in the same workflow
task, so SQL holds it by then; so is a command after which the run ends:
workflows/command_path.py."""

from __future__ import annotations

import json

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


def _local_projections(history: WorkflowHistory) -> list[int]:
    """The event ids of the markers of local projections."""
    found = []
    for event in history.events:
        marker = event.marker_recorded_event_attributes
        if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED:
            continue
        if marker.marker_name != "core_local_activity":
            continue
        about = json.loads(marker.details["data"].payloads[0].data)
        if about["activity_type"] == "project_change_locally":
            found.append(event.event_id)
    return found


def _answered_once_projected(history: WorkflowHistory) -> bool:
    """Whether the last command's answer left after its local projection completed."""
    answered = _last(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
    return max(_local_projections(history)) < answered


async def test_a_sign_off_is_answered_once_sql_holds_it_in_one_workflow_task(
    commands: ChangeService,
    team: Team,
    temporal_client: Client,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    handle = temporal_client.get_workflow_handle(workflow_id(change_id))
    before = len((await handle.fetch_history()).events)
    body = approve(1, Role.POLICY)
    signed = await commands.sign_off(change_id, team.signer(Role.POLICY), body, key=None)
    async with sqlite_sessions() as session:
        assert (await readmodel.change_state(session, change_id)).seq == signed.seq
    history = await handle.fetch_history()
    kinds = [event.event_type for event in history.events[before:]]
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) == 1
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in kinds
    assert _answered_once_projected(history)
    assert len(kinds) <= 8


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
    assert _answered_once_projected(ended)
