"""Each turn's due time, from its service level on the change's own calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.change import ChangeState
from models.commands import Challenge
from models.gate import Decision
from models.handoff import HandoffKind
from models.roles import Role
from models.service_levels import next_due, schedule
from models.transitions.challenges import apply_challenge
from tests.factories import (
    GB_ENG,
    PROPOSER,
    SIGNERS,
    T0,
    authority,
    fresh_state,
    pass_gate,
    sign,
    submit,
    timed_state,
)

# T0 is Monday 2 March 2026, 09:00 GMT.
END_OF_MONDAY_9_MARCH = GB_ENG.day_end(date(2026, 3, 9))


def _due(state: ChangeState) -> datetime | None:
    assert state.open_handoff is not None
    return state.open_handoff.due_at


def test_the_teams_first_turn_has_no_due_time_by_default() -> None:
    assert _due(timed_state()) is None


def test_a_sign_off_is_due_five_working_days_after_it_opens() -> None:
    state = timed_state()
    submit(state)
    schedule(state)
    assert _due(state) == END_OF_MONDAY_9_MARCH
    assert next_due(state) == END_OF_MONDAY_9_MARCH


def test_the_act_decision_is_due_in_three_working_days() -> None:
    state = timed_state()
    for _ in ["intent", "design", "delivery", "check"]:
        pass_gate(state)
        schedule(state)
    assert state.stage == "act"
    assert _due(state) == GB_ENG.day_end(date(2026, 3, 5))


def test_rework_after_request_changes_has_its_own_level() -> None:
    state = timed_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REQUEST_CHANGES, comment="needs costs")
    schedule(state)
    assert _due(state) == END_OF_MONDAY_9_MARCH


def test_rework_after_a_reject_back_to_an_earlier_stage_is_due_too() -> None:
    state = timed_state()
    pass_gate(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="wrong", reject_to="intent")
    schedule(state)
    assert state.stage == "intent"
    assert _due(state) == END_OF_MONDAY_9_MARCH


def test_a_challenge_ruling_is_due_in_five_working_days() -> None:
    state = timed_state()
    pass_gate(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="no", reject_to="intent")
    apply_challenge(state, Challenge(actor=PROPOSER, reason="agreed"), authority(PROPOSER), T0)
    schedule(state)
    escalation = state.open_escalation
    assert escalation is not None
    assert escalation.kind is HandoffKind.ESCALATION
    assert escalation.due_at == END_OF_MONDAY_9_MARCH


def test_a_condition_is_due_at_the_end_of_its_day() -> None:
    state = timed_state()
    submit(state)
    condition = {"description": "Brief the call centre", "owner": "ops-b", "due": "2026-03-20"}
    sign(state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[condition])
    schedule(state)
    assert state.conditions[0].due_at == GB_ENG.day_end(date(2026, 3, 20))


def test_a_due_time_once_given_never_moves() -> None:
    state = timed_state()
    submit(state)
    schedule(state)
    sign(state, SIGNERS[Role.POLICY], Role.POLICY, at=datetime(2026, 3, 4, tzinfo=UTC))
    schedule(state)
    assert _due(state) == END_OF_MONDAY_9_MARCH


def test_older_playbooks_have_no_due_times() -> None:
    state = fresh_state(version=2)
    state.calendar = GB_ENG
    submit(state)
    schedule(state)
    assert _due(state) is None
    assert next_due(state) is None
