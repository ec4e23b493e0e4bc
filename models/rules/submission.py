"""Who may submit a stage's work, and when."""

from __future__ import annotations

from models.change import ChangeState
from models.commands import SubmitWork
from models.errors import (
    MeasurementsMissing,
    WrongStage,
)
from models.playbook import GateKind
from models.rules.common import require_active, require_team_member


def check_submit(state: ChangeState, cmd: SubmitWork) -> None:
    require_active(state)
    gate = state.gate
    if gate.kind is GateKind.DECISION:
        raise WrongStage("the act stage takes a decision from the service owner, not a submission")
    require_team_member(state, cmd.actor, "submit work")
    if state.playbook.stage(gate.stage).records_measurements:
        recorded = {m.metric for m in state.measurements}
        missing = [m.metric for m in state.intake.success_measures if m.metric not in recorded]
        if missing:
            raise MeasurementsMissing(
                f"record a measurement for {', '.join(missing)} before submitting the check"
            )
