"""The kinds of event a change's audit log records. The workflow records them by these
names and every renderer is keyed by them, so a kind cannot go unrendered."""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    CHANGE_CREATED = "change_created"
    WORK_SUBMITTED = "work_submitted"
    SIGNED_OFF = "signed_off"
    APPROVAL_LAPSED = "approval_lapsed"
    GATE_PASSED = "gate_passed"
    GATE_REJECTED = "gate_rejected"
    STAGE_ENTERED = "stage_entered"
    HANDOFF = "handoff"
    MEASUREMENT_RECORDED = "measurement_recorded"
    DECISION_MADE = "decision_made"
    CYCLE_STARTED = "cycle_started"
    CHANGE_CLOSED = "change_closed"
    CONDITION_CLOSED = "condition_closed"
    REJECT_CHALLENGED = "reject_challenged"
    CHALLENGE_RESOLVED = "challenge_resolved"
    CHALLENGE_LAPSED = "challenge_lapsed"
    HANDOFF_REMINDED = "handoff_reminded"
    HANDOFF_OVERDUE = "handoff_overdue"
    HANDOFF_ESCALATED = "handoff_escalated"
    CONDITION_REMINDED = "condition_reminded"
    CONDITION_OVERDUE = "condition_overdue"
    CONDITION_ESCALATED = "condition_escalated"
    CHANGE_STUCK = "change_stuck"
    STUCK_CLEARED = "stuck_cleared"
    PRIORITISED = "prioritised"
    GROUND_OVERRIDDEN = "ground_overridden"
    READINESS_SET = "readiness_set"
    ASSESSED = "assessed"
