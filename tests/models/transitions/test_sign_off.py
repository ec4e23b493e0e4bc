"""What a sign-off does to the change: models/transitions/sign_off.py."""

from __future__ import annotations

import pytest

from models import errors
from models.gate import Decision, GateStatus
from models.roles import Role
from tests.factories import fresh_state, pass_gate, sign, submit


def test_reject_sends_the_change_back_to_an_earlier_stage() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REJECT, comment="intent unclear", reject_to="intent")
    assert state.stage == "intent"
    assert state.gate.id == "1.intent.2"
    assert state.gate.status is GateStatus.AWAITING_SUBMISSION
    assert state.past_gates[-1].status is GateStatus.REJECTED


def test_reject_to_close_closes_the_change() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="not viable", reject_to="close")
    assert state.status == "rejected"
    with pytest.raises(errors.ChangeClosed):
        submit(state)
