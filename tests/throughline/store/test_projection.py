"""Projection is idempotent and monotonic, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.commands import SubmitWork
from models.directory.commands import AddPeople, NewPerson
from models.directory.projection import DirectoryBatch
from models.directory.state import OPERATOR, DirectoryState
from models.directory.transitions import apply_add_people
from models.projection import ProjectionBatch
from models.roles import SIGNING_ROLES, Role
from models.tables import AuditEventRow, ChangeRow, ChangeWaiting, HandoffRow, SubmissionRow
from models.transitions.opening import open_change
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, T0, authority, evidence, later, new_change
from throughline.store import readmodel
from throughline.store.directory_projection import project_directory
from throughline.store.projection import project

NOW = datetime.now(UTC)
"""When the directory is read while projecting, as the activity would read it."""


def _two_batches() -> tuple[ProjectionBatch, ProjectionBatch]:
    state, opening = open_change(new_change(), T0)
    first = ProjectionBatch(workflow_id="wf", state=state.model_copy(deep=True), events=opening)
    cmd = SubmitWork(actor=PROPOSER, summary="intent", evidence=[evidence()])
    submitted = apply_submit(state, cmd, authority(PROPOSER), later(5))
    second = ProjectionBatch(workflow_id="wf", state=state, events=submitted)
    return first, second


async def _count(
    session: AsyncSession, model: type[AuditEventRow] | type[HandoffRow], change_id: str
) -> int:
    rows = (await session.exec(select(model).where(col(model.change_id) == change_id))).all()
    return len(rows)


async def test_projecting_the_same_batch_twice_writes_once(rollback_session: AsyncSession) -> None:
    first, _ = _two_batches()
    assert await project(rollback_session, first, NOW)
    await project(rollback_session, first, NOW)
    change_id = first.state.change_id
    assert await _count(rollback_session, AuditEventRow, change_id) == len(first.events)
    assert await _count(rollback_session, HandoffRow, change_id) == 1


async def test_an_older_snapshot_never_overwrites_a_newer_one(
    rollback_session: AsyncSession,
) -> None:
    first, second = _two_batches()
    assert await project(rollback_session, second, NOW)
    assert not await project(rollback_session, first, NOW)
    change_id = first.state.change_id
    row = await rollback_session.get(ChangeRow, change_id, populate_existing=True)
    assert row is not None
    assert (row.last_seq, row.gate_status) == (second.state.seq, "in_review")
    seqs = (
        await rollback_session.exec(
            select(AuditEventRow.seq).where(col(AuditEventRow.change_id) == change_id)
        )
    ).all()
    assert sorted(seqs) == list(range(1, second.state.seq + 1))


async def test_read_model_round_trips_state_and_utc_times(rollback_session: AsyncSession) -> None:
    first, second = _two_batches()
    await project(rollback_session, first, NOW)
    await project(rollback_session, second, NOW)
    change_id = first.state.change_id
    state = await readmodel.change_state(rollback_session, change_id)
    assert state == second.state
    events = await readmodel.audit_events(rollback_session, change_id)
    assert events == [*first.events, *second.events]
    assert all(e.at.tzinfo is not None and e.at.utcoffset() == UTC.utcoffset(None) for e in events)
    submission = await rollback_session.get(SubmissionRow, (change_id, 1))
    assert submission is not None
    assert submission.submitted_at == later(5)


async def _people_in_the_directory(session: AsyncSession, state: ChangeState) -> None:
    """Everyone the change names, holding their roles, as the directory's projection
    would write them; without them every wait would be stuck."""
    directory = DirectoryState(directory_id=f"directory-{uuid.uuid4().hex[:8]}")
    named = {role: state.intake.people.for_role(role) for role in SIGNING_ROLES}
    roles = {
        p: [r for r, people in named.items() if p in people] for p in state.intake.people.everyone()
    }
    roles[state.proposer] = [Role.DIGITAL]
    new = [NewPerson(name=p, id=p, roles=r) for p, r in roles.items()]
    events, _ = apply_add_people(directory, AddPeople(actor=OPERATOR, people=new), T0)
    await project_directory(
        session, DirectoryBatch(directory_id=directory.directory_id, events=events), NOW
    )


async def test_waiting_rows_follow_the_latest_snapshot(rollback_session: AsyncSession) -> None:
    first, second = _two_batches()
    await _people_in_the_directory(rollback_session, first.state)
    await project(rollback_session, first, NOW)
    statement = select(ChangeWaiting).where(col(ChangeWaiting.change_id) == first.state.change_id)
    before = (await rollback_session.exec(statement)).all()
    assert {(w.role, w.kind) for w in before} == {("digital", "submission")}
    await project(rollback_session, second, NOW)
    after = (await rollback_session.exec(statement)).all()
    assert {w.role for w in after} == {"policy", "digital", "operations"}
    assert {w.kind for w in after} == {"sign_off"}
