"""Moving a change between stages, and closing it."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.change import ChangeState, ChangeStatus
from models.events import EventKind
from models.gate import GateState, GateStatus
from models.playbook import GateKind, Playbook
from models.roles import Role
from models.transitions.challenges import lapse_pending
from models.transitions.conditions import withdraw_all
from models.transitions.handoffs import close_all, hand_to_next


def new_gate(
    playbook: Playbook, stage_name: str, *, iteration: int, visit: int, now: datetime
) -> GateState:
    gate = playbook.stage(stage_name).gate
    decision = gate.kind is GateKind.DECISION
    return GateState(
        id=f"{iteration}.{stage_name}.{visit}",
        iteration=iteration,
        stage=stage_name,
        name=gate.name,
        kind=gate.kind,
        quorum=dict(gate.quorum),
        reject_to=list(gate.reject_to),
        status=GateStatus.IN_REVIEW if decision else GateStatus.AWAITING_SUBMISSION,
        opened_at=now,
    )


def enter_stage(
    state: ChangeState, stage_name: str, now: datetime, actor: str, role: Role | None, reason: str
) -> list[AuditEvent]:
    state.gate.compact_submissions(keep=1)
    state.past_gates.append(state.gate)
    visit = state.stage_visits.get(stage_name, 0) + 1
    state.stage_visits[stage_name] = visit
    state.gate = new_gate(
        state.playbook, stage_name, iteration=state.iteration, visit=visit, now=now
    )
    state.stage = stage_name
    entered = state.record(
        kind=EventKind.STAGE_ENTERED,
        actor=actor,
        role=role,
        at=now,
        payload={"stage": stage_name, "gate_id": state.gate.id, "iteration": state.iteration},
    )
    return [entered, *hand_to_next(state, now, actor, role, reason)]


def close_change(
    state: ChangeState,
    status: ChangeStatus,
    now: datetime,
    actor: str,
    role: Role,
    comment: str | None,
) -> list[AuditEvent]:
    """Close the change; a waiting challenge lapses and open conditions are withdrawn."""
    lapsed = lapse_pending(state, now, actor, role, f"the change closed as {status}")
    withdraw_all(state, f"the change closed as {status}")
    state.status = status
    state.closed_at = now
    state.closing_comment = comment
    if not state.gate.status.is_closed:
        state.gate.status = GateStatus.CLOSED_UNDECIDED
        state.gate.closed_at = now
    close_all(state, now)
    closed = state.record(
        kind=EventKind.CHANGE_CLOSED,
        actor=actor,
        role=role,
        at=now,
        payload={"status": status.value, "comment": comment},
    )
    return [*lapsed, closed]
