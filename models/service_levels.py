"""Service levels: the due time of each turn, in working days on the change's own
calendar. A sign-off or decision has its gate's level, the team's turn after request
changes or reject has the rework level, and a challenge the service owner's ruling level.
A due time, once given, never moves."""

from __future__ import annotations

from datetime import datetime

from models.change import ChangeState
from models.condition import ConditionStatus
from models.gate import GateStatus
from models.governance import ServiceLevels
from models.handoff import Chase, Handoff, HandoffKind
from models.playbook import GateKind
from models.roles import Role
from models.working_time import WorkingCalendar

CHASED_KINDS = (HandoffKind.FLOW, HandoffKind.ESCALATION)
"""Turns with due times: the main line, and the service owner's ruling on a challenge."""


def keeps_time(state: ChangeState) -> bool:
    """Whether the change has service levels and the calendar to count them."""
    return state.playbook.governance.service_levels is not None and state.calendar is not None


def schedule(state: ChangeState) -> None:
    """Give each open turn and open condition its due time, and close escalations about
    what has since been dealt with."""
    levels, calendar = state.playbook.governance.service_levels, state.calendar
    if levels is None or calendar is None:
        return
    current = state.open_handoff
    for handoff in state.handoffs:
        if handoff.closed_at is None and handoff.due_at is None:
            days = _days_for(state, handoff, levels) if handoff is current else None
            if handoff.kind is HandoffKind.ESCALATION:
                days = levels.challenge_ruling_days
            if days:
                handoff.due_at = calendar.end_of_working_days(handoff.opened_at, days)
    for condition in state.open_conditions():
        if condition.due_at is None:
            condition.due_at = calendar.day_end(condition.due)
    _close_settled_escalations(state)


def escalation_roles(waits_on: list[Role]) -> list[Role]:
    """Whom an overdue turn goes to: the service owner, or the admins when it already
    waits on the service owner."""
    return [Role.ADMIN] if Role.SERVICE_OWNER in waits_on else [Role.SERVICE_OWNER]


def reminder_time(
    calendar: WorkingCalendar, levels: ServiceLevels, opened_at: datetime, due_at: datetime
) -> datetime | None:
    """When to remind, or None: no reminders, or the turn began too late for one."""
    if not levels.remind_before_days:
        return None
    at = calendar.working_days_before(due_at, levels.remind_before_days)
    return at if at > opened_at else None


def _days_for(state: ChangeState, handoff: Handoff, levels: ServiceLevels) -> int | None:
    if not handoff.roles or handoff.kind is not HandoffKind.FLOW:
        return None  # a gate held by conditions: the conditions are chased instead
    gate = state.gate
    gate_def = state.playbook.stage(gate.stage).gate
    if gate.status is GateStatus.IN_REVIEW:
        default = levels.decision_days if gate.kind is GateKind.DECISION else levels.sign_off_days
        return gate_def.service_level_days or default
    sender = _gate_that_sent_work_back(state)
    if sender is not None:
        return state.playbook.stage(sender).gate.rework_days or levels.rework_days
    return state.playbook.stage(gate.stage).work_days


def _gate_that_sent_work_back(state: ChangeState) -> str | None:
    """The stage whose gate asked the team for changes or rejected back to it, if the
    team's turn is rework."""
    gate = state.gate
    if gate.status is GateStatus.CHANGES_REQUESTED:
        return gate.stage
    previous = state.past_gates[-1] if state.past_gates else None
    rejected = previous is not None and previous.status is GateStatus.REJECTED
    if rejected and previous is not None and previous.closed_at == gate.opened_at:
        return previous.stage
    return None


def _close_settled_escalations(state: ChangeState) -> None:
    for handoff in state.handoffs:
        open_overdue = handoff.kind is HandoffKind.OVERDUE and handoff.closed_at is None
        if open_overdue and _settled(state, handoff.about or ""):
            handoff.closed_at = state.updated_at


def _settled(state: ChangeState, about: str) -> bool:
    kind, _, ref = about.partition(" ")
    if kind == "handoff":
        subject = next((h for h in state.handoffs if str(h.seq) == ref), None)
        return subject is None or subject.closed_at is not None
    condition = state.condition(ref)
    return condition is None or condition.status is not ConditionStatus.OPEN


def next_due(state: ChangeState) -> datetime | None:
    """The earliest due time of anything the change still waits for."""
    dues = [item.due_at for item in _waited_for(state)]
    return min((due for due in dues if due is not None), default=None)


def overdue_since(state: ChangeState) -> datetime | None:
    """When the change's clock first marked something it still waits for overdue."""
    marks = [item.overdue_at for item in _waited_for(state)]
    return min((mark for mark in marks if mark is not None), default=None)


def _waited_for(state: ChangeState) -> list[Chase]:
    handoffs = [h for h in state.handoffs if h.closed_at is None and h.kind in CHASED_KINDS]
    return [*handoffs, *state.open_conditions()]
