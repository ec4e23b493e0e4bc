"""Scenarios for the paths added since the governance rules: a gate held by a condition
and handed to its owner, keyed commands sent at once, a new cycle that clears its run's
search attributes, the directory workflow with every kind of event, a sign-off chased
on a clock the recorder moves, and playbook versions published through the directory."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from api.playbook_examples import PLAYBOOK
from models.commands import CloseConditionRequest, ConditionInput, DecisionRequest, SignOffRequest
from models.directory.commands import DelegationRequest, NewPerson
from models.directory.state import OPERATOR
from models.gate import ActOutcome, Decision
from models.playbook import Playbook
from models.roles import Role
from tests.factories import Team
from tests.workflows.helpers import SIGNING, adapt, approve, pass_current_gate, work
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.tokens import KeyRing, issue_token


async def drive_waiting(commands: ChangeService, team: Team) -> str:
    change_id = (await commands.propose(team.intake(), team.proposer, key="waiting")).change_id
    condition = await _intent_with_a_condition(commands, change_id, team)
    design = await commands.submit(change_id, team.proposer, work("design"), key="design")
    revision = design.gate.revision or 0
    # Keyed sign-offs at once: a receipt whose events another batch carried still gets
    # a projection of its own.
    await asyncio.gather(
        *[
            commands.sign_off(change_id, team.signer(role), approve(revision, role), f"d-{role}")
            for role in SIGNING
        ]
    )
    closure = CloseConditionRequest.model_validate(
        {
            "note": "done",
            "evidence": [{"title": "brief", "uri": "https://x.test/b", "content": "b"}],
        }
    )
    owner = team.signer(Role.OPERATIONS, 1)
    await commands.close_condition(change_id, owner, condition, closure, key="close")
    for stage in ["delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, adapt(), key="adapt")
    for stage in ["design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, DecisionRequest(outcome=ActOutcome.ADOPT), None)
    return change_id


async def _intent_with_a_condition(commands: ChangeService, change_id: str, team: Team) -> str:
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    for role in [Role.POLICY, Role.DIGITAL]:
        await commands.sign_off(change_id, team.signer(role), approve(1, role), None)
    amber = SignOffRequest(
        role=Role.OPERATIONS,
        decision=Decision.APPROVE_WITH_CONDITIONS,
        revision=1,
        conditions=[
            ConditionInput(
                description="Brief the call centre",
                owner=team.signer(Role.OPERATIONS, 1),
                due=date(2099, 1, 1),
            )
        ],
    )
    passed = await commands.sign_off(change_id, team.signer(Role.OPERATIONS), amber, None)
    assert passed.closed_gate is not None
    return passed.closed_gate.conditions[0].id


async def drive_directory(directory: DirectoryService, team: Team, secret: str) -> None:
    """Every kind of directory event, a delegation's end among them."""
    newcomer, deputy = f"newcomer-{team.suffix}", f"stand-in-{team.suffix}"
    await directory.add_people(OPERATOR, [NewPerson(name="Newcomer", id=newcomer)])
    await directory.add_people(team.admin, [NewPerson(name="Deputy", id=deputy)])
    await directory.change_role(team.admin, newcomer, Role.POLICY, grant=True)
    await directory.change_role(team.admin, newcomer, Role.POLICY, grant=False)
    await directory.set_active(team.admin, newcomer, active=False)
    await directory.set_active(team.admin, newcomer, active=True)
    holder = team.signer(Role.POLICY)
    soon = datetime.now(UTC) + timedelta(seconds=3)
    await directory.delegate(
        holder, DelegationRequest(delegate=deputy, role=Role.POLICY, ends_at=soon)
    )
    later = datetime.now(UTC) + timedelta(days=5)
    kept = await directory.delegate(
        holder, DelegationRequest(delegate=deputy, role=Role.POLICY, ends_at=later), key="keep"
    )
    assert kept.delegation is not None
    await directory.revoke_delegation(holder, kept.delegation.id)
    token = issue_token(team.proposer, KeyRing.of(secret), timedelta(hours=1)).token
    await directory.revoke_token(team.proposer, token)
    await directory.revoke_tokens(team.admin, team.proposer)
    await asyncio.sleep(4)


async def drive_chase(
    commands: ChangeService, team: Team, forward: Callable[[str, int], Awaitable[None]]
) -> str:
    """A sign-off left waiting: reminded, overdue, escalated to the service owner; then
    signed, so the escalation settles and the next stage's turn gets a due time."""
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    await forward(change_id, 14)
    for role in SIGNING:
        await commands.sign_off(change_id, team.signer(role), approve(1, role), None)
    return change_id


async def drive_playbooks(directory: DirectoryService, team: Team) -> None:
    """A playbook's first version, the same again (no event), and a keyed second version
    with a larger policy quorum."""
    name = f"custom-{team.suffix}"
    first = Playbook.model_validate({**copy.deepcopy(PLAYBOOK), "name": name})
    await directory.publish_playbook(team.admin, first)
    assert not (await directory.publish_playbook(team.admin, first)).changed
    second = first.model_copy(deep=True, update={"version": 2})
    second.stages[0].gate.quorum[Role.POLICY] = 3
    await directory.publish_playbook(OPERATOR, second, key="second")
