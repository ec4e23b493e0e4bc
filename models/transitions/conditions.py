"""Conditions as they are raised, bound when their gate passes, withdrawn with a gate
and closed by their owner."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState
from models.commands import CloseCondition, SignOffCommand
from models.condition import Condition, ConditionStatus
from models.errors import NotEligible
from models.events import EventKind
from models.gate import GateState, SignOff
from models.rules.conditions import check_close_condition

GATE_REJECTED = "its gate was rejected"


def raise_conditions(
    state: ChangeState, cmd: SignOffCommand, signoff: SignOff, now: datetime
) -> list[Condition]:
    gate = state.gate
    raised = [
        Condition(
            id=f"c{signoff.seq}-{index}",
            gate_id=gate.id,
            gate_name=gate.name,
            description=c.description,
            owner=c.owner,
            due=c.due,
            raised_by=cmd.actor,
            raised_role=cmd.role,
            raised_at=now,
        )
        for index, c in enumerate(cmd.conditions, start=1)
    ]
    state.conditions.extend(raised)
    signoff.condition_ids = [c.id for c in raised]
    return raised


def bind_on_pass(state: ChangeState, gate: GateState) -> None:
    """A passing gate binds its conditions, except those whose approval did not count."""
    counting = {cid for s in gate.counting_approvals() for cid in s.condition_ids}
    for condition in state.open_conditions():
        if condition.gate_id != gate.id:
            continue
        if condition.id in counting:
            condition.binding = True
        else:
            condition.status = ConditionStatus.WITHDRAWN
            condition.note = "withdrawn: the approval that raised it did not count"


def withdraw_with_gate(state: ChangeState, gate: GateState, why: str = GATE_REJECTED) -> None:
    for condition in state.open_conditions():
        if condition.gate_id == gate.id:
            condition.status = ConditionStatus.WITHDRAWN
            condition.note = why


def withdraw_all(state: ChangeState, why: str) -> None:
    for condition in state.open_conditions():
        condition.status = ConditionStatus.WITHDRAWN
        condition.note = why


def reopen_with_gate(state: ChangeState, gate: GateState) -> None:
    for condition in state.conditions:
        if condition.gate_id == gate.id and condition.note == GATE_REJECTED:
            condition.status = ConditionStatus.OPEN
            condition.note = None


def apply_close_condition(
    state: ChangeState, cmd: CloseCondition, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_close_condition(state, cmd)
    if not authorities.of(cmd.actor).active:
        raise NotEligible(f"{cmd.actor} is not an active person in the directory")
    condition = state.condition(cmd.condition_id)
    assert condition is not None
    condition.status = ConditionStatus.CLOSED
    condition.closed_by, condition.closed_at = cmd.actor, now
    condition.note, condition.evidence = cmd.note, cmd.evidence
    closed = state.record(
        kind=EventKind.CONDITION_CLOSED,
        actor=cmd.actor,
        role=None,
        at=now,
        payload={
            "condition_id": condition.id,
            "note": cmd.note,
            "evidence": [e.model_dump(mode="json") for e in cmd.evidence],
        },
    )
    return [closed]
