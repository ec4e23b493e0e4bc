"""The directory's SQL tables follow its events exactly once and in order, on SQLite and
PostgreSQL, and a carried state restores them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.directory.commands import (
    AddPeople,
    ChangeRole,
    Delegate,
    NewPerson,
    RevokeTokens,
    SetActive,
)
from models.directory.projection import DirectoryBatch
from models.directory.state import OPERATOR, DirectoryState
from models.directory.transitions import (
    apply_add_people,
    apply_change_role,
    apply_delegate,
    apply_revoke_tokens,
    apply_set_active,
)
from models.roles import Role
from models.tables import DelegationRow, DirectoryLogRow, Person
from tests.factories import T0
from throughline.store import directory
from throughline.store.directory_projection import project_directory, write_snapshot

NOW = datetime.now(UTC)
"""When the directory is read while projecting, as the activity would read it."""


def _directory() -> tuple[DirectoryState, list[AuditEvent], str]:
    suffix = uuid.uuid4().hex[:8]
    holder, deputy = f"holder-{suffix}", f"deputy-{suffix}"
    state = DirectoryState(directory_id=f"directory-{suffix}")
    people = [
        NewPerson(name="Holder", id=holder, roles=[Role.POLICY]),
        NewPerson(name="Deputy", id=deputy),
    ]
    events, _ = apply_add_people(state, AddPeople(actor=OPERATOR, people=people), T0)
    ends = T0 + timedelta(days=5)
    body = Delegate(actor=holder, delegate=deputy, role=Role.POLICY, ends_at=ends)
    events += apply_delegate(state, body, T0)[0]
    later = T0 + timedelta(hours=1)
    revoke = ChangeRole(actor=OPERATOR, person=holder, role=Role.POLICY, grant=False)
    events += apply_change_role(state, revoke, later)
    events += apply_set_active(state, SetActive(actor=OPERATOR, person=deputy, active=False), later)
    events += apply_revoke_tokens(state, RevokeTokens(actor=OPERATOR, person=holder), later)
    return state, events, holder


async def test_events_become_rows_once_whatever_the_retries(rollback_session: AsyncSession) -> None:
    state, events, holder = _directory()
    batch = DirectoryBatch(directory_id=state.directory_id, events=events)
    assert (await project_directory(rollback_session, batch, NOW)).new_events == len(events)
    assert (await project_directory(rollback_session, batch, NOW)).new_events == 0
    overlapping = DirectoryBatch(directory_id=state.directory_id, events=events[2:])
    assert (await project_directory(rollback_session, overlapping, NOW)).new_events == 0
    stored = await directory.events_of(rollback_session, state.directory_id)
    assert stored == events
    person = await rollback_session.get(Person, holder)
    assert person is not None
    assert person.tokens_valid_after == T0 + timedelta(hours=1)


async def test_authority_is_read_as_of_a_moment(rollback_session: AsyncSession) -> None:
    state, events, holder = _directory()
    await project_directory(
        rollback_session, DirectoryBatch(directory_id=state.directory_id, events=events), NOW
    )
    then = await directory.authorities(
        rollback_session, [holder, "ghost"], T0 + timedelta(minutes=1)
    )
    now = await directory.authorities(rollback_session, [holder], T0 + timedelta(hours=2))
    assert then.of(holder).holds(Role.POLICY)
    assert not now.of(holder).holds(Role.POLICY)
    assert not then.of("ghost").active


async def test_a_carried_state_restores_the_tables(rollback_session: AsyncSession) -> None:
    """Including a grant that a database missed the revocation of: the state ends it."""
    state, events, holder = _directory()
    stale = [e.model_copy(update={"change_id": state.directory_id}) for e in events[:1]]
    await project_directory(
        rollback_session, DirectoryBatch(directory_id=state.directory_id, events=stale), NOW
    )
    assert await directory.active_roles(rollback_session, holder) == [Role.POLICY]
    await write_snapshot(rollback_session, state, T0 + timedelta(days=1))
    deputy = holder.replace("holder", "deputy")
    people = {
        p.id: p for p in await directory.list_people(rollback_session) if p.id in state.people
    }
    assert (people[holder].active, people[deputy].active) == (True, False)
    assert await directory.active_roles(rollback_session, holder) == []
    statement = select(DelegationRow).where(DelegationRow.delegator == holder)
    delegations = (await rollback_session.exec(statement)).all()
    assert [(d.delegate, d.role) for d in delegations] == [(deputy, "policy")]
    await write_snapshot(rollback_session, state, T0 + timedelta(days=2))
    head = await rollback_session.get(DirectoryLogRow, state.directory_id)
    assert head is not None
    assert (head.last_seq, head.last_hash) == (state.seq, state.last_hash)
