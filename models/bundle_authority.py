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
    """The person's latest directory event, and whether it left them active in the role."""
    mine = [e for e in earlier if e.payload.get("person") == act.actor]
    if not mine:
        return None
    after = mine[-1].payload.get("after") or {}
    holds = bool(after.get("active", True)) and act.role in (after.get("roles") or [])
    return mine[-1].seq, holds


def _delegation(act: AuditEvent, earlier: list[AuditEvent]) -> int | None:
    """The delegation of the role to the actor in force at the act, if any."""
    ended = {e.payload.get("delegation_id") for e in earlier if e.kind in ENDED}
    for event in reversed(earlier):
        payload = event.payload
        if event.kind != "delegation_created" or payload.get("delegation_id") in ended:
            continue
        if payload.get("delegate") != act.actor or payload.get("role") != act.role:
            continue
        if payload.get("change_id") not in (None, act.change_id):
            continue
        if _in_force(payload.get("after") or {}, act.at):
            return event.seq
    return None


def _in_force(window: dict[str, Any], at: datetime) -> bool:
    starts, ends = window.get("starts_at"), window.get("ends_at")
    if starts and datetime.fromisoformat(starts) > at:
        return False
    return not (ends and datetime.fromisoformat(ends) <= at)
