"""Whether a gate has its quorum: models/rules/quorum.py."""

from __future__ import annotations

import pytest

from models import errors
from models.gate import GateStatus
from models.roles import Role
from models.rules.quorum import quorum_met, unmet_roles
from tests.factories import fresh_state, sign, submit


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
