"""Who holds the change and since when: models/transitions/handoffs.py."""

from __future__ import annotations

from models.read.views import describe_change
from models.roles import Role
from tests.factories import fresh_state, later, submit


def test_handoffs_record_who_holds_the_change_and_since_when() -> None:
    state = fresh_state()
    submit(state, at=later(10))
    handoff = state.open_handoff
    assert handoff is not None
    assert (handoff.from_party, handoff.to_party) == ("digital team", "gate 'intent agreed'")
    assert handoff.opened_at == later(10)
    assert state.handoffs[0].closed_at == later(10)
    waiting = describe_change(state, later(70)).waiting
    assert waiting.since == later(10)
    assert waiting.waiting_seconds == 3600
    assert set(waiting.roles) == {Role.POLICY, Role.DIGITAL, Role.OPERATIONS}
