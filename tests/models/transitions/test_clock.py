"""Reminders, overdue marks and escalations, each once, in order, on working days."""

from __future__ import annotations

from datetime import date, timedelta

from models.audit import AuditEvent
from models.change import ChangeState
from models.commands import CloseCondition
from models.events import EventKind
from models.gate import Decision
from models.handoff import HandoffKind
from models.roles import Role
from models.service_levels import schedule
from models.transitions.clock import apply_clock, next_deadline
from models.transitions.conditions import apply_close_condition
from tests.factories import (
    GB_ENG,
    SIGNERS,
    T0,
    authority,
    evidence,
    pass_gate,
    sign,
    submit,
    timed_state,
)

DUE = GB_ENG.day_end(date(2026, 3, 9))  # Monday, five working days after T0
REMIND = GB_ENG.day_end(date(2026, 3, 6))  # the Friday before
ESCALATE = GB_ENG.day_end(date(2026, 3, 11))  # two working days after the due day


def _in_review() -> ChangeState:
    state = timed_state()
    submit(state)
    schedule(state)
    return state


def _kinds(events: list[AuditEvent]) -> list[str]:
    return [e.kind for e in events]


def test_a_sign_off_is_reminded_then_marked_overdue_then_escalated() -> None:
    state = _in_review()
    assert next_deadline(state, T0) == REMIND
    assert _kinds(apply_clock(state, REMIND)) == [EventKind.HANDOFF_REMINDED]
    assert next_deadline(state, REMIND) == DUE
    assert _kinds(apply_clock(state, DUE)) == [EventKind.HANDOFF_OVERDUE]
    assert next_deadline(state, DUE) == ESCALATE
    escalated = apply_clock(state, ESCALATE)
    assert _kinds(escalated) == [EventKind.HANDOFF_ESCALATED, EventKind.HANDOFF]
    assert escalated[0].payload["to"] == ["service_owner"]
    assert next_deadline(state, ESCALATE) is None


def test_nothing_happens_twice() -> None:
    state = _in_review()
    apply_clock(state, ESCALATE)
    assert apply_clock(state, ESCALATE + timedelta(days=30)) == []


def test_after_an_outage_a_late_turn_is_marked_overdue_without_a_reminder() -> None:
    state = _in_review()
    events = apply_clock(state, ESCALATE)
    assert _kinds(events) == [
        EventKind.HANDOFF_OVERDUE,
        EventKind.HANDOFF_ESCALATED,
        EventKind.HANDOFF,
    ]
    handoff = state.handoffs[-2]
    assert handoff.reminded_at is None
    assert handoff.overdue_at == ESCALATE


def test_the_escalation_is_a_handoff_to_the_service_owner_that_closes_when_the_turn_does() -> None:
    state = _in_review()
    apply_clock(state, ESCALATE)
    escalation = state.handoffs[-1]
    assert escalation.kind is HandoffKind.OVERDUE
    assert escalation.roles == [Role.SERVICE_OWNER]
    assert escalation.about == f"handoff {state.handoffs[-2].seq}"
    for role, person in SIGNERS.items():
        sign(state, person, role, at=ESCALATE)
    schedule(state)
    assert escalation.closed_at is not None


def test_an_overdue_decision_goes_to_the_admins() -> None:
    state = timed_state()
    for _ in ["intent", "design", "delivery", "check"]:
        pass_gate(state)
    schedule(state)
    events = apply_clock(state, T0 + timedelta(days=30))
    assert events[-2].kind == EventKind.HANDOFF_ESCALATED
    assert events[-2].payload["to"] == ["admin"]


def test_a_condition_is_chased_and_its_escalation_ends_when_it_closes() -> None:
    state = timed_state()
    submit(state)
    condition = {"description": "Brief the call centre", "owner": "ops-b", "due": "2026-03-20"}
    sign(state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[condition])
    schedule(state)
    due = GB_ENG.day_end(date(2026, 3, 20))
    chased = apply_clock(state, GB_ENG.day_end(date(2026, 3, 19)))
    assert EventKind.CONDITION_REMINDED in _kinds(chased)
    late = apply_clock(state, GB_ENG.day_end(date(2026, 3, 24)))
    assert EventKind.CONDITION_OVERDUE in _kinds(late)
    assert EventKind.CONDITION_ESCALATED in _kinds(late)
    escalation = next(h for h in state.handoffs if h.about == f"condition {state.conditions[0].id}")
    assert state.conditions[0].overdue_at is not None
    assert state.conditions[0].overdue_at >= due
    cmd = CloseCondition(
        actor="ops-b", condition_id=state.conditions[0].id, note="held", evidence=[evidence("x")]
    )
    apply_close_condition(state, cmd, authority("ops-b"), GB_ENG.day_end(date(2026, 3, 25)))
    schedule(state)
    assert escalation.closed_at is not None


def test_a_closed_change_keeps_no_time() -> None:
    state = _in_review()
    sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="no", reject_to="close")
    schedule(state)
    assert apply_clock(state, ESCALATE) == []
