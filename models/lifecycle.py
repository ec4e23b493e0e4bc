"""Transitions of a service change. Each checks its command, changes the state and
returns the audit events it wrote, so the workflow only has to persist them.

Signing off lives in models/signing.py, conditions in models/conditions.py and
challenges in models/challenges.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.audit import AuditEvent
from models.authority import Authorities
from models.carryover import reassess_approvals
from models.challenges import lapse_pending
from models.change import ChangeState, ChangeStatus, CycleSummary, summarise_gate
from models.commands import Decide, NewChange, RecordMeasurement, SubmitWork, Withdraw
from models.evidence import Measurement, Submission
from models.gate import ActOutcome, GateDecision, GateState, GateStatus
from models.handoffs import hand_to_next
from models.roles import Role
from models.rules import check_decide, check_record_measurement, check_submit, check_withdraw
from models.stages import close_change, enter_stage, new_gate


def open_change(new: NewChange, now: datetime) -> tuple[ChangeState, list[AuditEvent]]:
    first = new.playbook.first_stage.name
    state = ChangeState(
        change_id=new.change_id,
        intake=new.intake,
        proposer=new.proposer,
        playbook=new.playbook,
        stage=first,
        gate=new_gate(new.playbook, first, iteration=1, visit=1, now=now),
        stage_visits={first: 1},
        created_at=now,
        updated_at=now,
    )
    created = state.record(
        kind="change_created",
        actor=new.proposer,
        role=Role.DIGITAL,
        at=now,
        payload={
            "intake": new.intake.model_dump(mode="json"),
            "playbook": {"name": new.playbook.name, "version": new.playbook.version},
        },
    )
    reason = f"the change was proposed; the team prepares the {first} work"
    return state, [created, *hand_to_next(state, now, new.proposer, Role.DIGITAL, reason)]


def apply_submit(
    state: ChangeState, cmd: SubmitWork, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_submit(state, cmd)
    owner = state.playbook.stage(state.stage).owner
    authorities.of(cmd.actor).require(owner)
    gate = state.gate
    submission = Submission(
        revision=state.next_revision,
        gate_id=gate.id,
        stage=gate.stage,
        summary=cmd.summary,
        evidence=cmd.evidence,
        submitted_by=cmd.actor,
        submitted_at=now,
        measurements=list(state.measurements),
    )
    evidence_bound = state.playbook.governance.evidence_bound_approvals
    reassess_approvals(gate, gate.current_submission, submission, evidence_bound)
    state.next_revision += 1
    gate.submissions.append(submission)
    # The revision before stays whole: the next one is compared with it.
    gate.compact_submissions(keep=2)
    gate.revision = submission.revision
    gate.status = GateStatus.IN_REVIEW
    submitted = state.record(
        kind="work_submitted",
        actor=cmd.actor,
        role=owner,
        at=now,
        payload=_submission_payload(gate),
    )
    reason = (
        f"revision {submission.revision} of the {gate.stage} work awaits sign-off at {gate.name!r}"
    )
    return [submitted, *hand_to_next(state, now, cmd.actor, owner, reason)]


def _submission_payload(gate: GateState) -> dict[str, Any]:
    submission = gate.current_submission
    assert submission is not None
    return {"gate_id": gate.id, **submission.model_dump(mode="json", exclude={"gate_id"})}


def apply_record_measurement(
    state: ChangeState, cmd: RecordMeasurement, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_record_measurement(state, cmd)
    authorities.of(cmd.actor).require(state.playbook.stage(state.stage).owner)
    measurement = Measurement(
        metric=cmd.metric, value=cmd.value, note=cmd.note, recorded_by=cmd.actor, recorded_at=now
    )
    state.measurements = [m for m in state.measurements if m.metric != cmd.metric]
    state.measurements.append(measurement)
    recorded = state.record(
        kind="measurement_recorded",
        actor=cmd.actor,
        role=Role.DIGITAL,
        at=now,
        payload={"iteration": state.iteration, **measurement.model_dump(mode="json")},
    )
    return [recorded]


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
        kind="decision_made",
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
        kind="cycle_started",
        actor=actor,
        role=Role.SERVICE_OWNER,
        at=now,
        payload={"iteration": state.iteration, "restart_at": restart_at},
    )
    reason = f"adapt: cycle {state.iteration} starts again at {restart_at}"
    return [*lapsed, began, *enter_stage(state, restart_at, now, actor, Role.SERVICE_OWNER, reason)]


def apply_withdraw(
    state: ChangeState,
    cmd: Withdraw,
    authorities: Authorities,
    now: datetime,
    require_role: bool = True,
) -> list[AuditEvent]:
    check_withdraw(state, cmd)
    role = Role.SERVICE_OWNER if cmd.actor in state.intake.people.service_owner else Role.DIGITAL
    authority = authorities.of(cmd.actor)
    if require_role:
        authority.require(role)
    elif not authority.active:
        authority.require(Role.DIGITAL)
    return close_change(state, ChangeStatus.WITHDRAWN, now, cmd.actor, role, cmd.reason)


def carry_into_new_run(state: ChangeState) -> ChangeState:
    """Keep each run's history bounded: gates of earlier cycles live on as the compact
    summaries in `cycles` (and in full in the read model); handoffs are small and stay."""
    carried = state.model_copy(deep=True)
    carried.past_gates = [g for g in carried.past_gates if g.iteration == carried.iteration]
    return carried
