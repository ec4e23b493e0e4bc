"""Who held each role when it was used: for a bundle, the directory events about the
people who acted on a change, and for each act the events that gave its actor the role
(in their own name, or by a delegation in force at that moment)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.audit import AuditEvent, utc_text

ENDED = {"delegation_revoked", "delegation_expired"}


def actors_of(events: list[AuditEvent]) -> set[str]:
    """Everyone who acted on the change in a role."""
    return {e.actor for e in events if e.role is not None}


def about(event: AuditEvent, people: set[str]) -> bool:
    """A directory event that says something about one of these people."""
    payload = event.payload
    if event.kind == "directory_imported":
        return True
    named = {payload.get("person"), payload.get("delegate"), payload.get("delegator")}
    return bool(named & people)


def directory_part(
    directory_events: list[AuditEvent], change_events: list[AuditEvent]
) -> list[AuditEvent]:
    """The directory events that matter to a change, up to its last event."""
    if not change_events:
        return []
    people = actors_of(change_events)
    until = max(e.at for e in change_events)
    return [e for e in directory_events if e.at <= until and about(e, people)]


def authority_part(
    change_events: list[AuditEvent], directory_events: list[AuditEvent]
) -> list[dict[str, Any]]:
    """For each act in a role, how its actor held the role at that moment."""
    acts = [e for e in change_events if e.role is not None]
    return [_authority(act, directory_events) for act in acts]


def _authority(act: AuditEvent, directory_events: list[AuditEvent]) -> dict[str, Any]:
    earlier = [e for e in directory_events if e.at <= act.at]
    own = _own_role(act, earlier)
    delegation = _delegation(act, earlier)
    held_by = "own role" if own and own[1] else "delegation" if delegation else "not shown"
    return {
        "seq": act.seq,
        "actor": act.actor,
        "role": act.role,
        "at": utc_text(act.at),
        "held_by": held_by,
        "directory_seqs": sorted(
            {seq for seq in (own[0] if own else None, delegation) if seq is not None}
        ),
    }


def _own_role(act: AuditEvent, earlier: list[AuditEvent]) -> tuple[int, bool] | None:
    """The person's latest directory record before the act (an import, or an event that
    says their roles after it), and whether it left them active in the role."""
    found: tuple[int, bool] | None = None
    for event in earlier:
        view = _view_of(event, act.actor)
        if view is not None:
            roles = view.get("roles") or []
            found = event.seq, bool(view.get("active", True)) and act.role in roles
    return found


def _view_of(event: AuditEvent, person: str) -> dict[str, Any] | None:
    """What a directory event says the person was after it: active, and their roles."""
    payload = event.payload
    if event.kind == "directory_imported":
        for record in payload.get("people") or []:
            if isinstance(record, dict) and record.get("id") == person:
                held = [h.get("role") for h in record.get("roles") or [] if isinstance(h, dict)]
                return {"active": record.get("active", True), "roles": held}
        return None
    after = payload.get("after")
    if payload.get("person") != person or not isinstance(after, dict) or "roles" not in after:
        return None
    return after


def _delegation(act: AuditEvent, earlier: list[AuditEvent]) -> int | None:
    """The directory event of a delegation of the role to the actor in force at the act:
    its creation, or the import that carried it."""
    ended = {e.payload.get("delegation_id") for e in earlier if e.kind in ENDED}
    for event in reversed(earlier):
        for record in _delegations_in(event):
            if record.get("id") in ended or not _covers(record, act):
                continue
            return event.seq
    return None


def _delegations_in(event: AuditEvent) -> list[dict[str, Any]]:
    payload = event.payload
    if event.kind == "directory_imported":
        return [d for d in payload.get("delegations") or [] if isinstance(d, dict)]
    if event.kind != "delegation_created":
        return []
    window = payload.get("after") or {}
    return [{**window, **payload, "id": payload.get("delegation_id")}]


def _covers(record: dict[str, Any], act: AuditEvent) -> bool:
    """A delegation of the act's role, to its actor, for its change, in force then."""
    if record.get("delegate") != act.actor or record.get("role") != act.role:
        return False
    if record.get("change_id") not in (None, act.change_id):
        return False
    revoked = record.get("revoked_at")
    if revoked and datetime.fromisoformat(revoked) <= act.at:
        return False
    return _in_force(record, act.at)


def _in_force(window: dict[str, Any], at: datetime) -> bool:
    starts, ends = window.get("starts_at"), window.get("ends_at")
    if starts and datetime.fromisoformat(starts) > at:
        return False
    return not (ends and datetime.fromisoformat(ends) <= at)
