"""ServiceChangeWorkflow on a real dev server, with a real worker and SQLite."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models import errors
from models.commands import DecisionRequest, SignOffRequest, WithdrawRequest
from models.gate import ActOutcome, Decision
from models.roles import Role
from tests.factories import Team
from tests.workflows.helpers import (
    SIGNING,
    adapt,
    approve,
    pass_current_gate,
    to_act_gate,
    work,
)
from throughline.services.changes import ChangeService
from throughline.store import readmodel
from throughline.temporal import workflow_id
from workflows import search_attributes

pytestmark = pytest.mark.usefixtures("worker")


async def test_sign_offs_pass_the_gate_and_reach_the_read_model(
    commands: ChangeService, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    result = await pass_current_gate(commands, created.change_id, team, stage="intent")
    assert result.stage == "design"
    assert result.closed_gate is not None
    assert result.closed_gate.status == "passed"
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        state = await readmodel.change_state(session, created.change_id)
        events = await readmodel.audit_events(session, created.change_id)
    assert state.stage == "design"
    assert [e.seq for e in events] == list(range(1, state.seq + 1))


async def test_refusals_arrive_as_typed_domain_errors(commands: ChangeService, team: Team) -> None:
    created = await commands.propose(team.intake(), team.signer(Role.DIGITAL), key=None)
    change_id = created.change_id
    await commands.submit(change_id, team.signer(Role.DIGITAL), work("intent"), key=None)
    own_work = approve(1, Role.DIGITAL)
    with pytest.raises(errors.SeparationOfDuties):
        await commands.sign_off(change_id, team.signer(Role.DIGITAL), own_work, key=None)
    silent_reject = SignOffRequest(role=Role.POLICY, decision=Decision.REJECT, revision=1)
    with pytest.raises(errors.CommentRequired):
        await commands.sign_off(change_id, team.signer(Role.POLICY), silent_reject, key=None)
    with pytest.raises(errors.ChangeNotFound):
        await commands.submit("no-such-change", team.proposer, work("x"), key=None)


async def test_same_idempotency_key_gives_same_result_and_one_effect(
    commands: ChangeService, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await commands.propose(team.intake(), team.proposer, key="create-1")
    again = await commands.propose(team.intake(), team.proposer, key="create-1")
    assert again == first
    await commands.submit(first.change_id, team.proposer, work("intent"), key="submit-1")
    body = approve(1, Role.POLICY)
    one = await commands.sign_off(first.change_id, team.signer(Role.POLICY), body, key="s-1")
    two = await commands.sign_off(first.change_id, team.signer(Role.POLICY), body, key="s-1")
    assert one == two
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        state = await readmodel.change_state(session, first.change_id)
    assert len(state.gate.signoffs) == 1


async def test_reused_key_with_a_different_body_is_refused(
    commands: ChangeService, team: Team
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key="c")
    with pytest.raises(errors.IdempotencyKeyReused):
        await commands.propose(team.intake(title="Another change"), team.proposer, key="c")
    await commands.submit(created.change_id, team.proposer, work("a"), key="k")
    await commands.sign_off(
        created.change_id, team.signer(Role.POLICY), approve(1, Role.POLICY), key="k"
    )
    with pytest.raises(errors.IdempotencyKeyReused):
        await commands.submit(created.change_id, team.proposer, work("b"), key="k")


async def test_one_key_sent_at_once_with_two_bodies_takes_effect_once(
    commands: ChangeService, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    change_id = created.change_id
    outcomes = await asyncio.gather(
        commands.submit(change_id, team.proposer, work("draft a"), key="same"),
        commands.submit(change_id, team.proposer, work("draft b"), key="same"),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, errors.IdempotencyKeyReused)]
    assert len(refused) == 1, outcomes
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        state = await readmodel.change_state(session, change_id)
    assert [s.revision for s in state.gate.submissions] == [1]


async def test_concurrent_signers_are_each_counted_once(
    commands: ChangeService, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    change_id = created.change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    signers = [
        commands.sign_off(change_id, team.signer(role), approve(1, role), key=f"k-{role}")
        for role in SIGNING
    ]
    duplicates = [
        commands.sign_off(change_id, team.signer(role), approve(1, role), key=f"k-{role}")
        for role in SIGNING
    ]
    results = await asyncio.gather(*signers, *duplicates)
    assert {r.command for r in results} == {"sign_off"}
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        state = await readmodel.change_state(session, change_id)
    passed = state.past_gates[0]
    assert passed.status == "passed"
    assert sorted(s.person for s in passed.signoffs) == sorted(team.signer(r) for r in SIGNING)


async def test_racing_signers_beyond_the_quorum_pass_the_gate_once(
    commands: ChangeService, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Different people at once, no keys: each passes the validator, then the handler's
    re-check after its await decides who still counts and refuses the rest."""
    created = await commands.propose(team.intake(), team.proposer, key=None)
    change_id = created.change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    signers = [(role, team.signer(role, index)) for role in SIGNING for index in (0, 1)]
    outcomes = await asyncio.gather(
        *[commands.sign_off(change_id, who, approve(1, role), key=None) for role, who in signers],
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, errors.GateClosed) for o in refused), refused
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        events = await readmodel.audit_events(session, change_id)
        state = await readmodel.change_state(session, change_id)
    assert [e.kind for e in events].count("gate_passed") == 1
    passed = state.past_gates[0]
    counted = [s.person for s in passed.counting_approvals()]
    assert len(counted) == len(set(counted)) == len(signers) - len(refused)


