"""How far SQL may trail a change before its commands wait for it again, and how long
a local projection may take: workflows/projection.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import Client

from models.transitions.opening import open_change
from tests.factories import T0, Team, new_change
from throughline.services.changes import ChangeService
from throughline.temporal import workflow_id
from workflows.projection import LOCAL_PROJECTION_TIMEOUT, MAX_UNPROJECTED_EVENTS, ChangeProjection


def test_a_change_is_far_behind_once_more_events_wait_than_allowed() -> None:
    state, opening = open_change(new_change(), T0)
    projection = ChangeProjection(state, opening)
    assert not projection.far_behind()
    padding = MAX_UNPROJECTED_EVENTS - len(opening)
    projection.outbox += [
        opening[-1].model_copy(update={"at": T0 + timedelta(seconds=n)}) for n in range(padding)
    ]
    assert not projection.far_behind()
    projection.outbox.append(opening[-1])
    assert projection.far_behind()


@pytest.mark.usefixtures("worker")
async def test_a_local_projection_gives_up_well_within_its_workflow_task(
    commands: ChangeService, team: Team, temporal_client: Client
) -> None:
    """The timeout the change's runs start with is the one a local projection must beat:
    past it, another worker may take the task over and apply the command again."""
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    history = await temporal_client.get_workflow_handle(workflow_id(change_id)).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    task_timeout = started.workflow_task_timeout.ToTimedelta()
    assert task_timeout >= LOCAL_PROJECTION_TIMEOUT * 2
