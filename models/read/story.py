"""A change told for a person reading its page: the change itself, its timeline, and where
it stands on its playbook's stages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.base import Strict
from models.change import ChangeStatus
from models.playbook import Playbook
from models.read.live_data import LiveMeasure
from models.read.reports import Timeline
from models.read.views import ChangeView, MeasureCheck, check_measures


class StageState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"
    CLOSED = "closed"
    """The change was closed (rejected, abandoned or withdrawn) at this stage."""
    NOT_REACHED = "not_reached"
    """The change closed before this stage."""


class StageMark(Strict):
    name: str
    state: StageState


class ChangeStory(Strict):
    change: ChangeView
    timeline: Timeline
    stages: list[StageMark]
    measures: list[MeasureCheck]
    live: list[LiveMeasure] = Field(
        default_factory=list, description="Each measure's live data: its latest and newest points."
    )


def stage_track(stage: str, status: ChangeStatus, playbook: Playbook) -> list[StageMark]:
    """Each stage of the change's playbook: passed, where it is now, or still ahead. A
    completed change has passed them all; a change closed early never reaches the rest."""
    names = [s.name for s in playbook.stages]
    here = names.index(stage) if stage in names else 0
    return [StageMark(name=name, state=_state(i, here, status)) for i, name in enumerate(names)]


def _state(index: int, here: int, status: ChangeStatus) -> StageState:
    if status is ChangeStatus.COMPLETED or index < here:
        return StageState.DONE
    if index > here:
        return StageState.NOT_REACHED if status.is_closed else StageState.UPCOMING
    return StageState.CLOSED if status.is_closed else StageState.CURRENT


def measure_checks(change: ChangeView) -> list[MeasureCheck]:
    """Each success measure's target against the latest value recorded for it, if any."""
    recorded = sorted(change.measurements, key=lambda m: m.recorded_at)
    return check_measures(change.intake.success_measures, recorded)
