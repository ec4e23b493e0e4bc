"""Who may change the directory, and how: every refusal, without Temporal or SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import errors
from models.directory.commands import (
    AddPeople,
    ChangeRole,
    Delegate,
    NewPerson,
    RevokeDelegation,
    RevokeToken,
    RevokeTokens,
    SetActive,
)
from models.directory.state import OPERATOR, DirectoryState
from models.directory.transitions import (
    apply_add_people,
    apply_change_role,
    apply_delegate,
    apply_revoke_delegation,
    apply_revoke_token,
    apply_revoke_tokens,
    apply_set_active,
    person_id_for,
)
from models.roles import Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def directory(**people: list[Role]) -> DirectoryState:
    state = DirectoryState(directory_id="directory-test")
    new = [NewPerson(name=pid, id=pid, roles=roles) for pid, roles in people.items()]
    apply_add_people(state, AddPeople(actor=OPERATOR, people=new), NOW)
    return state


def delegate(state: DirectoryState, holder: str, deputy: str, **extra: object) -> int:
    body = {"role": Role.POLICY, "ends_at": NOW + timedelta(days=2), **extra}
    cmd = Delegate.model_validate({"actor": holder, "delegate": deputy, **body})
    return apply_delegate(state, cmd, NOW)[1].id


def test_an_admin_cannot_grant_themself_a_role() -> None:
    state = directory(boss=[Role.ADMIN], other=[Role.ADMIN])
    with pytest.raises(errors.SelfGrant, match="another admin must"):
        apply_change_role(
            state, ChangeRole(actor="boss", person="boss", role=Role.POLICY, grant=True), NOW
        )
    apply_change_role(
        state, ChangeRole(actor="other", person="boss", role=Role.POLICY, grant=True), NOW
    )
    assert state.people["boss"].holds(Role.POLICY)


def test_the_last_active_admin_keeps_the_role_and_stays_active() -> None:
    state = directory(boss=[Role.ADMIN], clerk=[Role.POLICY])
    revoke = ChangeRole(actor=OPERATOR, person="boss", role=Role.ADMIN, grant=False)
    with pytest.raises(errors.LastAdmin, match="last active admin"):
        apply_change_role(state, revoke, NOW)
    with pytest.raises(errors.LastAdmin):
        apply_set_active(state, SetActive(actor=OPERATOR, person="boss", active=False), NOW)
    grant = ChangeRole(actor="boss", person="clerk", role=Role.ADMIN, grant=True)
    apply_change_role(state, grant, NOW)
    assert apply_change_role(state, revoke, NOW)
    assert state.active_admins() == ["clerk"]


def test_an_admin_cannot_deactivate_themself() -> None:
    state = directory(boss=[Role.ADMIN], other=[Role.ADMIN])
    with pytest.raises(errors.SelfGrant, match="cannot deactivate yourself"):
        apply_set_active(state, SetActive(actor="boss", person="boss", active=False), NOW)


def test_only_admins_and_the_operator_change_people() -> None:
    state = directory(clerk=[Role.POLICY])
    with pytest.raises(errors.NotPermitted, match="needs the admin role"):
        apply_set_active(state, SetActive(actor="clerk", person="clerk", active=False), NOW)
    add = AddPeople(actor="clerk", people=[NewPerson(name="New", id="new")])
    with pytest.raises(errors.NotPermitted):
        apply_add_people(state, add, NOW)


def test_people_are_added_once_and_unknown_people_are_404() -> None:
    state = directory(someone=[])
    again = AddPeople(actor=OPERATOR, people=[NewPerson(name="Someone", id="someone")])
    with pytest.raises(errors.AlreadyExists):
        apply_add_people(state, again, NOW)
    twice = AddPeople(
        actor=OPERATOR, people=[NewPerson(name="A", id="a"), NewPerson(name="B", id="a")]
    )
    with pytest.raises(errors.InvalidRequest, match="repeated: a"):
        apply_add_people(state, twice, NOW)
    with pytest.raises(errors.PersonNotFound):
        apply_change_role(
            state, ChangeRole(actor=OPERATOR, person="ghost", role=Role.POLICY, grant=True), NOW
        )


def test_granting_what_is_held_or_revoking_what_is_not_writes_nothing() -> None:
    state = directory(someone=[Role.POLICY])
    same = ChangeRole(actor=OPERATOR, person="someone", role=Role.POLICY, grant=True)
    absent = ChangeRole(actor=OPERATOR, person="someone", role=Role.DIGITAL, grant=False)
    assert apply_change_role(state, same, NOW) == []
    assert apply_change_role(state, absent, NOW) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ends_at": NOW + timedelta(days=91)}, "at most 90 days"),
        ({"starts_at": NOW + timedelta(days=3)}, "must be after starts_at"),
        (
            {"starts_at": NOW - timedelta(days=3), "ends_at": NOW - timedelta(days=1)},
            "in the future",
        ),
    ],
)
def test_a_delegation_period_is_bounded(extra: dict[str, object], message: str) -> None:
    state = directory(holder=[Role.POLICY], deputy=[])
    with pytest.raises(errors.InvalidRequest, match=message):
        delegate(state, "holder", "deputy", **extra)


def test_who_and_what_may_be_delegated() -> None:
    state = directory(holder=[Role.POLICY, Role.SERVICE_OWNER], deputy=[], gone=[])
    apply_set_active(state, SetActive(actor=OPERATOR, person="gone", active=False), NOW)
    with pytest.raises(errors.InvalidRequest, match="to yourself"):
        delegate(state, "holder", "holder")
    with pytest.raises(errors.DelegationNotAllowed, match="does not hold the digital role"):
        delegate(state, "holder", "deputy", role=Role.DIGITAL)
    with pytest.raises(errors.InvalidRequest, match="cannot be delegated"):
        delegate(state, "holder", "deputy", role=Role.SERVICE_OWNER)
    with pytest.raises(errors.PersonNotFound):
        delegate(state, "holder", "nobody")
    with pytest.raises(errors.InvalidRequest, match="not an active person"):
        delegate(state, "holder", "gone")


def test_a_delegate_cannot_delegate_further() -> None:
    state = directory(holder=[Role.POLICY], deputy=[], third=[])
    delegate(state, "holder", "deputy")
    with pytest.raises(errors.DelegationNotAllowed, match="cannot delegate further"):
        delegate(state, "deputy", "third")


def test_only_the_delegator_or_an_admin_revokes_a_delegation() -> None:
    state = directory(holder=[Role.POLICY], deputy=[], boss=[Role.ADMIN])
    delegation_id = delegate(state, "holder", "deputy")
    with pytest.raises(errors.NotPermitted, match="only the person who delegated"):
        apply_revoke_delegation(
            state, RevokeDelegation(actor="deputy", delegation_id=delegation_id), NOW
        )
    _, revoked = apply_revoke_delegation(
        state, RevokeDelegation(actor="boss", delegation_id=delegation_id), NOW
    )
    assert (revoked.revoked_at, revoked.revoked_by) == (NOW, "boss")
    with pytest.raises(errors.DelegationNotFound):
        apply_revoke_delegation(
            state, RevokeDelegation(actor="boss", delegation_id=delegation_id), NOW
        )


def test_tokens_are_revoked_by_their_person_or_an_admin() -> None:
    state = directory(someone=[Role.POLICY], other=[Role.POLICY], boss=[Role.ADMIN])
    later = NOW + timedelta(hours=8)
    theirs = RevokeToken(actor="other", token_id="t1", person="someone", expires_at=later)
    with pytest.raises(errors.NotPermitted):
        apply_revoke_token(state, theirs, NOW)
    own = RevokeToken(actor="someone", token_id="t1", person="someone", expires_at=later)
    assert len(apply_revoke_token(state, own, NOW)) == 1
    assert apply_revoke_token(state, own, NOW) == []
    with pytest.raises(errors.NotPermitted):
        apply_revoke_tokens(state, RevokeTokens(actor="other", person="someone"), NOW)
    apply_revoke_tokens(state, RevokeTokens(actor="boss", person="someone"), NOW)
    assert state.people["someone"].tokens_valid_after == NOW


def test_an_expired_token_needs_no_revoking_and_revocations_are_forgotten_once_expired() -> None:
    state = directory(someone=[Role.POLICY])
    soon = RevokeToken(
        actor="someone", token_id="t1", person="someone", expires_at=NOW + timedelta(minutes=5)
    )
    apply_revoke_token(state, soon, NOW)
    past = RevokeToken(actor="someone", token_id="t2", person="someone", expires_at=NOW)
    assert apply_revoke_token(state, past, NOW + timedelta(hours=1)) == []
    assert state.revoked_tokens == {}


def test_person_ids_are_slugs_of_names_unless_given() -> None:
    assert person_id_for(NewPerson(name="Policy Lead (North)")) == "policy-lead-north"
    assert person_id_for(NewPerson(name="Policy Lead", id="pl-1")) == "pl-1"
    with pytest.raises(errors.InvalidRequest):
        person_id_for(NewPerson(name="!!!"))
