"""Who may close a condition: models/rules/conditions.py."""

from __future__ import annotations

from datetime import date

import pytest

from models import errors
from models.change import ChangeState
from models.commands import CloseCondition, ConditionInput
from models.gate import Decision
from models.roles import Role
from models.transitions.conditions import apply_close_condition
from tests.factories import T0, authority, evidence, fresh_state, sign, submit

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


def test_only_the_owner_closes_a_condition_and_only_once() -> None:
    state = _amber_intent()
    with pytest.raises(errors.NotConditionOwner, match="only the condition's owner, ops-b"):
        _close(state, person="ops-a")
    _close(state)
    with pytest.raises(errors.ConditionClosed):
        _close(state)
    with pytest.raises(errors.ConditionNotFound):
        _close(state, condition_id="c999-1")
