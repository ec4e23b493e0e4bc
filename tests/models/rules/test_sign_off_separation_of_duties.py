"""Rule 1: separation of duties across stages."""

from __future__ import annotations

import pytest

from models import errors
from models.change import ChangeState
from models.gate import Decision, GateStatus
from models.roles import Role
from tests.factories import PROPOSER, fresh_state, pass_gate, sign, submit


def _at_design_with_policy_approver_named_for_digital() -> ChangeState:
    state = fresh_state()
    state.intake.people.digital.append("pol-a")
    pass_gate(state)
    submit(state)
    return state


def test_approver_of_a_gate_cannot_approve_the_next_in_another_role() -> None:
    state = _at_design_with_policy_approver_named_for_digital()
    with pytest.raises(errors.CrossStageSeparation, match="separation of duties across stages"):
        sign(state, "pol-a", Role.DIGITAL)


def test_the_same_role_at_the_next_gate_is_fine() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    assert state.gate.signoffs[-1].counts


def test_asking_for_changes_in_another_role_is_not_an_approval() -> None:
    state = _at_design_with_policy_approver_named_for_digital()
    sign(state, "pol-a", Role.DIGITAL, Decision.REQUEST_CHANGES, comment="needs a data flow")
    assert state.gate.status is GateStatus.CHANGES_REQUESTED


def test_the_proposer_cannot_sign_the_intent_gate_at_all() -> None:
    state = fresh_state()
    state.intake.people.policy.append(PROPOSER)
    submit(state, actor="dig-lead")
    with pytest.raises(errors.ProposerSeparation, match="proposed this change"):
        sign(state, PROPOSER, Role.POLICY)
    with pytest.raises(errors.ProposerSeparation):
        sign(state, PROPOSER, Role.POLICY, Decision.REQUEST_CHANGES, comment="hmm")


def test_the_proposer_may_sign_later_gates() -> None:
    state = fresh_state()
    state.intake.people.policy.append(PROPOSER)
    pass_gate(state)
    submit(state, actor="dig-lead")
    sign(state, PROPOSER, Role.POLICY)
    assert state.gate.signoffs[-1].person == PROPOSER


def test_version_1_playbooks_do_not_apply_the_rule() -> None:
    state = fresh_state(version=1)
    state.intake.people.digital.append("pol-a")
    state.intake.people.policy.append(PROPOSER)
    submit(state, actor="dig-lead")
    sign(state, PROPOSER, Role.POLICY)
    sign(state, "pol-b", Role.POLICY, Decision.REQUEST_CHANGES, comment="x")
    submit(state, text="again")
    for role, person in [
        (Role.POLICY, "pol-a"),
        (Role.DIGITAL, "dig-b"),
        (Role.OPERATIONS, "ops-a"),
    ]:
        sign(state, person, role)
    submit(state)
    sign(state, "pol-a", Role.DIGITAL)
    assert state.gate.signoffs[-1].counts
