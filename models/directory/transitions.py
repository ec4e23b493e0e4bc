"""Transitions of the directory. Each checks its command, changes the state and returns
the chained events it wrote. Payloads are hashed: once written, a kind keeps its shape."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from models.audit import AuditEvent, chain_event
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
from models.directory.events import DirectoryEventKind as Kind
from models.directory.rules import (
    check_add_people,
    check_change_role,
    check_delegate,
    check_revoke_delegation,
    check_revoke_token,
    check_revoke_tokens,
    check_set_active,
)
from models.directory.state import (
    OPERATOR,
    DelegationRecord,
    DirectoryState,
    PersonRecord,
    RevokedToken,
    RoleHolding,
)
from models.errors import InvalidRequest
from models.roles import Role

EXPIRY_ACTOR = "directory"
"""The actor of events nobody caused: a delegation reaching its end."""


def person_id_for(new: NewPerson) -> str:
    if new.id:
        return new.id
    slug = re.sub(r"[^a-z0-9]+", "-", new.name.lower()).strip("-")[:64].strip("-")
    if not slug:
        raise InvalidRequest(f"cannot make a person id from {new.name!r}; give one explicitly")
    return slug


def record(
    state: DirectoryState, kind: Kind, actor: str, at: datetime, payload: dict[str, Any]
) -> AuditEvent:
    """Append one event to the directory's chain."""
    state.seq += 1
    event = chain_event(
        log_id=state.directory_id,
        seq=state.seq,
        prev_hash=state.last_hash,
        at=at,
        actor=actor,
        role=_acting_role(state, actor),
        kind=kind.value,
        payload=payload,
    )
    state.last_hash = event.hash
    return event


def _acting_role(state: DirectoryState, actor: str) -> str | None:
    person = state.person(actor)
    return Role.ADMIN.value if person is not None and person.holds(Role.ADMIN) else None


def _view(person: PersonRecord) -> dict[str, Any]:
    return {"name": person.name, "active": person.active, "roles": person.role_names}


def apply_add_people(
    state: DirectoryState, cmd: AddPeople, now: datetime
) -> tuple[list[AuditEvent], list[PersonRecord]]:
    people = [_new_person(new, cmd.actor, now) for new in cmd.people]
    check_add_people(state, cmd, [p.id for p in people])
    events = []
    for person in people:
        state.people[person.id] = person
        payload = {"person": person.id, "before": None, "after": _view(person)}
        events.append(record(state, Kind.PERSON_ADDED, cmd.actor, now, payload))
    return events, people


def _new_person(new: NewPerson, actor: str, now: datetime) -> PersonRecord:
    held = dict.fromkeys(new.roles)
    roles = [RoleHolding(role=r, granted_at=now, granted_by=actor) for r in held]
    return PersonRecord(id=person_id_for(new), name=new.name, roles=roles, created_at=now)


def apply_set_active(state: DirectoryState, cmd: SetActive, now: datetime) -> list[AuditEvent]:
    check_set_active(state, cmd)
    person = state.people[cmd.person]
    if person.active == cmd.active:
        return []
    before = _view(person)
    person.active = cmd.active
    kind = Kind.PERSON_REACTIVATED if cmd.active else Kind.PERSON_DEACTIVATED
    payload = {"person": person.id, "before": before, "after": _view(person)}
    return [record(state, kind, cmd.actor, now, payload)]


def apply_change_role(state: DirectoryState, cmd: ChangeRole, now: datetime) -> list[AuditEvent]:
    check_change_role(state, cmd)
    person = state.people[cmd.person]
    held = any(h.role is cmd.role for h in person.roles)
    if held == cmd.grant:
        return []
    before = _view(person)
    if cmd.grant:
        person.roles.append(RoleHolding(role=cmd.role, granted_at=now, granted_by=cmd.actor))
    else:
        person.roles = [h for h in person.roles if h.role is not cmd.role]
    kind = Kind.ROLE_GRANTED if cmd.grant else Kind.ROLE_REVOKED
    after = _view(person)
    payload = {"person": person.id, "role": cmd.role.value, "before": before, "after": after}
    return [record(state, kind, cmd.actor, now, payload)]


def _delegation_fields(d: DelegationRecord) -> dict[str, Any]:
    return {
        "delegation_id": d.id,
        "delegator": d.delegator,
        "delegate": d.delegate,
        "role": d.role.value,
        "change_id": d.change_id,
    }


