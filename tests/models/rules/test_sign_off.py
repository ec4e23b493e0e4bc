"""Who may sign off, on which revision and with what: models/rules/sign_off.py."""

from __future__ import annotations

from datetime import date

import pytest

from models import errors
from models.authority import Authority
from models.commands import ConditionInput
from models.gate import Decision, GateStatus
from models.roles import Role
from models.rules.sign_off import check_sign_off
from models.transitions.sign_off import apply_sign_off
from tests.factories import (
    OWNER,
    SIGNERS,
    T0,
    authority,
    everyone_at,
    fresh_state,
    pass_gate,
    sign,
    sign_command,
    submit,
)

DUE = date(2026, 4, 1)


def _condition(owner: str = "ops-b") -> ConditionInput:
    return ConditionInput(description="Brief the call centre", owner=owner, due=DUE)


def test_submitter_cannot_approve_own_revision() -> None:
    state = fresh_state()
    submit(state, actor="dig-lead")
    with pytest.raises(errors.SeparationOfDuties, match="cannot approve"):
        sign(state, "dig-lead", Role.DIGITAL)


def test_submitter_may_still_request_changes_on_own_revision() -> None:
    state = fresh_state()
    submit(state, actor="dig-lead")
    sign(state, "dig-lead", Role.DIGITAL, Decision.REQUEST_CHANGES, comment="found a gap")
    assert state.gate.status is GateStatus.CHANGES_REQUESTED


@pytest.mark.parametrize("decision", [Decision.REQUEST_CHANGES, Decision.REJECT])
def test_comment_required_for_request_changes_and_reject(decision: Decision) -> None:
    state = fresh_state()
    submit(state)
    reject_to = "intent" if decision is Decision.REJECT else None
    with pytest.raises(errors.CommentRequired):
        sign(state, "pol-a", Role.POLICY, decision, reject_to=reject_to)


def test_reject_must_name_an_allowed_stage() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state)
    with pytest.raises(errors.RejectTargetNotAllowed, match="may reject back to design, intent"):
        sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="no", reject_to="check")
    with pytest.raises(errors.RejectTargetNotAllowed, match="must name the stage"):
        sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="no")


def test_reject_to_is_refused_on_other_decisions() -> None:
    state = fresh_state()
    submit(state)
    with pytest.raises(errors.InvalidRequest, match="only for a reject"):
        sign(state, "pol-a", Role.POLICY, reject_to="intent")


def test_closed_gate_refuses_further_decisions() -> None:
    state = fresh_state()
    submit(state)
    revision = state.gate.revision
    for role, person in SIGNERS.items():
        sign(state, person, role)
    with pytest.raises(errors.GateClosed, match="now closed"):
        sign(state, "pol-b", Role.POLICY, revision=revision)


def test_unknown_revision_is_refused() -> None:
    state = fresh_state()
    submit(state)
    with pytest.raises(errors.UnknownRevision):
        sign(state, "pol-a", Role.POLICY, revision=99)


def test_no_decisions_while_changes_are_requested() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REQUEST_CHANGES, comment="add costs")
    with pytest.raises(errors.GateNotInReview, match="waits for a new revision"):
        sign(state, "ops-a", Role.OPERATIONS)


def test_role_not_on_the_gate_is_refused() -> None:
    state = fresh_state()
    submit(state)
    with pytest.raises(errors.RoleNotRequired):
        sign(state, OWNER, Role.SERVICE_OWNER)


def test_only_named_people_may_sign() -> None:
    state = fresh_state()
    submit(state)
    with pytest.raises(errors.NotEligible, match="not named for the policy role"):
        sign(state, "stranger", Role.POLICY)


def test_directory_must_still_grant_the_role_when_signing() -> None:
    state = fresh_state()
    submit(state)
    revoked = everyone_at(T0, **{"pol-a": Authority(person="pol-a", active=True, roles=[])})
    cmd = sign_command(state, "pol-a", Role.POLICY)
    with pytest.raises(errors.NotEligible, match="does not hold the policy role"):
        apply_sign_off(state, cmd, revoked, state.updated_at)
    assert state.gate.signoffs == []


def test_inactive_person_is_refused() -> None:
    state = fresh_state()
    submit(state)
    gone = everyone_at(
        T0, **{"pol-a": Authority(person="pol-a", active=False, roles=[Role.POLICY])}
    )
    with pytest.raises(errors.NotEligible, match="not an active person"):
        apply_sign_off(state, sign_command(state, "pol-a", Role.POLICY), gone, state.updated_at)


def test_refused_command_leaves_state_untouched() -> None:
    state = fresh_state()
    submit(state, actor="dig-lead")
    before = state.model_dump()
    cmd = sign_command(state, "dig-lead", Role.DIGITAL)
    with pytest.raises(errors.SeparationOfDuties):
        apply_sign_off(state, cmd, authority("dig-lead"), state.updated_at)
    assert state.model_dump() == before


def test_approve_with_conditions_needs_conditions_and_only_it_takes_them() -> None:
    state = fresh_state()
    submit(state)
    with pytest.raises(errors.ConditionsRequired):
        sign(state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS)
    with pytest.raises(errors.InvalidRequest, match="only for an approve_with_conditions"):
        sign(state, "ops-a", Role.OPERATIONS, conditions=[_condition()])


def test_a_condition_due_in_the_past_is_refused() -> None:
    state = fresh_state()
    submit(state)
    late = ConditionInput(description="too late", owner="ops-b", due=date(2020, 1, 1))
    with pytest.raises(errors.InvalidRequest, match="due date is in the past"):
        sign(state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[late])


def test_an_inactive_owner_cannot_be_given_a_condition() -> None:
    state = fresh_state()
    submit(state)
    gone = everyone_at(T0, **{"ops-b": Authority(person="ops-b", active=False)})
    cmd = sign_command(
        state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[_condition()]
    )
    with pytest.raises(errors.NotEligible, match="condition owner ops-b is not an active person"):
        apply_sign_off(state, cmd, gone, T0)


def test_an_assessor_of_the_change_does_not_sign_it_even_for_someone_else() -> None:
    state = fresh_state()
    state.intake.people.assessor.append("pol-b")
    submit(state)
    with pytest.raises(errors.SeparationOfDuties, match="pol-b sits on this change's assessment"):
        check_sign_off(state, sign_command(state, "pol-b", Role.POLICY))
    with pytest.raises(errors.SeparationOfDuties, match="pol-b sits on this change's assessment"):
        check_sign_off(state, sign_command(state, "deputy", Role.POLICY, acting_for="pol-b"))
