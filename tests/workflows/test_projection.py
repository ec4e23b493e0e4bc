"""How far SQL may trail a change before its commands wait for it again:
workflows/projection.py."""

from __future__ import annotations

from datetime import timedelta

from models.transitions.opening import open_change
from tests.factories import T0, new_change
from workflows.projection import MAX_UNPROJECTED_EVENTS, ChangeProjection


def test_a_change_is_far_behind_once_more_events_wait_than_allowed() -> None:
    state, opening = open_change(new_change(), T0)
    projection = ChangeProjection(state, opening)
    assert not projection.far_behind()
    padding = MAX_UNPROJECTED_EVENTS - len(opening)
    projection.outbox += [
        opening[-1].model_copy(update={"at": T0 + timedelta(seconds=n)}) for n in range(padding)
    ]
    assert not projection.far_behind()
    projection.outbox.append(opening[-1])
    assert projection.far_behind()
