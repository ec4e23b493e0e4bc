"""Challenging a reject: when a window is open, and who may challenge or rule."""

from __future__ import annotations

from datetime import datetime

from models.calendar import end_of_working_days
from models.change import ChangeState, ChangeStatus
from models.commands import Challenge, ResolveChallenge
from models.errors import (
    ChallengeAlreadyFiled,
    ChallengeWindowClosed,
    ChangeClosed,
    NoPendingChallenge,
    NotEligible,
    NothingToChallenge,
)
from models.rejection import Rejection
from models.rules.common import require_team_member


def challenge_deadline(state: ChangeState, now: datetime) -> datetime | None:
    """When the window to challenge a reject made now closes; None if there is no window."""
    governance = state.playbook.governance
    days = governance.challenge_window_working_days
    return end_of_working_days(now, days, governance.holiday_calendar) if days else None


def challengeable(state: ChangeState, now: datetime) -> Rejection | None:
    """The reject the team may still challenge now, if any."""
    rejection = state.latest_rejection
    if rejection is None or rejection.challenge is not None:
        return None
    if rejection.iteration != state.iteration or not rejection.window_open(now):
        return None
    return rejection


def pending_challenge(state: ChangeState) -> Rejection | None:
    rejection = state.latest_rejection
    if rejection and rejection.challenge and rejection.challenge.pending:
        return rejection
    return None


def awaiting_challenge(state: ChangeState, now: datetime) -> bool:
    """A change that a reject closed stays open while it can still be challenged, or while
    a challenge waits for the service owner."""
    rejection = state.latest_rejection
    closed_by_reject = (
        state.status is ChangeStatus.REJECTED
        and rejection is not None
        and rejection.change_was_closed
    )
    if not closed_by_reject:
        return False
    return challengeable(state, now) is not None or pending_challenge(state) is not None


def _require_open_or_closed_by(state: ChangeState, rejection: Rejection | None) -> None:
    closed_by_reject = (
        state.status is ChangeStatus.REJECTED and rejection and rejection.change_was_closed
    )
    if state.status.is_closed and not closed_by_reject:
        raise ChangeClosed(f"the change is {state.status} and accepts no further commands")


def check_challenge(state: ChangeState, cmd: Challenge, now: datetime) -> None:
    rejection = state.latest_rejection
    _require_open_or_closed_by(state, rejection)
    if rejection is None:
        raise NothingToChallenge("there is no reject on this change to challenge")
    if rejection.challenge is not None:
        raise ChallengeAlreadyFiled(f"the reject of {rejection.gate_name!r} was already challenged")
    if rejection.challenge_deadline is None or rejection.iteration != state.iteration:
        raise NothingToChallenge(f"the reject of {rejection.gate_name!r} cannot be challenged")
    if not rejection.window_open(now):
        raise ChallengeWindowClosed(
            f"the window to challenge the reject of {rejection.gate_name!r} closed at "
            f"{rejection.challenge_deadline.isoformat()}"
        )
    require_team_member(state, cmd.actor, "challenge a reject")


def check_resolve(state: ChangeState, cmd: ResolveChallenge) -> None:
    rejection = pending_challenge(state)
    _require_open_or_closed_by(state, state.latest_rejection)
    if rejection is None or rejection.iteration != state.iteration:
        raise NoPendingChallenge("no challenge is waiting for a decision on this change")
    if cmd.actor not in state.intake.people.service_owner:
        raise NotEligible(f"{cmd.actor} is not named as service owner on this change")
