"""Each kind of change audit event, told in one plain line for the timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.audit import AuditEvent
from models.events import EventKind

Render = Callable[[str, dict[str, Any]], str]


def _signed(who: str, p: dict[str, Any]) -> str:
    decision = str(p.get("decision", "")).replace("_", " ")
    comment = f": {p['comment']}" if p.get("comment") else ""
    count = len(p.get("conditions") or [])
    listed = f" ({count} condition{'s' if count != 1 else ''})" if count else ""
    return f"{who} chose {decision} on revision {p.get('revision')}{listed}{comment}"


LINES: dict[EventKind, Render] = {
    EventKind.CHANGE_CREATED: lambda who, _p: f"{who} proposed the change",
    EventKind.WORK_SUBMITTED: lambda who, p: (
        f"{who} submitted revision {p.get('revision')} of {p.get('stage')}"
    ),
    EventKind.SIGNED_OFF: _signed,
    EventKind.APPROVAL_LAPSED: lambda who, p: (
        f"{who}'s approval stopped counting: {p.get('reason')}"
    ),
    EventKind.GATE_PASSED: lambda _who, p: f"gate {p.get('gate')!r} passed",
    EventKind.GATE_REJECTED: lambda who, p: (
        f"{who} rejected the gate; back to {p.get('to')}: {p.get('comment')}"
    ),
    EventKind.STAGE_ENTERED: lambda _who, p: (
        f"stage {p.get('stage')} began (gate {p.get('gate_id')})"
    ),
    EventKind.HANDOFF: lambda _who, p: (
        f"handed from {p.get('from')} to {p.get('to')}: {p.get('reason')}"
    ),
    EventKind.MEASUREMENT_RECORDED: lambda who, p: (
        f"{who} recorded {p.get('metric')} = {p.get('value')}"
    ),
    EventKind.DECISION_MADE: lambda who, p: f"{who} decided to {p.get('outcome')}",
    EventKind.CYCLE_STARTED: lambda _who, p: (
        f"cycle {p.get('iteration')} began at {p.get('restart_at')}"
    ),
    EventKind.CHANGE_CLOSED: lambda _who, p: f"the change closed as {p.get('status')}",
    EventKind.CONDITION_CLOSED: lambda who, p: (
        f"{who} closed condition {p.get('condition_id')}: {p.get('note')}"
    ),
    EventKind.REJECT_CHALLENGED: lambda who, p: f"{who} challenged the reject: {p.get('reason')}",
    EventKind.CHALLENGE_RESOLVED: lambda who, p: (
        f"{who} chose to {p.get('outcome')} the reject: {p.get('comment')}"
    ),
    EventKind.CHALLENGE_LAPSED: lambda _who, p: (
        f"the challenge to the reject lapsed: {p.get('reason')}"
    ),
    EventKind.HANDOFF_REMINDED: lambda _who, p: (
        f"{_roles(p)} reminded that handoff {p.get('handoff_seq')} is due {_when(p)}"
    ),
    EventKind.HANDOFF_OVERDUE: lambda _who, p: (
        f"handoff {p.get('handoff_seq')} to {_roles(p)} went overdue (due {_when(p)})"
    ),
    EventKind.HANDOFF_ESCALATED: lambda _who, p: (
        f"handoff {p.get('handoff_seq')}, overdue since {_when(p)}, escalated to {_to(p)}"
    ),
    EventKind.CONDITION_REMINDED: lambda _who, p: (
        f"{p.get('owner')} reminded that condition {p.get('condition_id')} is due {_when(p)}"
    ),
    EventKind.CONDITION_OVERDUE: lambda _who, p: (
        f"condition {p.get('condition_id')} of {p.get('owner')} went overdue (due {_when(p)})"
    ),
    EventKind.CONDITION_ESCALATED: lambda _who, p: (
        f"condition {p.get('condition_id')}, overdue since {_when(p)}, escalated to {_to(p)}"
    ),
    EventKind.CHANGE_STUCK: lambda _who, p: f"escalated to {_to(p)}: {p.get('reason')}",
    EventKind.STUCK_CLEARED: lambda _who, p: f"no longer stuck: {p.get('reason')}",
    EventKind.PRIORITISED: lambda who, p: f"{who} assessed where to start: {_ground(p)}",
    EventKind.GROUND_OVERRIDDEN: lambda who, p: (
        f"{who} let the change go on without {_listed(p.get('missing'))}: {p.get('reason')}"
    ),
    EventKind.READINESS_SET: lambda who, p: (
        f"{who} set {p.get('area')} to {p.get('status')}, owned by {p.get('owner')}"
    ),
    EventKind.ASSESSED: lambda who, p: f"{who} recorded the panel's assessment: {_verdict(p)}",
}


def _ground(p: dict[str, Any]) -> str:
    missing = p.get("missing") or []
    return f"missing {_listed(missing)}" if missing else "all three conditions hold"


def _verdict(p: dict[str, Any]) -> str:
    red = p.get("red_points") or []
    if red:
        return f"not met, red on point(s) {', '.join(str(n) for n in red)}"
    return "met"


def _roles(p: dict[str, Any]) -> str:
    return _listed(p.get("roles"))


def _to(p: dict[str, Any]) -> str:
    return _listed(p.get("to"))


def _listed(roles: Any) -> str:
    names = [roles] if isinstance(roles, str) else list(roles or [])
    return " and ".join(str(r).replace("_", " ") for r in names) or "nobody"


def _when(p: dict[str, Any]) -> str:
    return str(p.get("due_at", "")).replace("T", " ")


def describe_event(event: AuditEvent) -> str:
    """One line for a timeline, from an audit event's kind and payload."""
    p = event.payload
    acting = f" acting for {p['acting_for']}" if p.get("acting_for") else ""
    who = f"{event.actor} ({event.role}){acting}" if event.role else event.actor
    return LINES[EventKind(event.kind)](who, p)