async def test_adapt_continues_as_new_and_keeps_idempotency(
    commands: ChangeService, team: Team, temporal_client: Client
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key="adapt-create")
    change_id = created.change_id
    await to_act_gate(commands, change_id, team)
    handle = temporal_client.get_workflow_handle(workflow_id(change_id))
    first_run = (await handle.describe()).run_id
    decided = await commands.decide(change_id, team.owner, adapt(), key="decide-1")
    assert (decided.iteration, decided.stage) == (2, "design")
    await _wait_for_new_run(temporal_client, change_id, first_run)
    replayed = await commands.decide(change_id, team.owner, adapt(), key="decide-1")
    # After continue-as-new the answer comes from a compact receipt: the same outcome,
    # without the bulky detail of the gate.
    assert (replayed.seq, replayed.iteration, replayed.stage) == (decided.seq, 2, "design")
    assert replayed.gate.roles == decided.gate.roles
    recreated = await commands.propose(team.intake(), team.proposer, key="adapt-create")
    assert recreated == created
    view = await commands.workflows.live_view(change_id)
    assert (view.iteration, view.stage, view.cycles[0].outcome) == (2, "design", "adapt")


async def _wait_for_new_run(client: Client, change_id: str, old_run: str | None) -> None:
    handle = client.get_workflow_handle(workflow_id(change_id))
    for _ in range(100):
        if (await handle.describe()).run_id != old_run:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the workflow did not continue as new")


async def test_adopt_closes_the_workflow_and_later_commands_are_refused(
    commands: ChangeService, team: Team, temporal_client: Client
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    await to_act_gate(commands, created.change_id, team)
    adopted = DecisionRequest(outcome=ActOutcome.ADOPT)
    result = await commands.decide(created.change_id, team.owner, adopted, key=None)
    assert result.status == "completed"
    handle = temporal_client.get_workflow_handle(workflow_id(created.change_id))
    outcome = await handle.result()
    assert outcome["status"] == "completed"
    late = WithdrawRequest(reason="too late")
    with pytest.raises(errors.ChangeClosed):
        await commands.withdraw(created.change_id, team.proposer, late, key=None)


async def test_search_attributes_say_where_the_change_waits(
    commands: ChangeService, team: Team, temporal_client: Client
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    await commands.submit(created.change_id, team.proposer, work("intent"), key=None)
    handle = temporal_client.get_workflow_handle(workflow_id(created.change_id))
    described = await handle.describe()
    attributes = described.typed_search_attributes
    assert attributes.get(search_attributes.STAGE) == "intent"
    assert attributes.get(search_attributes.STATUS) == "active"
    assert sorted(attributes.get(search_attributes.WAITING_ON) or []) == [
        "digital",
        "operations",
        "policy",
    ]
    query = f"WorkflowId = '{workflow_id(created.change_id)}' AND ThroughlineStage = 'intent'"
    for _ in range(50):
        listed = [w.id async for w in temporal_client.list_workflows(query)]
        if listed:
            break
        await asyncio.sleep(0.2)
    assert listed == [workflow_id(created.change_id)]
