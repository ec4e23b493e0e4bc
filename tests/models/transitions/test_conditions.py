"""Conditions raised, held, closed and withdrawn: models/transitions/conditions.py."""

from __future__ import annotations

from datetime import date

from models.change import ChangeState
from models.commands import Challenge, CloseCondition, ConditionInput, ResolveChallenge, Withdraw
from models.condition import ConditionStatus
from models.gate import Decision
from models.read.views import describe_change, describe_gate
from models.rejection import ChallengeOutcome
from models.roles import Role
from models.transitions.challenges import apply_challenge, apply_resolve
from models.transitions.completion import complete_gate
from models.transitions.conditions import apply_close_condition
from models.transitions.withdrawal import apply_withdraw
from tests.factories import (
    OWNER,
    PROPOSER,
    T0,
    authority,
    everyone_at,
    evidence,
    fresh_state,
    pass_gate,
    sign,
    submit,
)

DUE = date(2026, 4, 1)


def _condition(owner: str = "ops-b") -> ConditionInput:
    return ConditionInput(description="Brief the call centre", owner=owner, due=DUE)


def _amber_intent() -> ChangeState:
    state = fresh_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    sign(
        state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[_condition()]
    )
    return state


def _close(state: ChangeState, person: str = "ops-b", condition_id: str | None = None) -> None:
    cid = condition_id or state.conditions[0].id
    cmd = CloseCondition(
        actor=person, condition_id=cid, note="briefing held", evidence=[evidence("briefing")]
    )
    apply_close_condition(state, cmd, authority(person), T0)


def test_a_gate_passes_with_its_own_conditions_open() -> None:
    state = _amber_intent()
    assert state.stage == "design"
    [condition] = state.conditions
    assert (condition.status, condition.binding, condition.owner) == (
        ConditionStatus.OPEN,
        True,
        "ops-b",
    )


def test_the_next_gate_waits_for_an_open_condition_then_passes_once_it_closes() -> None:
    state = _amber_intent()
    pass_gate(state)
    assert state.stage == "design"
    unmet = describe_gate(state, state.gate).unmet
    assert any("Brief the call centre" in line and "owner ops-b" in line for line in unmet)
    _close(state)
    complete_gate(state, T0, "ops-b", None, everyone_at(T0))
    assert state.stage == "delivery"


def test_conditions_of_an_approval_that_stopped_counting_are_withdrawn() -> None:
    state = fresh_state()
    submit(state)
    sign(
        state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[_condition()]
    )
    submit(state, text="reworked")
    for person, role in [
        ("pol-a", Role.POLICY),
        ("dig-lead", Role.DIGITAL),
        ("ops-a", Role.OPERATIONS),
    ]:
        sign(state, person, role)
    assert state.stage == "design"
    assert state.conditions[0].status is ConditionStatus.WITHDRAWN


def test_open_conditions_are_listed_on_the_change() -> None:
    state = _amber_intent()
    view = describe_change(state, T0)
    assert [c.description for c in view.conditions] == ["Brief the call centre"]


def test_conditions_are_withdrawn_when_the_change_closes() -> None:
    state = _amber_intent()
    apply_withdraw(state, Withdraw(actor=PROPOSER, reason="stop"), authority(PROPOSER), T0)
    assert [c.status for c in state.conditions] == [ConditionStatus.WITHDRAWN]
    assert state.open_conditions() == []


def test_conditions_raised_at_a_gate_a_challenge_withdraws_are_withdrawn_with_it() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state, text="design")
    sign(state, "pol-a", Role.POLICY)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="no", reject_to="intent")
    submit(state, text="intent again")
    sign(
        state, "ops-b", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[_condition()]
    )
    apply_challenge(state, Challenge(actor=PROPOSER, reason="x"), authority(PROPOSER), T0)
    overturn = ResolveChallenge(actor=OWNER, outcome=ChallengeOutcome.OVERTURN, comment="yes")
    apply_resolve(state, overturn, authority(OWNER), T0)
    assert state.gate.id == "1.design.1"
    assert [c.status for c in state.conditions] == [ConditionStatus.WITHDRAWN]
