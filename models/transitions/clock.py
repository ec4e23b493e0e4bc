"""What time does to a change with service levels: each turn and each open condition is
reminded before it is due, marked overdue at its due time, and escalated some working days
after. Each step is an audit event, and each happens once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from models.audit import AuditEvent
from models.change import ChangeState
from models.condition import Condition
from models.events import EventKind
from models.handoff import Chase, Handoff, HandoffKind
from models.roles import Role
from models.service_levels import CHASED_KINDS, escalation_roles, reminder_time
from models.transitions.handoffs import escalate

SYSTEM = "throughline"
"""The actor of what the clock does."""


@dataclass(frozen=True)
class Step:
    at: datetime
    take: Callable[[datetime], list[AuditEvent]]


def next_deadline(state: ChangeState, now: datetime) -> datetime | None:
    """When the clock next has something to do, or None."""
    return min((step.at for step in _steps(state, now)), default=None)


def apply_clock(state: ChangeState, now: datetime) -> list[AuditEvent]:
    """Take every step that is due by now: a turn already past its due time is marked
    overdue without a reminder first."""
    events: list[AuditEvent] = []
    while due := [step for step in _steps(state, now) if step.at <= now]:
        for step in due:
            events += step.take(now)
    return events


def _steps(state: ChangeState, now: datetime) -> list[Step]:
    if state.status.is_closed or state.calendar is None:
        return []
    handoffs = [h for h in state.handoffs if h.closed_at is None and h.kind in CHASED_KINDS]
    steps = [_handoff_step(state, h, now) for h in handoffs]
    steps += [_condition_step(state, c, now) for c in state.open_conditions()]
    return [step for step in steps if step is not None]


def _handoff_step(state: ChangeState, handoff: Handoff, now: datetime) -> Step | None:
    facts = {"handoff_seq": handoff.seq, "roles": [r.value for r in handoff.roles]}
    to = escalation_roles(handoff.roles)
    about = (f"handoff {handoff.seq}", f"{handoff.to_party} has not acted: {handoff.reason}")
    kinds = (EventKind.HANDOFF_REMINDED, EventKind.HANDOFF_OVERDUE, EventKind.HANDOFF_ESCALATED)
    return _next_step(state, handoff, handoff.opened_at, now, _Chased(facts, to, about, kinds))


def _condition_step(state: ChangeState, condition: Condition, now: datetime) -> Step | None:
    facts: dict[str, object] = {"condition_id": condition.id, "owner": condition.owner}
    about = (
        f"condition {condition.id}",
        f"{condition.owner} has not closed condition {condition.id}: {condition.description}",
    )
    kinds = (
        EventKind.CONDITION_REMINDED,
        EventKind.CONDITION_OVERDUE,
        EventKind.CONDITION_ESCALATED,
    )
    chased = _Chased(facts, [Role.SERVICE_OWNER], about, kinds)
    return _next_step(state, condition, condition.raised_at, now, chased)


@dataclass(frozen=True)
class _Chased:
    facts: dict[str, object]
    escalate_to: list[Role]
    about: tuple[str, str]
    kinds: tuple[EventKind, EventKind, EventKind]


def _next_step(
    state: ChangeState, item: Chase, since: datetime, now: datetime, chased: _Chased
) -> Step | None:
    levels, calendar, due = state.playbook.governance.service_levels, state.calendar, item.due_at
    if levels is None or calendar is None or due is None or item.escalated_at is not None:
        return None
    remind, overdue, _ = chased.kinds
    if item.overdue_at is not None:
        at = calendar.end_of_working_days(due, levels.escalate_after_days)
        return Step(at, lambda when: _escalate(state, item, when, chased))
    remind_at = reminder_time(calendar, levels, since, due)
    if item.reminded_at is None and remind_at is not None and now < due:
        return Step(remind_at, lambda when: _mark(state, item, "reminded_at", when, remind, chased))
    return Step(due, lambda when: _mark(state, item, "overdue_at", when, overdue, chased))


def _mark(
    state: ChangeState, item: Chase, field: str, now: datetime, kind: EventKind, chased: _Chased
) -> list[AuditEvent]:
    setattr(item, field, now)
    payload = {**chased.facts, "due_at": _iso(item.due_at)}
    return [state.record(kind=kind, actor=SYSTEM, role=None, at=now, payload=payload)]


def _escalate(state: ChangeState, item: Chase, now: datetime, chased: _Chased) -> list[AuditEvent]:
    item.escalated_at = now
    to = [r.value for r in chased.escalate_to]
    payload = {**chased.facts, "due_at": _iso(item.due_at), "to": to}
    recorded = state.record(kind=chased.kinds[2], actor=SYSTEM, role=None, at=now, payload=payload)
    about, reason = chased.about
    party = " and ".join(r.replace("_", " ") for r in to)
    handoff = escalate(
        state,
        now,
        SYSTEM,
        None,
        (f"{party} (overdue)", chased.escalate_to),
        f"overdue since {_iso(item.due_at)}: {reason}",
        kind=HandoffKind.OVERDUE,
        about=about,
    )
    return [recorded, handoff]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
