"""Who may record a measured outcome, and when: models/rules/measurement.py."""

from __future__ import annotations

import pytest

from models import errors
from models.commands import RecordMeasurement
from models.transitions.measurement import apply_record_measurement
from tests.factories import PROPOSER, authority, fresh_state, later, pass_gate


def test_measurements_only_at_the_check_stage_and_for_known_measures() -> None:
    state = fresh_state()
    cmd = RecordMeasurement(actor=PROPOSER, metric="online take-up", value=40)
    with pytest.raises(errors.WrongStage, match="check stage"):
        apply_record_measurement(state, cmd, authority(PROPOSER), later(1))
    for _ in range(3):
        pass_gate(state)
    unknown = RecordMeasurement(actor=PROPOSER, metric="smiles", value=1)
    with pytest.raises(errors.UnknownMeasure, match="online take-up"):
        apply_record_measurement(state, unknown, authority(PROPOSER), later(1))
