"""What a change waits on, and on whom: models/read/waiting.py."""

from __future__ import annotations

from models.read.views import describe_change
from tests.factories import fresh_state, later, submit


def test_waiting_on_names_eligible_people_but_not_the_submitter() -> None:
    state = fresh_state()
    submit(state, actor="dig-lead")
    waiting = describe_change(state, later(1)).waiting
    assert "dig-lead" not in waiting.people
    assert {"pol-a", "pol-b", "dig-b", "ops-a", "ops-b"} <= set(waiting.people)
