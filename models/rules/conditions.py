"""Conditions as rules: which ones hold a gate, and who may close one."""

from __future__ import annotations

from models.authority import Authorities
from models.change import ChangeState
from models.commands import CloseCondition, SignOffCommand
from models.condition import Condition, ConditionStatus
from models.errors import ConditionClosed, ConditionNotFound, NotConditionOwner, NotEligible
from models.rules.common import require_active


def blocking_conditions(state: ChangeState) -> list[Condition]:
    """Open conditions from gates that have passed: they hold every later gate."""
    return [c for c in state.binding_conditions() if c.gate_id != state.gate.id]


def require_owners_active(cmd: SignOffCommand, authorities: Authorities) -> None:
    for condition in cmd.conditions:
        if not authorities.of(condition.owner).active:
            raise NotEligible(f"condition owner {condition.owner} is not an active person")


def check_close_condition(state: ChangeState, cmd: CloseCondition) -> None:
    require_active(state)
    condition = state.condition(cmd.condition_id)
    if condition is None:
        raise ConditionNotFound(f"no condition {cmd.condition_id!r} on this change")
    if condition.status is not ConditionStatus.OPEN:
        raise ConditionClosed(f"condition {condition.id!r} is already {condition.status}")
    if condition.owner != cmd.actor:
        raise NotConditionOwner(
            f"only the condition's owner, {condition.owner}, may close it; {cmd.actor} may not"
        )
