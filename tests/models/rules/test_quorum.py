"""Whether a gate has its quorum: models/rules/quorum.py."""

from __future__ import annotations

import pytest

from models import errors
from models.change import ChangeState
from models.condition import Condition, ConditionStatus
from models.gate import GateStatus
from models.intake import Prioritisation, RatedNote, Rating
from models.practice import GroundOverride, PrioritisationRecord
from models.roles import Role
from models.rules.quorum import gate_ready, held_by_conditions, quorum_met, unmet_roles
from tests.factories import T0, fresh_state, pass_gate, sign, submit


def test_gate_passes_only_when_every_role_quorum_is_met() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    assert state.stage == "intent"
    assert unmet_roles(state.gate) == {Role.OPERATIONS: 1}
    sign(state, "ops-a", Role.OPERATIONS)
    assert state.stage == "design"
    assert state.past_gates[-1].status is GateStatus.PASSED


def test_quorum_of_two_needs_two_distinct_people() -> None:
    state = fresh_state()
    state.gate.quorum[Role.POLICY] = 2
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    sign(state, "ops-a", Role.OPERATIONS)
    assert not quorum_met(state.gate)
    with pytest.raises(errors.AlreadySigned):
        sign(state, "pol-a", Role.POLICY)
    sign(state, "pol-b", Role.POLICY)
    assert state.stage == "design"


def test_one_person_counts_for_one_role_per_gate() -> None:
    state = fresh_state()
    state.intake.people.operations.append("pol-a")
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    with pytest.raises(errors.OneRolePerGate, match="one role per gate"):
        sign(state, "pol-a", Role.OPERATIONS)


def test_a_held_gate_does_not_pass_once_its_ground_is_no_longer_prepared() -> None:
    state = fresh_state(version=4)
    pass_gate(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    state.conditions.append(_open_condition_from_intent(state))
    sign(state, "ops-a", Role.OPERATIONS)
    assert held_by_conditions(state)
    low = RatedNote(rating=Rating.LOW, note="no researcher")
    high = RatedNote(rating=Rating.HIGH)
    rated = Prioritisation(senior_interest=high, operational_capacity=high, capability=low)
    state.prioritisation = PrioritisationRecord(assessment=rated, assessed_by="dev", assessed_at=T0)
    state.conditions[-1].status = ConditionStatus.CLOSED

    assert not gate_ready(state)
    assert state.stage == "design"
    state.ground_override = GroundOverride(
        reason="agreed", gate_name="design approved", missing=["capability"],
        overridden_by="owner", overridden_at=T0,
    )  # fmt: skip
    assert gate_ready(state)


def _open_condition_from_intent(state: ChangeState) -> Condition:
    intent = state.past_gates[-1]
    return Condition(
        id="c1-1", gate_id=intent.id, gate_name=intent.name, description="brief the call centre",
        owner="ops-b", due=T0.date(), raised_by="ops-a", raised_role=Role.OPERATIONS,
        raised_at=T0, binding=True,
    )  # fmt: skip
