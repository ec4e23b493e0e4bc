"""Who may submit a stage's work: models/rules/submission.py."""

from __future__ import annotations

import pytest

from models import errors
from models.commands import RecordMeasurement, SubmitWork
from models.transitions.measurement import apply_record_measurement
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, authority, evidence, fresh_state, later, pass_gate, submit


def test_only_the_team_may_submit() -> None:
    state = fresh_state()
    cmd = SubmitWork(actor="ops-a", summary="not mine", evidence=[evidence()])
    with pytest.raises(errors.NotEligible, match="may submit work"):
        apply_submit(state, cmd, authority("ops-a"), state.updated_at)


def test_act_gate_takes_no_submission() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.WrongStage, match="not a submission"):
        submit(state)


def test_check_cannot_be_submitted_without_every_measurement() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    cmd = RecordMeasurement(actor=PROPOSER, metric="online take-up", value=40)
    apply_record_measurement(state, cmd, authority(PROPOSER), later(1))
    with pytest.raises(errors.MeasurementsMissing, match="median days to decision"):
        submit(state)
