"""Measured outcomes against their targets: models/transitions/measurement.py."""

from __future__ import annotations

from models.read.views import describe_gate
from tests.factories import fresh_state, pass_gate, record_all_measurements, submit


def test_check_gate_shows_each_target_against_its_actual() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    record_all_measurements(state)
    submit(state)
    measures = {m.metric: m for m in describe_gate(state, state.gate).measures}
    days = measures["median days to decision"]
    assert (days.baseline, days.target, days.actual, days.met) == (30, 5, 4.0, True)
    uptake = measures["online take-up"]
    assert (uptake.target, uptake.actual, uptake.met) == (60, 55.0, False)
