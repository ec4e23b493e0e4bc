"""What a person may sign or decide, read through ReadService from the read model and
today's directory, on SQLite and on PostgreSQL: throughline/services/reads.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.commands import NewChange, SubmitWork
from models.directory.commands import AddPeople, Delegate, NewPerson
from models.directory.projection import DirectoryBatch
from models.directory.state import OPERATOR, DirectoryState
from models.directory.transitions import apply_add_people, apply_delegate
from models.errors import ChangeNotFound
from models.gate import Decision
from models.playbooks import latest_playbook
from models.projection import ProjectionBatch
from models.roles import Role
from models.transitions.opening import open_change
from models.transitions.submission import apply_submit
from tests.factories import Team, authority, evidence, new_team
from throughline.services.reads import ReadService
from throughline.store.directory_projection import project_directory
from throughline.store.projection import project

NOW = datetime.now(UTC) - timedelta(minutes=1)
"""When the directory's events happened: just before the service reads it."""


@pytest.fixture
def sessions(
    rollback_sessions: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """Every write is rolled back when the test ends."""
    return rollback_sessions


async def _in_review(sessions: async_sessionmaker[AsyncSession], team: Team) -> ChangeState:
    """A change whose intent, submitted by a named digital person, waits for sign-off."""
    new = NewChange(
        change_id=str(uuid.uuid4()),
        intake=team.intake(),
        proposer=team.proposer,
        playbook=latest_playbook("pdca"),
    )
    state, events = open_change(new, NOW)
    submitter = team.signer(Role.DIGITAL)
    cmd = SubmitWork(actor=submitter, summary="intent", evidence=[evidence()])
    events += apply_submit(state, cmd, authority(submitter), NOW)
    async with sessions() as session:
        await project(session, ProjectionBatch(workflow_id="wf", state=state, events=events), NOW)
    return state


async def _directory(sessions: async_sessionmaker[AsyncSession], team: Team) -> str:
    """The team in the directory, and a deputy acting for the second policy person."""
    state = DirectoryState(directory_id=f"directory-{team.suffix}")
    deputy = f"deputy-{team.suffix}"
    people = [NewPerson(name=p, id=p, roles=r) for p, r in team.directory().items()]
    people.append(NewPerson(name="Deputy", id=deputy))
    events, _ = apply_add_people(state, AddPeople(actor=OPERATOR, people=people), NOW)
    holder = team.signer(Role.POLICY, 1)
    body = Delegate(
        actor=holder, delegate=deputy, role=Role.POLICY, ends_at=NOW + timedelta(days=5)
    )
    events += apply_delegate(state, body, NOW)[0]
    async with sessions() as session:
        await project_directory(
            session, DirectoryBatch(directory_id=state.directory_id, events=events), NOW
        )
    return deputy


async def test_a_deputy_may_sign_for_the_holder_by_todays_directory(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    team = new_team()
    deputy = await _directory(sessions, team)
    change = await _in_review(sessions, team)
    options = await ReadService(sessions).sign_off_options(change.change_id, deputy)
    assert (options.person, options.revision, options.may_sign) == (deputy, 1, True)
    holder = team.signer(Role.POLICY, 1)
    assert [(r.role, r.acting_for, r.may_sign) for r in options.roles] == [
        (Role.POLICY, holder, True)
    ]


async def test_the_submitter_is_refused_approval_in_the_rules_words(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    team = new_team()
    await _directory(sessions, team)
    change = await _in_review(sessions, team)
    submitter = team.signer(Role.DIGITAL)
    options = await ReadService(sessions).sign_off_options(change.change_id, submitter)
    digital = options.roles[0]
    approve = next(d for d in digital.decisions if d.decision is Decision.APPROVE)
    assert approve.reason == f"{submitter} submitted revision 1 and cannot approve it"
    assert digital.may_sign


async def test_the_owner_is_told_the_decision_waits_for_the_act_gate(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    team = new_team()
    await _directory(sessions, team)
    change = await _in_review(sessions, team)
    options = await ReadService(sessions).owner_options(change.change_id, team.owner)
    assert options.decide.reason == ("decisions are made at the act gate; the change is at intent")
    assert options.challenge.reason == "no challenge is waiting for a decision on this change"


async def test_an_unknown_change_is_not_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(ChangeNotFound):
        await ReadService(sessions).sign_off_options(str(uuid.uuid4()), "anyone")
