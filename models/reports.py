"""Shapes of what the API and the CLI report from the read model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from models.audit import AuditEvent, ChainVerdict
from models.intake import Strict
from models.roles import Role


class ChangeSummary(Strict):
    change_id: str
    title: str
    service: str
    status: str
    stage: str
    iteration: int
    gate_status: str
    waiting_kind: str
    waiting_since: datetime | None
    waiting_reason: str
    created_at: datetime
    updated_at: datetime


class ChangeList(Strict):
    items: list[ChangeSummary]
    total: int
    limit: int
    offset: int


class TimelineEntry(Strict):
    seq: int
    at: datetime
    kind: str
    actor: str
    role: str | None
    summary: str = Field(description="What happened, in plain words.")


class HandoffEntry(Strict):
    seq: int
    from_party: str
    to_party: str
    roles: list[str]
    reason: str
    opened_at: datetime
    closed_at: datetime | None
    open_seconds: float = Field(description="How long responsibility sat with to_party.")


class Timeline(Strict):
    change_id: str
    events: list[TimelineEntry]
    handoffs: list[HandoffEntry]


class InboxItem(Strict):
    change_id: str
    title: str
    service: str
    stage: str
    gate_id: str
    kind: str = Field(description="submission, sign_off or decision")
    role: Role
    since: datetime
    waiting_seconds: float
    reason: str


class Inbox(Strict):
    person: str
    items: list[InboxItem]


class AuditLog(Strict):
    change_id: str
    events: list[AuditEvent]
    verdict: ChainVerdict


class PersonOut(Strict):
    id: str
    name: str
    active: bool
    roles: list[Role]


def describe_event(event: AuditEvent) -> str:
    """One line for a timeline, from an audit event's kind and payload."""
    p: dict[str, Any] = event.payload
    who = f"{event.actor} ({event.role})" if event.role else event.actor
    lines = {
        "change_created": lambda: f"{who} proposed the change",
        "work_submitted": lambda: (
            f"{who} submitted revision {p.get('revision')} of {p.get('stage')}"
        ),
        "signed_off": lambda: _signed(who, p),
        "gate_passed": lambda: f"gate {p.get('gate')!r} passed",
        "gate_rejected": lambda: (
            f"{who} rejected the gate; back to {p.get('to')}: {p.get('comment')}"
        ),
        "stage_entered": lambda: f"stage {p.get('stage')} began (gate {p.get('gate_id')})",
        "handoff": lambda: f"handed from {p.get('from')} to {p.get('to')}: {p.get('reason')}",
        "measurement_recorded": lambda: f"{who} recorded {p.get('metric')} = {p.get('value')}",
        "decision_made": lambda: f"{who} decided to {p.get('outcome')}",
        "cycle_started": lambda: f"cycle {p.get('iteration')} began at {p.get('restart_at')}",
        "change_closed": lambda: f"the change closed as {p.get('status')}",
    }
    render = lines.get(event.kind)
    return render() if render else f"{who}: {event.kind}"


def _signed(who: str, payload: dict[str, Any]) -> str:
    decision = str(payload.get("decision", "")).replace("_", " ")
    comment = f": {payload['comment']}" if payload.get("comment") else ""
    return f"{who} chose {decision} on revision {payload.get('revision')}{comment}"
