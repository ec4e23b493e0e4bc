"""Who may change the directory, and how. Each check raises a distinct, typed refusal.

Admins manage people, but never their own authority: granting oneself a role, or
deactivating oneself, needs another admin; and the last active admin stays.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from models.directory.commands import (
    AddPeople,
    ChangeRole,
    Delegate,
    DirectoryCommand,
    RevokeDelegation,
    RevokeToken,
    RevokeTokens,
    SetActive,
)
from models.directory.state import OPERATOR, DelegationRecord, DirectoryState, PersonRecord
from models.errors import (
    AlreadyExists,
    DelegationNotAllowed,
    DelegationNotFound,
    InvalidRequest,
    LastAdmin,
    NotPermitted,
    PersonNotFound,
    SelfGrant,
)
from models.roles import Role

LONGEST_DELEGATION = timedelta(days=90)
DELEGABLE = frozenset({Role.POLICY, Role.DIGITAL, Role.OPERATIONS})
"""Decisions at the act gate and challenge rulings take no `acting_for`, so a delegated
service-owner role could never be used; it is refused rather than silently useless."""


def is_admin(state: DirectoryState, actor: str) -> bool:
    person = state.person(actor)
    return actor == OPERATOR or (person is not None and person.holds(Role.ADMIN))


def require_admin(state: DirectoryState, cmd: DirectoryCommand) -> None:
    if not is_admin(state, cmd.actor):
        raise NotPermitted(f"this needs the admin role; {cmd.actor} does not hold it")


def require_person(state: DirectoryState, person_id: str) -> PersonRecord:
    person = state.person(person_id)
    if person is None:
        raise PersonNotFound(f"no person with id {person_id!r}")
    return person


def check_add_people(state: DirectoryState, cmd: AddPeople, ids: list[str]) -> None:
    require_admin(state, cmd)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidRequest(f"each person is added once; repeated: {', '.join(repeated)}")
    existing = [i for i in ids if i in state.people]
    if existing:
        raise AlreadyExists(f"a person with id {existing[0]!r} already exists")


def check_set_active(state: DirectoryState, cmd: SetActive) -> None:
    require_admin(state, cmd)
    person = require_person(state, cmd.person)
    if cmd.active:
        return
    if cmd.person == cmd.actor:
        raise SelfGrant("you cannot deactivate yourself; another admin must")
    _keep_an_admin(state, person, "be deactivated")


def check_change_role(state: DirectoryState, cmd: ChangeRole) -> None:
    require_admin(state, cmd)
    person = require_person(state, cmd.person)
    if cmd.grant and cmd.person == cmd.actor:
        raise SelfGrant(f"{cmd.actor} cannot grant a role to themself; another admin must")
    if not cmd.grant and cmd.role is Role.ADMIN:
        _keep_an_admin(state, person, "lose the admin role")


def _keep_an_admin(state: DirectoryState, person: PersonRecord, fate: str) -> None:
    if state.active_admins() == [person.id]:
        raise LastAdmin(
            f"{person.id} is the last active admin and cannot {fate}; "
            "make someone else an admin first"
        )


def check_delegate(state: DirectoryState, cmd: Delegate, now: datetime) -> None:
    if cmd.role not in DELEGABLE:
        raise InvalidRequest(
            f"the {cmd.role} role cannot be delegated; policy, digital and operations can"
        )
    if cmd.actor == cmd.delegate:
        raise InvalidRequest("you cannot delegate to yourself")
    delegator = state.person(cmd.actor)
    if delegator is None or not delegator.holds(cmd.role):
        raise DelegationNotAllowed(
            f"{cmd.actor} does not hold the {cmd.role} role directly, so cannot delegate it; "
            "a delegate cannot delegate further"
        )
    delegate = require_person(state, cmd.delegate)
    if not delegate.active:
        raise InvalidRequest(f"{cmd.delegate} is not an active person in the directory")
    check_period(cmd.starts_at or now, cmd.ends_at, now)


def check_period(start: datetime, end: datetime, now: datetime) -> None:
    if end <= start:
        raise InvalidRequest("ends_at must be after starts_at")
    if end <= now:
        raise InvalidRequest("ends_at must be in the future")
    if end - start > LONGEST_DELEGATION:
        raise InvalidRequest(f"a delegation may last at most {LONGEST_DELEGATION.days} days")


def check_revoke_delegation(state: DirectoryState, cmd: RevokeDelegation) -> DelegationRecord:
    delegation = state.delegations.get(cmd.delegation_id)
    if delegation is None:
        raise DelegationNotFound(f"no delegation with id {cmd.delegation_id} is in force")
    require_may_revoke(delegation.delegator, cmd.actor, is_admin(state, cmd.actor))
    return delegation


def require_may_revoke(delegator: str, actor: str, actor_is_admin: bool) -> None:
    """Only the person who delegated, or an admin, may revoke a delegation, in force or
    already ended."""
    if delegator != actor and not actor_is_admin:
        raise NotPermitted("only the person who delegated, or an admin, may revoke a delegation")


def check_revoke_token(state: DirectoryState, cmd: RevokeToken) -> None:
    if cmd.person != cmd.actor and not is_admin(state, cmd.actor):
        raise NotPermitted("only the token's own person, or an admin, may revoke it")


def check_revoke_tokens(state: DirectoryState, cmd: RevokeTokens) -> None:
    if cmd.person != cmd.actor and not is_admin(state, cmd.actor):
        raise NotPermitted("only the person themself, or an admin, may revoke their tokens")
    require_person(state, cmd.person)
