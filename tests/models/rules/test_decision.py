"""Who may decide at the act gate, and what each outcome needs: models/rules/decision.py."""

from __future__ import annotations

from datetime import date

import pytest

from models import errors
from models.change import ChangeState
from models.commands import CloseCondition, ConditionInput, Decide
from models.gate import ActOutcome, Decision
from models.roles import Role
from models.transitions.conditions import apply_close_condition
from models.transitions.decision import apply_decide
from tests.factories import (
    OWNER,
    T0,
    authority,
    decide,
    evidence,
    fresh_state,
    later,
    pass_gate,
    record_all_measurements,
    sign,
    submit,
)

DUE = date(2026, 4, 1)


def _condition(owner: str = "ops-b") -> ConditionInput:
    return ConditionInput(description="Brief the call centre", owner=owner, due=DUE)


def _close(state: ChangeState, person: str = "ops-b", condition_id: str | None = None) -> None:
    cid = condition_id or state.conditions[0].id
    cmd = CloseCondition(
        actor=person, condition_id=cid, note="briefing held", evidence=[evidence("briefing")]
    )
    apply_close_condition(state, cmd, authority(person), T0)


def test_adopting_is_refused_while_a_condition_is_open() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    record_all_measurements(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    sign(
        state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[_condition()]
    )
    assert state.stage == "act"
    adopt = Decide(actor=OWNER, outcome=ActOutcome.ADOPT)
    with pytest.raises(errors.ConditionsOpen, match="Brief the call centre"):
        apply_decide(state, adopt, authority(OWNER), T0)
    _close(state)
    apply_decide(state, adopt, authority(OWNER), T0)
    assert state.status == "completed"


def test_adapt_may_restart_at_intent_but_nowhere_else() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.RejectTargetNotAllowed, match="design, intent"):
        decide(state, ActOutcome.ADAPT, comment="x", restart_at="check")
    decide(state, ActOutcome.ADAPT, comment="rethink", restart_at="intent")
    assert (state.iteration, state.stage) == (2, "intent")


@pytest.mark.parametrize("outcome", [ActOutcome.ADAPT, ActOutcome.ABANDON])
def test_adapt_and_abandon_need_a_comment(outcome: ActOutcome) -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.CommentRequired):
        decide(state, outcome)


def test_only_the_named_service_owner_decides() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.NotEligible, match="service owner"):
        apply_decide(
            state, Decide(actor="pol-a", outcome=ActOutcome.ADOPT), authority("pol-a"), later(1)
        )


def test_decision_before_the_act_gate_is_refused() -> None:
    state = fresh_state()
    with pytest.raises(errors.WrongStage, match="act gate"):
        decide(state, ActOutcome.ADOPT)
