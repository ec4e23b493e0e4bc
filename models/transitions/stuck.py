"""A stuck change escalated at once: when nobody left may take what it waits on, the
service owner and the admins are asked to name someone, and told when it moves again."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.change import ChangeState
from models.events import EventKind
from models.handoff import Handoff, HandoffKind
from models.read.stuck import DirectoryReading, stuck_wait
from models.read.waiting import waiting_on
from models.roles import Role
from models.transitions.clock import SYSTEM
from models.transitions.handoffs import escalate

FIXERS = [Role.SERVICE_OWNER, Role.ADMIN]


def apply_directory_reading(
    state: ChangeState, reading: DirectoryReading, now: datetime
) -> list[AuditEvent]:
    """Escalate the change if it has become stuck, or stand the escalation down once
    someone may act again."""
    stuck = None if state.status.is_closed else stuck_wait(state, waiting_on(state, now), reading)
    about = f"gate {state.gate.id}"
    escalations = [h for h in state.handoffs if h.kind is HandoffKind.STUCK and not h.closed_at]
    current = [h for h in escalations if h.about == about]
    events = _clear(state, [h for h in escalations if h not in current or stuck is None], now)
    if stuck is not None and not current:
        roles = [r.value for r in stuck.roles]
        to = [r.value for r in FIXERS]
        payload = {"gate_id": state.gate.id, "roles": roles, "to": to, "reason": stuck.reason}
        recorded = state.record(
            kind=EventKind.CHANGE_STUCK, actor=SYSTEM, role=None, at=now, payload=payload
        )
        party = ("service owner and admins (stuck)", FIXERS)
        kind = HandoffKind.STUCK
        opened = escalate(state, now, SYSTEM, None, party, stuck.reason, kind=kind, about=about)
        events += [recorded, opened]
    return events


def _clear(state: ChangeState, cleared: list[Handoff], now: datetime) -> list[AuditEvent]:
    events = []
    for handoff in cleared:
        handoff.closed_at = now
        gate_id = (handoff.about or "").removeprefix("gate ")
        reason = "the change closed" if state.status.is_closed else "someone may act again"
        payload = {"gate_id": gate_id, "reason": reason}
        kind = EventKind.STUCK_CLEARED
        events.append(state.record(kind=kind, actor=SYSTEM, role=None, at=now, payload=payload))
    return events