def apply_delegate(
    state: DirectoryState, cmd: Delegate, now: datetime
) -> tuple[list[AuditEvent], DelegationRecord]:
    check_delegate(state, cmd, now)
    delegation = DelegationRecord(
        id=state.next_delegation_id,
        delegator=cmd.actor,
        delegate=cmd.delegate,
        role=cmd.role,
        change_id=cmd.change_id,
        starts_at=cmd.starts_at or now,
        ends_at=cmd.ends_at,
        reason=cmd.reason,
        created_at=now,
    )
    state.next_delegation_id += 1
    state.delegations[delegation.id] = delegation
    after = delegation.model_dump(mode="json", include={"starts_at", "ends_at", "reason"})
    payload = {**_delegation_fields(delegation), "before": None, "after": after}
    return [record(state, Kind.DELEGATION_CREATED, cmd.actor, now, payload)], delegation


def apply_revoke_delegation(
    state: DirectoryState, cmd: RevokeDelegation, now: datetime
) -> tuple[list[AuditEvent], DelegationRecord]:
    delegation = check_revoke_delegation(state, cmd)
    delegation.revoked_at, delegation.revoked_by = now, cmd.actor
    del state.delegations[delegation.id]
    after = {"revoked_at": now.isoformat(), "revoked_by": cmd.actor}
    payload = {**_delegation_fields(delegation), "before": {"revoked_at": None}, "after": after}
    return [record(state, Kind.DELEGATION_REVOKED, cmd.actor, now, payload)], delegation


def apply_expiries(state: DirectoryState, now: datetime) -> list[AuditEvent]:
    """Record the end of every delegation whose time is up, and forget it."""
    ended = sorted((d for d in state.delegations.values() if d.ends_at <= now), key=_by_end)
    events = []
    for delegation in ended:
        del state.delegations[delegation.id]
        after = {"in_force": False, "ended_at": delegation.ends_at.isoformat()}
        payload = {**_delegation_fields(delegation), "before": {"in_force": True}, "after": after}
        events.append(record(state, Kind.DELEGATION_EXPIRED, EXPIRY_ACTOR, now, payload))
    return events


DELEGATION_REMINDER_LEAD = timedelta(days=1)
"""How long before a delegation ends its delegator is told."""


def apply_delegation_reminders(state: DirectoryState, now: datetime) -> list[AuditEvent]:
    """Record, for each delegation about to end, that its delegator is to be told."""
    events = []
    for delegation in state.delegations_to_remind(now, DELEGATION_REMINDER_LEAD):
        delegation.reminded_at = now
        after = {"ends_at": delegation.ends_at.isoformat()}
        payload = {**_delegation_fields(delegation), "before": None, "after": after}
        events.append(record(state, Kind.DELEGATION_EXPIRING, EXPIRY_ACTOR, now, payload))
    return events


def _by_end(delegation: DelegationRecord) -> tuple[datetime, int]:
    return delegation.ends_at, delegation.id


def apply_revoke_token(state: DirectoryState, cmd: RevokeToken, now: datetime) -> list[AuditEvent]:
    check_revoke_token(state, cmd)
    still_valid = {t: r for t, r in state.revoked_tokens.items() if r.expires_at > now}
    state.revoked_tokens = still_valid
    if cmd.token_id in state.revoked_tokens or cmd.expires_at <= now:
        return []
    state.revoked_tokens[cmd.token_id] = RevokedToken(person=cmd.person, expires_at=cmd.expires_at)
    payload = {
        "token_id": cmd.token_id,
        "person": cmd.person,
        "expires_at": cmd.expires_at.isoformat(),
        "before": {"valid": True},
        "after": {"valid": False},
    }
    return [record(state, Kind.TOKEN_REVOKED, cmd.actor, now, payload)]


def apply_revoke_tokens(
    state: DirectoryState, cmd: RevokeTokens, now: datetime
) -> list[AuditEvent]:
    check_revoke_tokens(state, cmd)
    person = state.people[cmd.person]
    before = person.tokens_valid_after.isoformat() if person.tokens_valid_after else None
    person.tokens_valid_after = now
    payload = {
        "person": person.id,
        "before": {"tokens_valid_after": before},
        "after": {"tokens_valid_after": now.isoformat()},
    }
    return [record(state, Kind.TOKENS_REVOKED, cmd.actor, now, payload)]


def record_import(state: DirectoryState, now: datetime) -> list[AuditEvent]:
    """The first event of a directory that began as SQL rows: everything it held."""
    payload = {
        "people": [p.model_dump(mode="json") for p in state.people.values()],
        "delegations": [d.model_dump(mode="json") for d in state.delegations.values()],
        "before": None,
        "after": {"people": len(state.people), "delegations": len(state.delegations)},
    }
    return [record(state, Kind.DIRECTORY_IMPORTED, OPERATOR, now, payload)]
