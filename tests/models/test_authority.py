"""Rule 2: delegation. A delegate signs acting for a holder, within a bounded period."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import errors
from models.authority import Authorities, Authority, DelegationGrant
from models.change import ChangeState
from models.read.events import describe_event
from models.roles import Role
from models.rules.quorum import counted_approvers
from models.transitions.completion import complete_gate
from models.transitions.sign_off import apply_sign_off
from tests.factories import T0, fresh_state, later, sign_command, submit

DEPUTY = "deputy"


def grant(**overrides: object) -> DelegationGrant:
    data: dict[str, object] = {
        "id": 1,
        "delegator": "pol-a",
        "delegate": DEPUTY,
        "role": Role.POLICY,
        "starts_at": T0 - timedelta(days=1),
        "ends_at": T0 + timedelta(days=2),
    }
    data.update(overrides)
    return DelegationGrant.model_validate(data)


def directory(
    *grants: DelegationGrant, holder_roles: tuple[Role, ...] = (Role.POLICY,)
) -> Authorities:
    people = {
        "pol-a": Authority(person="pol-a", active=True, roles=list(holder_roles)),
        "pol-b": Authority(person="pol-b", active=True, roles=[Role.POLICY]),
        "ops-a": Authority(person="ops-a", active=True, roles=[Role.OPERATIONS]),
        "ops-b": Authority(person="ops-b", active=True, roles=[Role.OPERATIONS]),
        "dig-lead": Authority(person="dig-lead", active=True, roles=[Role.DIGITAL]),
        DEPUTY: Authority(person=DEPUTY, active=True, roles=[], delegations=list(grants)),
    }
    return Authorities(as_of=T0, by_person=people)


def _in_review() -> ChangeState:
    state = fresh_state()
    submit(state)
    return state


def test_a_delegate_counts_as_the_holder() -> None:
    state = _in_review()
    cmd = sign_command(state, DEPUTY, Role.POLICY, acting_for="pol-a")
    events = apply_sign_off(state, cmd, directory(grant()), T0)
    assert counted_approvers(state.gate)[Role.POLICY] == ["pol-a"]
    assert events[0].actor == DEPUTY
    assert events[0].payload["acting_for"] == "pol-a"
    assert describe_event(events[0]).startswith("deputy (policy) acting for pol-a")


@pytest.mark.parametrize(
    ("delegation", "message"),
    [
        (grant(ends_at=T0 - timedelta(minutes=1)), "expired at"),
        (grant(revoked_at=T0 - timedelta(minutes=1)), "was revoked at"),
        (grant(starts_at=T0 + timedelta(hours=1)), "starts at"),
        (grant(role=Role.OPERATIONS), "has not delegated the policy role"),
        (grant(delegator="pol-b"), "has not delegated"),
        (grant(change_id="another-change"), "has not delegated"),
    ],
)
def test_delegations_not_in_force_are_refused(delegation: DelegationGrant, message: str) -> None:
    state = _in_review()
    cmd = sign_command(state, DEPUTY, Role.POLICY, acting_for="pol-a")
    with pytest.raises(errors.DelegationNotActive, match=message):
        apply_sign_off(state, cmd, directory(delegation), T0)


def test_a_holder_who_lost_the_role_cannot_be_acted_for() -> None:
    state = _in_review()
    cmd = sign_command(state, DEPUTY, Role.POLICY, acting_for="pol-a")
    with pytest.raises(errors.DelegationNotActive, match="no longer holds the policy role"):
        apply_sign_off(state, cmd, directory(grant(), holder_roles=()), T0)


def test_holder_and_delegate_count_once_between_them() -> None:
    state = _in_review()
    apply_sign_off(
        state, sign_command(state, DEPUTY, Role.POLICY, acting_for="pol-a"), directory(grant()), T0
    )
    with pytest.raises(errors.AlreadySigned):
        apply_sign_off(state, sign_command(state, "pol-a", Role.POLICY), directory(grant()), T0)


def test_a_delegate_is_not_counted_in_a_second_role_at_one_gate() -> None:
    state = _in_review()
    ops_grant = grant(id=2, delegator="ops-a", role=Role.OPERATIONS)
    found = directory(grant(), ops_grant)
    apply_sign_off(state, sign_command(state, DEPUTY, Role.POLICY, acting_for="pol-a"), found, T0)
    second = sign_command(state, DEPUTY, Role.OPERATIONS, acting_for="ops-a")
    with pytest.raises(errors.OneRolePerGate):
        apply_sign_off(state, second, found, T0)


def test_the_holder_must_be_named_on_the_change() -> None:
    state = _in_review()
    cmd = sign_command(state, "pol-a", Role.POLICY, acting_for="stranger")
    with pytest.raises(errors.NotEligible, match="stranger is not named for the policy role"):
        apply_sign_off(state, cmd, directory(), T0)


def test_acting_for_yourself_is_refused() -> None:
    state = _in_review()
    cmd = sign_command(state, "pol-a", Role.POLICY, acting_for="pol-a")
    with pytest.raises(errors.InvalidRequest, match="names yourself"):
        apply_sign_off(state, cmd, directory(), T0)


def test_an_expired_delegation_lapses_when_the_quorum_would_complete() -> None:
    state = _in_review()
    short = grant(ends_at=later(30))
    apply_sign_off(
        state, sign_command(state, DEPUTY, Role.POLICY, acting_for="pol-a"), directory(short), T0
    )
    for person, role in [("dig-lead", Role.DIGITAL), ("ops-a", Role.OPERATIONS)]:
        apply_sign_off(state, sign_command(state, person, role), directory(short), T0)
    after_expiry = directory(short).model_copy(update={"as_of": later(60)})
    events = complete_gate(state, later(60), "ops-a", Role.OPERATIONS, after_expiry)
    assert [e.kind for e in events] == ["approval_lapsed"]
    assert state.stage == "intent"
    assert "expired at" in (state.gate.signoffs[0].not_counted_reason or "")
