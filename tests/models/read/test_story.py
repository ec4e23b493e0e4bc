"""Where a change stands on its playbook's stages, and its measures against their targets."""

from __future__ import annotations

from models.change import ChangeStatus
from models.playbooks import latest_playbook
from models.read.story import StageState, stage_track

PDCA = latest_playbook("pdca")


def states(stage: str, status: ChangeStatus) -> list[StageState]:
    return [mark.state for mark in stage_track(stage, status, PDCA)]


def test_an_active_change_has_passed_the_stages_before_its_own() -> None:
    assert states("delivery", ChangeStatus.ACTIVE) == [
        StageState.DONE,
        StageState.DONE,
        StageState.CURRENT,
        StageState.UPCOMING,
        StageState.UPCOMING,
    ]


def test_a_completed_change_has_passed_every_stage() -> None:
    assert set(states("act", ChangeStatus.COMPLETED)) == {StageState.DONE}


def test_a_change_closed_early_shows_where_it_closed_and_what_it_never_reached() -> None:
    assert states("design", ChangeStatus.REJECTED) == [
        StageState.DONE,
        StageState.CLOSED,
        StageState.NOT_REACHED,
        StageState.NOT_REACHED,
        StageState.NOT_REACHED,
    ]
