"""A change told for a person reading its page: the change itself, its timeline, and where
it stands on its playbook's stages."""

from __future__ import annotations

from enum import StrEnum

from models.base import Strict
from models.change import ChangeStatus
from models.playbook import Playbook
from models.read.reports import Timeline
from models.read.views import ChangeView, MeasureCheck


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


def stage_track(change: ChangeView, playbook: Playbook) -> list[StageMark]:
    """Each stage of the change's playbook: passed, where it is now, or still ahead. A
    completed change has passed them all; a change closed early never reaches the rest."""
    names = [stage.name for stage in playbook.stages]
    here = names.index(change.stage) if change.stage in names else 0
    status = ChangeStatus(change.status)
    return [StageMark(name=name, state=_state(i, here, status)) for i, name in enumerate(names)]


def _state(index: int, here: int, status: ChangeStatus) -> StageState:
    if status is ChangeStatus.COMPLETED or index < here:
        return StageState.DONE
    if index > here:
        return StageState.NOT_REACHED if status.is_closed else StageState.UPCOMING
    return StageState.CLOSED if status.is_closed else StageState.CURRENT


def measure_checks(change: ChangeView) -> list[MeasureCheck]:
    """Each success measure's target against the latest value recorded for it, if any."""
    actuals = {m.metric: m.value for m in sorted(change.measurements, key=lambda m: m.recorded_at)}
    return [
        MeasureCheck(
            metric=m.metric,
            unit=m.unit,
            baseline=m.baseline,
            target=m.target,
            actual=actuals.get(m.metric),
            met=m.is_met_by(actuals[m.metric]) if m.metric in actuals else None,
        )
        for m in change.intake.success_measures
    ]
