"""Challenges filed, ruled on and lapsed: models/transitions/challenges.py."""

from __future__ import annotations

from datetime import datetime

import pytest

from models import errors
from models.change import ChangeState
from models.commands import Challenge, ResolveChallenge, Withdraw
from models.gate import Decision, GateStatus
from models.read.views import describe_change
from models.read.waiting import WaitKind
from models.rejection import ChallengeOutcome
from models.roles import Role
from models.rules.challenges import awaiting_challenge
from models.transitions.challenges import apply_challenge, apply_resolve
from models.transitions.withdrawal import apply_withdraw
from tests.factories import OWNER, PROPOSER, T0, authority, fresh_state, pass_gate, sign, submit


def _rejected_design() -> ChangeState:
    state = fresh_state()
    pass_gate(state)
    submit(state, text="design")
    sign(state, "pol-a", Role.POLICY)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="not viable", reject_to="intent")
    return state


def _challenge(state: ChangeState, at: datetime = T0, actor: str = PROPOSER) -> None:
    apply_challenge(
        state, Challenge(actor=actor, reason="the costs were agreed"), authority(actor), at
    )


def _resolve(state: ChangeState, outcome: ChallengeOutcome, actor: str = OWNER) -> None:
    cmd = ResolveChallenge(actor=actor, outcome=outcome, comment="reviewed the costs")
    apply_resolve(state, cmd, authority(actor), T0)


def test_a_challenge_goes_to_the_service_owner() -> None:
    state = _rejected_design()
    _challenge(state)
    waiting = describe_change(state, T0).waiting
    assert waiting.kind is WaitKind.SUBMISSION
    assert waiting.escalation is not None
    assert "challenges the reject of 'design approved'" in waiting.escalation
    with pytest.raises(errors.ChallengeAlreadyFiled):
        _challenge(state)


def test_uphold_leaves_the_reject_standing() -> None:
    state = _rejected_design()
    _challenge(state)
    _resolve(state, ChallengeOutcome.UPHOLD)
    assert state.stage == "intent"
    assert state.open_escalation is None
    with pytest.raises(errors.NoPendingChallenge):
        _resolve(state, ChallengeOutcome.OVERTURN)


def test_overturn_restores_the_gate_as_it_was_before_the_reject() -> None:
    state = _rejected_design()
    _challenge(state)
    _resolve(state, ChallengeOutcome.OVERTURN)
    assert (state.stage, state.gate.id, state.gate.status) == (
        "design",
        "1.design.1",
        GateStatus.IN_REVIEW,
    )
    assert [(s.person, s.decision) for s in state.gate.signoffs] == [("pol-a", Decision.APPROVE)]
    assert state.past_gates[-1].id == "1.intent.2"
    assert state.past_gates[-1].status is GateStatus.WITHDRAWN
    sign(state, "dig-lead", Role.DIGITAL)
    sign(state, "ops-b", Role.OPERATIONS)
    assert state.stage == "delivery"


def test_a_reject_that_closed_the_change_can_be_overturned() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="no budget", reject_to="close")
    assert state.status == "rejected"
    _challenge(state)
    assert describe_change(state, T0).waiting.kind is WaitKind.CHALLENGE
    _resolve(state, ChallengeOutcome.OVERTURN)
    assert (state.status, state.stage, state.gate.status) == (
        "active",
        "intent",
        GateStatus.IN_REVIEW,
    )


def test_a_waiting_challenge_lapses_when_the_change_is_withdrawn() -> None:
    state = _rejected_design()
    _challenge(state)
    events = apply_withdraw(state, Withdraw(actor=PROPOSER, reason="stop"), authority(PROPOSER), T0)
    assert [e.kind for e in events] == ["challenge_lapsed", "change_closed"]
    rejection = state.latest_rejection
    assert rejection is not None
    assert rejection.challenge is not None
    assert rejection.challenge.outcome is ChallengeOutcome.LAPSED
    assert state.open_escalation is None
    assert not awaiting_challenge(state, T0)


def test_a_waiting_challenge_lapses_when_a_later_reject_overtakes_it() -> None:
    state = _rejected_design()
    _challenge(state)
    submit(state, text="intent again")
    sign(state, "ops-b", Role.OPERATIONS, Decision.REJECT, comment="again no", reject_to="intent")
    first, second = state.rejections
    assert first.challenge is not None
    assert first.challenge.outcome is ChallengeOutcome.LAPSED
    assert second.challenge is None
    assert state.open_escalation is None
    with pytest.raises(errors.NoPendingChallenge):
        _resolve(state, ChallengeOutcome.OVERTURN)
