"""What a person is offered at a sign-off, and why the rest is not: models/read/options.py."""

from __future__ import annotations

from datetime import timedelta

from models.authority import Authorities, Authority, DelegationGrant
from models.change import ChangeState
from models.gate import Decision
from models.read.options import DecisionOption, RoleOption, SignOffOptions, sign_off_options
from models.roles import Role
from tests.factories import T0, everyone_at, fresh_state, pass_gate, sign, submit


def _holding(person: str, *roles: Role, grants: list[DelegationGrant] | None = None) -> Authorities:
    """Everyone holds every signing role, except this person, who holds only these."""
    found = Authority(person=person, active=True, roles=list(roles), delegations=grants or [])
    return everyone_at(T0, **{person: found})


def _options(
    state: ChangeState, person: str, *roles: Role, grants: list[DelegationGrant] | None = None
) -> SignOffOptions:
    return sign_off_options(state, person, _holding(person, *roles, grants=grants), T0)


def _role(options: SignOffOptions, role: Role, acting_for: str | None = None) -> RoleOption:
    return next(r for r in options.roles if (r.role, r.acting_for) == (role, acting_for))


def _decision(option: RoleOption, decision: Decision) -> DecisionOption:
    return next(d for d in option.decisions if d.decision is decision)


def _offered(option: RoleOption) -> set[Decision]:
    return {d.decision for d in option.decisions if d.offered}


def _grant(holder: str, role: Role, days: int = 5) -> DelegationGrant:
    return DelegationGrant(
        id=1,
        delegator=holder,
        delegate="deputy",
        role=role,
        starts_at=T0 - timedelta(days=1),
        ends_at=T0 + timedelta(days=days),
    )


def test_a_submitter_may_send_back_but_not_approve_in_the_rules_words() -> None:
    state = fresh_state()
    revision = submit(state, actor="dig-lead")
    options = _options(state, "dig-lead", Role.DIGITAL)
    assert (options.to_sign, options.may_sign, options.revision) == (True, True, revision)
    digital = _role(options, Role.DIGITAL)
    assert _offered(digital) == {Decision.REQUEST_CHANGES, Decision.REJECT}
    approve = _decision(digital, Decision.APPROVE)
    assert approve.reason == f"dig-lead submitted revision {revision} and cannot approve it"
    assert _decision(digital, Decision.APPROVE_WITH_CONDITIONS).reason == approve.reason


def test_a_signer_who_signed_is_offered_nothing_and_told_why() -> None:
    state = fresh_state()
    revision = submit(state)
    sign(state, "pol-a", Role.POLICY)
    options = _options(state, "pol-a", Role.POLICY)
    assert [r.role for r in options.roles] == [Role.POLICY]
    assert _offered(options.roles[0]) == set()
    assert options.roles[0].reason == f"pol-a already signed revision {revision}"
    assert (options.may_sign, options.reason) == (False, options.roles[0].reason)


def test_a_person_with_no_signing_role_hears_each_roles_rule() -> None:
    state = fresh_state()
    submit(state)
    options = _options(state, "visitor", Role.AUDITOR)
    assert [r.role for r in options.roles] == [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]
    assert not options.may_sign
    assert options.roles[0].reason == "visitor is not named for the policy role on this change"
    assert options.reason is not None
    assert "visitor is not named for the operations role" in options.reason


def test_a_role_the_gate_does_not_need_says_which_it_does() -> None:
    state = fresh_state()
    submit(state)
    options = _options(state, "owner", Role.SERVICE_OWNER)
    assert options.reason == (
        "gate 'intent agreed' needs sign-off from policy, digital, operations, not service_owner"
    )


def test_a_named_person_without_the_role_in_the_directory_is_told_so() -> None:
    state = fresh_state()
    submit(state)
    options = _options(state, "pol-b")
    assert options.reason == "pol-b does not hold the policy role in the directory"


def test_a_delegate_may_sign_for_the_holder() -> None:
    state = fresh_state()
    submit(state)
    options = _options(state, "deputy", grants=[_grant("pol-b", Role.POLICY)])
    assert [(r.role, r.acting_for) for r in options.roles] == [(Role.POLICY, "pol-b")]
    assert _offered(_role(options, Role.POLICY, "pol-b")) == set(Decision)
    assert options.may_sign


def test_a_delegate_for_a_holder_who_signed_is_told_the_holder_did() -> None:
    state = fresh_state()
    revision = submit(state)
    sign(state, "pol-a", Role.POLICY)
    options = _options(state, "deputy", grants=[_grant("pol-a", Role.POLICY)])
    assert options.reason == f"pol-a already signed revision {revision}"


def test_a_delegation_no_longer_in_force_offers_no_role() -> None:
    state = fresh_state()
    submit(state)
    lapsed = _grant("pol-b", Role.POLICY, days=-1)
    options = _options(state, "deputy", grants=[lapsed])
    assert (Role.POLICY, "pol-b") not in [(r.role, r.acting_for) for r in options.roles]
    assert not options.may_sign


def test_a_gate_waiting_for_a_submission_offers_nothing() -> None:
    state = fresh_state()
    options = _options(state, "pol-a", Role.POLICY)
    assert (options.to_sign, options.may_sign, options.revision) == (False, False, None)
    assert options.roles == []
    assert options.reason == (
        "gate 'intent agreed' is awaiting_submission: it waits for a new revision from the team"
    )


def test_a_gate_sent_back_waits_for_the_new_revision() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REQUEST_CHANGES, comment="a gap")
    options = _options(state, "ops-a", Role.OPERATIONS)
    assert options.reason is not None
    assert "is changes_requested: it waits for a new revision" in options.reason


def test_reject_lists_the_gates_own_targets() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state, text="design")
    reject = _decision(
        _role(_options(state, "ops-b", Role.OPERATIONS), Role.OPERATIONS), Decision.REJECT
    )
    assert [(t.value, t.offered) for t in reject.reject_to] == [
        ("design", True),
        ("intent", True),
    ]
    assert state.gate.reject_to == ["design", "intent"]


def test_reject_is_not_offered_by_a_gate_with_nowhere_to_return_to() -> None:
    state = fresh_state()
    submit(state)
    state.gate.reject_to = []
    reject = _decision(
        _role(_options(state, "ops-b", Role.OPERATIONS), Role.OPERATIONS), Decision.REJECT
    )
    assert (reject.offered, reject.reject_to) == (False, [])
    assert reject.reason == "a reject must name the stage to return to: none"


def test_reject_targets_are_refused_with_the_signers_reason() -> None:
    state = fresh_state()
    revision = submit(state)
    sign(state, "ops-a", Role.OPERATIONS)
    reject = _decision(
        _role(_options(state, "ops-a", Role.OPERATIONS), Role.OPERATIONS), Decision.REJECT
    )
    assert {t.value for t in reject.reject_to} == {"intent", "close"}
    assert {t.reason for t in reject.reject_to} == {f"ops-a already signed revision {revision}"}


def test_the_act_gate_takes_no_sign_off() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    options = _options(state, "owner", Role.SERVICE_OWNER)
    assert (options.to_sign, options.roles) == (False, [])
    assert options.reason == (
        "gate 'adopt, adapt or abandon' takes the service owner's decision, not sign-offs"
    )


def test_a_closed_change_says_it_is_closed() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="no", reject_to="close")
    options = _options(state, "pol-a", Role.POLICY)
    assert options.reason == "the change is rejected and accepts no further commands"
