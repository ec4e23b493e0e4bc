"""Who may decide at the act gate, and what adopt, adapt and abandon need."""

from __future__ import annotations

from models.change import ChangeState
from models.commands import Decide
from models.errors import (
    CommentRequired,
    ConditionsOpen,
    InvalidRequest,
    NotEligible,
    RejectTargetNotAllowed,
    WrongStage,
)
from models.gate import ActOutcome
from models.playbook import GateKind
from models.rules.common import require_active


def check_decide(state: ChangeState, cmd: Decide) -> None:
    require_active(state)
    gate = state.gate
    if gate.kind is not GateKind.DECISION:
        raise WrongStage(f"decisions are made at the act gate; the change is at {state.stage}")
    if cmd.actor not in state.intake.people.service_owner:
        raise NotEligible(f"{cmd.actor} is not named as service owner on this change")
    if cmd.outcome is not ActOutcome.ADOPT and not cmd.comment:
        raise CommentRequired(f"an {cmd.outcome} decision must carry a comment saying why")
    open_conditions = state.binding_conditions()
    if cmd.outcome is ActOutcome.ADOPT and open_conditions:
        listed = "; ".join(f"{c.description!r} (owner {c.owner})" for c in open_conditions)
        raise ConditionsOpen(f"adopt needs every condition closed; still open: {listed}")
    _check_restart(state, cmd)


def _check_restart(state: ChangeState, cmd: Decide) -> None:
    if cmd.outcome is not ActOutcome.ADAPT:
        if cmd.restart_at is not None:
            raise InvalidRequest("restart_at is only for an adapt decision")
        return
    allowed = state.playbook.adapt_restart_at
    if cmd.restart_at is not None and cmd.restart_at not in allowed:
        raise RejectTargetNotAllowed(
            f"an adapt may restart at {', '.join(allowed)}, not {cmd.restart_at!r}"
        )
