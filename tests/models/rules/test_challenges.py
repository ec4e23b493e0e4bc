"""When a reject may be challenged, and by whom: models/rules/challenges.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import errors
from models.change import ChangeState
from models.commands import Challenge, ResolveChallenge, Withdraw
from models.gate import Decision
from models.rejection import ChallengeOutcome
from models.roles import Role
from models.rules.challenges import awaiting_challenge, challengeable
from models.transitions.challenges import apply_challenge, apply_resolve
from models.transitions.withdrawal import apply_withdraw
from tests.factories import OWNER, PROPOSER, T0, authority, fresh_state, pass_gate, sign, submit

# T0 is Monday 2 March 2026: ten working days later is Monday 16 March.
WINDOW_END = datetime(2026, 3, 16, 23, 59, 59, 999999, tzinfo=UTC)


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


def test_the_window_is_ten_working_days() -> None:
    state = _rejected_design()
    rejection = state.latest_rejection
    assert rejection is not None
    assert rejection.challenge_deadline == WINDOW_END
    assert challengeable(state, WINDOW_END) is rejection
    assert challengeable(state, WINDOW_END + timedelta(microseconds=1)) is None


def test_a_challenge_after_the_window_is_refused() -> None:
    state = _rejected_design()
    with pytest.raises(errors.ChallengeWindowClosed, match="closed at 2026-03-16"):
        _challenge(state, at=WINDOW_END + timedelta(seconds=1))


def test_only_the_team_challenges_and_only_the_named_owner_resolves() -> None:
    state = _rejected_design()
    with pytest.raises(errors.NotEligible, match="challenge a reject"):
        _challenge(state, actor="ops-a")
    _challenge(state)
    with pytest.raises(errors.NotEligible, match="not named as service owner"):
        _resolve(state, ChallengeOutcome.OVERTURN, actor="pol-a")


def test_nothing_to_challenge_without_a_reject() -> None:
    with pytest.raises(errors.NothingToChallenge):
        _challenge(fresh_state())


def test_version_1_playbooks_have_no_challenge_window() -> None:
    state = fresh_state(version=1)
    submit(state)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="no", reject_to="intent")
    with pytest.raises(errors.NothingToChallenge, match="cannot be challenged"):
        _challenge(state)


def test_only_a_change_closed_by_its_reject_waits_for_a_challenge() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="no budget", reject_to="close")
    assert awaiting_challenge(state, T0)
    assert not awaiting_challenge(state, WINDOW_END + timedelta(seconds=1))
    withdrawn = _rejected_design()
    apply_withdraw(withdrawn, Withdraw(actor=PROPOSER, reason="x"), authority(PROPOSER), T0)
    assert not awaiting_challenge(withdrawn, T0)
