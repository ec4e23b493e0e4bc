"""A stuck change is escalated at once to the service owner and the admins, once, and the
escalation stands down when someone may act again."""

from __future__ import annotations

from models.authority import Authority
from models.events import EventKind
from models.handoff import HandoffKind
from models.read.stuck import DirectoryReading, needs_directory_look
from models.read.waiting import WaitKind
from models.roles import Role
from models.service_levels import schedule
from models.transitions.stuck import apply_directory_reading
from tests.factories import T0, everyone_at, later, submit, timed_state

NOBODY_FOR_POLICY = DirectoryReading(
    authorities=everyone_at(
        T0,
        **{
            person: Authority(person=person, active=True, roles=[Role.DIGITAL])
            for person in ["pol-a", "pol-b"]
        },
    ),
    admins=["admin-1"],
)
EVERYONE = DirectoryReading(authorities=everyone_at(T0), admins=["admin-1"])


def test_a_change_nobody_may_sign_is_escalated_once() -> None:
    state = timed_state()
    submit(state)
    schedule(state)
    events = apply_directory_reading(state, NOBODY_FOR_POLICY, later(5))
    assert [e.kind for e in events] == [EventKind.CHANGE_STUCK, EventKind.HANDOFF]
    assert events[0].payload["to"] == ["service_owner", "admin"]
    assert events[0].payload["roles"] == ["policy"]
    escalation = state.handoffs[-1]
    assert escalation.kind is HandoffKind.STUCK
    assert escalation.roles == [Role.SERVICE_OWNER, Role.ADMIN]
    assert apply_directory_reading(state, NOBODY_FOR_POLICY, later(6)) == []


def test_the_escalation_stands_down_when_someone_may_act_again() -> None:
    state = timed_state()
    submit(state)
    apply_directory_reading(state, NOBODY_FOR_POLICY, later(5))
    events = apply_directory_reading(state, EVERYONE, later(9))
    assert [e.kind for e in events] == [EventKind.STUCK_CLEARED]
    assert state.handoffs[-1].closed_at == later(9)


def test_sql_and_the_workflow_are_compared_to_decide_whether_to_look() -> None:
    state = timed_state()
    submit(state)
    assert needs_directory_look(state, WaitKind.STUCK)
    assert not needs_directory_look(state, WaitKind.SIGN_OFF)
    apply_directory_reading(state, NOBODY_FOR_POLICY, later(5))
    assert not needs_directory_look(state, WaitKind.STUCK)
    assert needs_directory_look(state, WaitKind.SIGN_OFF)
