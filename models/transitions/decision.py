"""The act gate's decision: adopt, abandon, or adapt into a new cycle."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState, ChangeStatus, CycleSummary, GateSummary
from models.commands import Decide
from models.events import EventKind
from models.gate import ActOutcome, GateDecision, GateState, GateStatus
from models.roles import Role
from models.rules.decision import check_decide
from models.rules.quorum import counted_approvers
from models.transitions.challenges import lapse_pending
from models.transitions.stages import close_change, enter_stage


def apply_decide(
    state: ChangeState, cmd: Decide, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_decide(state, cmd)
    authorities.of(cmd.actor).require(Role.SERVICE_OWNER)
    gate = state.gate
    restart_at = cmd.restart_at or (
        state.playbook.adapt_restart_at[0] if cmd.outcome is ActOutcome.ADAPT else None
    )
    gate.decision = GateDecision(
        outcome=cmd.outcome,
        decided_by=cmd.actor,
        comment=cmd.comment,
        restart_at=restart_at,
        at=now,
    )
    gate.status = GateStatus.DECIDED
    gate.closed_at = now
    decided = state.record(
        kind=EventKind.DECISION_MADE,
        actor=cmd.actor,
        role=Role.SERVICE_OWNER,
        at=now,
        payload={"gate_id": gate.id, **gate.decision.model_dump(mode="json")},
    )
    state.cycles.append(_cycle_summary(state, gate.decision))
    return [decided, *_after_decision(state, gate.decision, now)]


def _cycle_summary(state: ChangeState, decision: GateDecision) -> CycleSummary:
    return CycleSummary(
        iteration=state.iteration,
        outcome=decision.outcome,
        decided_by=decision.decided_by,
        comment=decision.comment,
        decided_at=decision.at,
        measurements=list(state.measurements),
        gates=[summarise_gate(g) for g in [*state.past_gates, state.gate]],
    )


def _after_decision(state: ChangeState, decision: GateDecision, now: datetime) -> list[AuditEvent]:
    actor, role = decision.decided_by, Role.SERVICE_OWNER
    if decision.outcome is ActOutcome.ADOPT:
        return close_change(state, ChangeStatus.COMPLETED, now, actor, role, decision.comment)
    if decision.outcome is ActOutcome.ABANDON:
        return close_change(state, ChangeStatus.ABANDONED, now, actor, role, decision.comment)
    assert decision.restart_at is not None
    return _start_next_cycle(state, decision.restart_at, now, actor)


def _start_next_cycle(
    state: ChangeState, restart_at: str, now: datetime, actor: str
) -> list[AuditEvent]:
    lapsed = lapse_pending(state, now, actor, Role.SERVICE_OWNER, "a new cycle began")
    state.iteration += 1
    state.measurements = []
    state.stage_visits = {}
    began = state.record(
        kind=EventKind.CYCLE_STARTED,
        actor=actor,
        role=Role.SERVICE_OWNER,
        at=now,
        payload={"iteration": state.iteration, "restart_at": restart_at},
    )
    reason = f"adapt: cycle {state.iteration} starts again at {restart_at}"
    return [*lapsed, began, *enter_stage(state, restart_at, now, actor, Role.SERVICE_OWNER, reason)]


def carry_into_new_run(state: ChangeState) -> ChangeState:
    """Keep each run's history bounded: gates of earlier cycles live on as the compact
    summaries in `cycles` (and in full in the read model); handoffs are small and stay."""
    carried = state.model_copy(deep=True)
    carried.past_gates = [g for g in carried.past_gates if g.iteration == carried.iteration]
    return carried


def summarise_gate(gate: GateState) -> GateSummary:
    return GateSummary(
        id=gate.id,
        name=gate.name,
        status=gate.status,
        revision=gate.revision,
        opened_at=gate.opened_at,
        closed_at=gate.closed_at,
        approvers=counted_approvers(gate),
    )
