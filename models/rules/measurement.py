"""Who may record a measured outcome, and when."""

from __future__ import annotations

from models.change import ChangeState
from models.commands import RecordMeasurement
from models.errors import (
    UnknownMeasure,
    WrongStage,
)
from models.rules.common import require_active, require_team_member


def check_record_measurement(state: ChangeState, cmd: RecordMeasurement) -> None:
    require_active(state)
    if not state.playbook.stage(state.stage).records_measurements:
        raise WrongStage(
            f"measurements are recorded at the check stage; the change is at {state.stage}"
        )
    require_team_member(state, cmd.actor, "record measurements")
    if state.intake.measure(cmd.metric) is None:
        known = ", ".join(m.metric for m in state.intake.success_measures)
        raise UnknownMeasure(f"{cmd.metric!r} is not a success measure of this change: {known}")
