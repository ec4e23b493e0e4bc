"""Every gate rule, and every refusal with its distinct typed reason."""

from __future__ import annotations

import pytest

from models import errors
from models.authority import Authority
from models.commands import SubmitWork, Withdraw
from models.gate import Decision, GateStatus
from models.roles import Role
from models.rules.quorum import quorum_met, unmet_roles
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from models.transitions.withdrawal import apply_withdraw
from tests.factories import (
    OWNER,
    PROPOSER,
    SIGNERS,
    T0,
    authority,
    everyone_at,
    evidence,
    fresh_state,
    pass_gate,
    sign,
    sign_command,
    submit,
)


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


def test_reject_sends_the_change_back_to_an_earlier_stage() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="intent unclear", reject_to="intent")
    assert state.stage == "intent"
    assert state.gate.id == "1.intent.2"
    assert state.gate.status is GateStatus.AWAITING_SUBMISSION
    assert state.past_gates[-1].status is GateStatus.REJECTED


def test_reject_to_close_closes_the_change() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="not viable", reject_to="close")
    assert state.status == "rejected"
    with pytest.raises(errors.ChangeClosed):
        submit(state)


def test_version_1_new_revision_supersedes_every_approval() -> None:
    state = fresh_state(version=1)
    first = submit(state)
    sign(state, "pol-a", Role.POLICY)
    second = submit(state, text="reworked")
    assert second == first + 1
    assert unmet_roles(state.gate) == {Role.POLICY: 1, Role.DIGITAL: 1, Role.OPERATIONS: 1}
    old = state.gate.signoffs[0]
    assert not old.counts
    assert old.not_counted_reason == f"superseded by revision {second}"
    with pytest.raises(errors.RevisionSuperseded, match=f"superseded by revision {second}"):
        sign(state, "dig-lead", Role.DIGITAL, revision=first)
    sign(state, "pol-a", Role.POLICY)
    assert unmet_roles(state.gate) == {Role.DIGITAL: 1, Role.OPERATIONS: 1}


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


def test_only_the_team_may_submit() -> None:
    state = fresh_state()
    cmd = SubmitWork(actor="ops-a", summary="not mine", evidence=[evidence()])
    with pytest.raises(errors.NotEligible, match="may submit work"):
        apply_submit(state, cmd, authority("ops-a"), state.updated_at)


def test_refused_command_leaves_state_untouched() -> None:
    state = fresh_state()
    submit(state, actor="dig-lead")
    before = state.model_dump()
    cmd = sign_command(state, "dig-lead", Role.DIGITAL)
    with pytest.raises(errors.SeparationOfDuties):
        apply_sign_off(state, cmd, authority("dig-lead"), state.updated_at)
    assert state.model_dump() == before


def test_withdraw_needs_a_permitted_person() -> None:
    state = fresh_state()
    with pytest.raises(errors.NotPermitted):
        apply_withdraw(
            state, Withdraw(actor="pol-a", reason="x"), authority("pol-a"), state.updated_at
        )
    apply_withdraw(
        state,
        Withdraw(actor=PROPOSER, reason="funding moved"),
        authority(PROPOSER),
        state.updated_at,
    )
    assert state.status == "withdrawn"
    assert state.open_handoff is None
    assert state.closing_comment == "funding moved"
