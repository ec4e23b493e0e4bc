"""Published playbook versions in SQL, on SQLite and PostgreSQL: written once from their
directory event or from a carried state, read back whole, and carried into a directory
that starts again from its tables; and the open changes on a playbook's name:
throughline/store/playbooks.py."""

from __future__ import annotations

import copy
import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from api.playbook_examples import PLAYBOOK
from models.audit import AuditEvent
from models.change import ChangeStatus
from models.directory.commands import PublishPlaybook
from models.directory.projection import DirectoryBatch
from models.directory.publishing import apply_publish_playbook
from models.directory.state import OPERATOR, DirectoryState, PublishedPlaybook
from models.playbook import Playbook
from models.projection import ProjectionBatch
from models.transitions.opening import open_change
from tests.factories import T0, new_change
from throughline.store import playbooks
from throughline.store.directory_projection import project_directory, write_snapshot
from throughline.store.directory_state import directory_start
from throughline.store.projection import project


def _published_state() -> tuple[DirectoryState, list[AuditEvent]]:
    """A directory that published two versions of a playbook of its own name."""
    name = f"custom-{uuid.uuid4().hex[:8]}"
    state = DirectoryState(directory_id=f"directory-{name}")
    events = []
    for version in (1, 2):
        data = copy.deepcopy(PLAYBOOK)
        data.update(name=name, version=version, title=f"Custom, version {version}")
        cmd = PublishPlaybook(actor=OPERATOR, playbook=Playbook.model_validate(data))
        events += apply_publish_playbook(state, cmd, T0)
    return state, events


async def _mine(session: AsyncSession, state: DirectoryState) -> list[PublishedPlaybook]:
    names = {p.name for p in state.playbooks}
    return [p for p in await playbooks.published(session) if p.name in names]


async def test_each_published_event_becomes_one_row_whatever_the_retries(
    rollback_session: AsyncSession,
) -> None:
    state, events = _published_state()
    batch = DirectoryBatch(directory_id=state.directory_id, events=events)
    assert (await project_directory(rollback_session, batch, T0)).new_events == 2
    assert (await project_directory(rollback_session, batch, T0)).new_events == 0
    assert await _mine(rollback_session, state) == state.playbooks


async def test_a_carried_state_restores_the_versions_and_a_new_start_carries_them(
    rollback_session: AsyncSession,
) -> None:
    state, _ = _published_state()
    await write_snapshot(rollback_session, state, T0)
    assert await _mine(rollback_session, state) == state.playbooks
    start = await directory_start(rollback_session, state.directory_id, T0)
    names = {p.name for p in state.playbooks}
    assert [p for p in start.state.playbooks if p.name in names] == state.playbooks


async def test_open_changes_on_a_playbook_name_are_found(rollback_session: AsyncSession) -> None:
    before, counted_before = await playbooks.open_changes_on(rollback_session, "pdca", 1_000)
    open_one, opening = open_change(new_change(), T0)
    await project(
        rollback_session, ProjectionBatch(workflow_id="wf", state=open_one, events=opening), T0
    )
    closed, closing = open_change(new_change(), T0)
    closed.status = ChangeStatus.WITHDRAWN
    await project(
        rollback_session, ProjectionBatch(workflow_id="wf", state=closed, events=closing), T0
    )
    after, counted = await playbooks.open_changes_on(rollback_session, "pdca", 1_000)
    assert counted == counted_before + 1
    assert {s.change_id for s in after} - {s.change_id for s in before} == {open_one.change_id}
    assert (await playbooks.open_changes_on(rollback_session, "pdca", 0))[0] == []
