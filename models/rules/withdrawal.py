"""Who may withdraw a change."""

from __future__ import annotations

from models.change import ChangeState
from models.commands import Withdraw
from models.errors import (
    NotPermitted,
)
from models.rules.common import require_active


def check_withdraw(state: ChangeState, cmd: Withdraw) -> None:
    require_active(state)
    allowed = {state.proposer, *state.intake.people.digital, *state.intake.people.service_owner}
    if cmd.actor not in allowed:
        raise NotPermitted(
            "only the proposer, the named digital people or the service owner may withdraw"
        )
