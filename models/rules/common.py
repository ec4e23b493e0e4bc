"""Checks every command shares: the change is open, the actor is on its team."""

from __future__ import annotations

from models.change import ChangeState
from models.errors import (
    ChangeClosed,
    NotEligible,
)


def require_active(state: ChangeState) -> None:
    if state.status.is_closed:
        raise ChangeClosed(f"the change is {state.status} and accepts no further commands")


def require_team_member(state: ChangeState, person: str, doing: str) -> None:
    if person not in state.team_members():
        raise NotEligible(
            f"only the change's proposer or its named digital people may {doing}; "
            f"{person} is neither"
        )
