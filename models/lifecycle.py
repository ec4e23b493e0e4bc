"""Transitions of a service change. Each checks its command, changes the state and
returns the audit events it wrote, so the workflow only has to persist them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.audit import AuditEvent
from models.authority import Authority
from models.change import ChangeState, ChangeStatus, CycleSummary, Handoff
from models.commands import (
    Decide,
    NewChange,
    RecordMeasurement,
    SignOffCommand,
    SubmitWork,
    Withdraw,
)
from models.evidence import Measurement, Submission
from models.gate import (
    ActOutcome,
    Decision,
    GateDecision,
    GateState,
    GateStatus,
    SignOff,
    counted_approvers,
    quorum_met,
)
from models.playbook import CLOSE, GateKind, Playbook
from models.roles import Role
from models.rules import (
    check_decide,
    check_record_measurement,
    check_sign_off,
    check_submit,
    check_withdraw,
)


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
    return state, [created, *_hand_to_next(state, now, new.proposer, Role.DIGITAL, reason)]


def new_gate(
    playbook: Playbook, stage_name: str, *, iteration: int, visit: int, now: datetime
) -> GateState:
    gate = playbook.stage(stage_name).gate
    return GateState(
        id=f"{iteration}.{stage_name}.{visit}",
        iteration=iteration,
        stage=stage_name,
        name=gate.name,
        kind=gate.kind,
        quorum=dict(gate.quorum),
        reject_to=list(gate.reject_to),
        status=GateStatus.IN_REVIEW
        if gate.kind is GateKind.DECISION
        else GateStatus.AWAITING_SUBMISSION,
        opened_at=now,
    )


def apply_submit(
    state: ChangeState, cmd: SubmitWork, authority: Authority, now: datetime
) -> list[AuditEvent]:
    check_submit(state, cmd)
    owner = state.playbook.stage(state.stage).owner
    authority.require(owner)
    gate = state.gate
    revision = state.next_revision
    state.next_revision += 1
    _supersede_approvals(gate, f"superseded by revision {revision}")
    gate.submissions.append(
        Submission(
            revision=revision,
            gate_id=gate.id,
            stage=gate.stage,
            summary=cmd.summary,
            evidence=cmd.evidence,
            submitted_by=cmd.actor,
            submitted_at=now,
            measurements=list(state.measurements),
        )
    )
    gate.revision = revision
    gate.status = GateStatus.IN_REVIEW
    submitted = state.record(
        kind="work_submitted",
        actor=cmd.actor,
        role=owner,
        at=now,
        payload=_submission_payload(gate),
    )
    reason = f"revision {revision} of the {gate.stage} work awaits sign-off at {gate.name!r}"
    return [submitted, *_hand_to_next(state, now, cmd.actor, owner, reason)]


def _submission_payload(gate: GateState) -> dict[str, Any]:
    submission = gate.current_submission
    assert submission is not None
    return {"gate_id": gate.id, **submission.model_dump(mode="json", exclude={"gate_id"})}


def _supersede_approvals(gate: GateState, reason: str) -> None:
    for signoff in gate.signoffs:
        if signoff.counts:
            signoff.counts = False
            signoff.not_counted_reason = reason


def apply_sign_off(
    state: ChangeState, cmd: SignOffCommand, authority: Authority, now: datetime
) -> list[AuditEvent]:
    check_sign_off(state, cmd)
    authority.require(cmd.role)
    gate = state.gate
    signed = state.record(
        kind="signed_off",
        actor=cmd.actor,
        role=cmd.role,
        at=now,
        payload={"gate_id": gate.id, **cmd.model_dump(mode="json", exclude={"actor", "request"})},
    )
    gate.signoffs.append(
        SignOff(
            seq=signed.seq,
            gate_id=gate.id,
            revision=cmd.revision,
            person=cmd.actor,
            role=cmd.role,
            decision=cmd.decision,
            comment=cmd.comment,
            reject_to=cmd.reject_to,
            at=now,
            counts=cmd.decision is Decision.APPROVE,
        )
    )
    return [signed, *_after_sign_off(state, cmd, now)]


def _after_sign_off(state: ChangeState, cmd: SignOffCommand, now: datetime) -> list[AuditEvent]:
    gate = state.gate
    if cmd.decision is Decision.APPROVE:
        return _pass_gate(state, now, cmd.actor, cmd.role) if quorum_met(gate) else []
    if cmd.decision is Decision.REQUEST_CHANGES:
        gate.status = GateStatus.CHANGES_REQUESTED
        reason = (
            f"{cmd.actor} ({cmd.role}) requested changes to revision {cmd.revision}: {cmd.comment}"
        )
        return _hand_to_next(state, now, cmd.actor, cmd.role, reason)
    return _reject(state, cmd, now)


def _pass_gate(state: ChangeState, now: datetime, actor: str, role: Role) -> list[AuditEvent]:
    gate = state.gate
    gate.status = GateStatus.PASSED
    gate.closed_at = now
    approvers = {r.value: people for r, people in counted_approvers(gate).items()}
    passed = state.record(
        kind="gate_passed",
        actor=actor,
        role=role,
        at=now,
        payload={
            "gate_id": gate.id,
            "gate": gate.name,
            "revision": gate.revision,
            "approvers": approvers,
        },
    )
    following = state.playbook.next_stage(gate.stage)
    assert following is not None, "only decision gates end a playbook"
    reason = f"gate {gate.name!r} passed; next is {following.gate.name!r}"
    return [passed, *_enter_stage(state, following.name, now, actor, role, reason)]


def _reject(state: ChangeState, cmd: SignOffCommand, now: datetime) -> list[AuditEvent]:
    gate = state.gate
    gate.status = GateStatus.REJECTED
    gate.closed_at = now
    target = cmd.reject_to or CLOSE
    rejected = state.record(
        kind="gate_rejected",
        actor=cmd.actor,
        role=cmd.role,
        at=now,
        payload={
            "gate_id": gate.id,
            "revision": cmd.revision,
            "to": target,
            "comment": cmd.comment,
        },
    )
    if target == CLOSE:
        comment = f"rejected at {gate.name!r}: {cmd.comment}"
        return [rejected, _close(state, ChangeStatus.REJECTED, now, cmd.actor, cmd.role, comment)]
    reason = f"{cmd.actor} ({cmd.role}) rejected at {gate.name!r}: {cmd.comment}"
    return [rejected, *_enter_stage(state, target, now, cmd.actor, cmd.role, reason)]


def apply_record_measurement(
    state: ChangeState, cmd: RecordMeasurement, authority: Authority, now: datetime
) -> list[AuditEvent]:
    check_record_measurement(state, cmd)
    authority.require(state.playbook.stage(state.stage).owner)
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
    state: ChangeState, cmd: Decide, authority: Authority, now: datetime
) -> list[AuditEvent]:
    check_decide(state, cmd)
    authority.require(Role.SERVICE_OWNER)
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
    )


def _after_decision(state: ChangeState, decision: GateDecision, now: datetime) -> list[AuditEvent]:
    actor, role = decision.decided_by, Role.SERVICE_OWNER
    if decision.outcome is ActOutcome.ADOPT:
        return [_close(state, ChangeStatus.COMPLETED, now, actor, role, decision.comment)]
    if decision.outcome is ActOutcome.ABANDON:
        return [_close(state, ChangeStatus.ABANDONED, now, actor, role, decision.comment)]
    assert decision.restart_at is not None
    return _start_next_cycle(state, decision.restart_at, now, actor)


def _start_next_cycle(
    state: ChangeState, restart_at: str, now: datetime, actor: str
) -> list[AuditEvent]:
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
    return [began, *_enter_stage(state, restart_at, now, actor, Role.SERVICE_OWNER, reason)]


def apply_withdraw(
    state: ChangeState, cmd: Withdraw, authority: Authority, now: datetime
) -> list[AuditEvent]:
    check_withdraw(state, cmd)
    if not authority.active:
        authority.require(Role.DIGITAL)
    role = Role.SERVICE_OWNER if cmd.actor in state.intake.people.service_owner else Role.DIGITAL
    return [_close(state, ChangeStatus.WITHDRAWN, now, cmd.actor, role, cmd.reason)]


def _enter_stage(
    state: ChangeState, stage_name: str, now: datetime, actor: str, role: Role, reason: str
) -> list[AuditEvent]:
    state.past_gates.append(state.gate)
    visit = state.stage_visits.get(stage_name, 0) + 1
    state.stage_visits[stage_name] = visit
    state.gate = new_gate(
        state.playbook, stage_name, iteration=state.iteration, visit=visit, now=now
    )
    state.stage = stage_name
    entered = state.record(
        kind="stage_entered",
        actor=actor,
        role=role,
        at=now,
        payload={"stage": stage_name, "gate_id": state.gate.id, "iteration": state.iteration},
    )
    return [entered, *_hand_to_next(state, now, actor, role, reason)]


def _hand_to_next(
    state: ChangeState, now: datetime, actor: str, role: Role, reason: str
) -> list[AuditEvent]:
    """Close the open handoff and open one to whoever must act next on the current gate."""
    gate = state.gate
    if gate.status is GateStatus.IN_REVIEW:
        to_party, roles = f"gate {gate.name!r}", list(gate.quorum)
    else:
        owner = state.playbook.stage(gate.stage).owner
        to_party, roles = f"{owner} team", [owner]
    previous = state.open_handoff
    from_party = previous.to_party if previous else f"proposer {state.proposer}"
    if previous is not None:
        previous.closed_at = now
    payload = {
        "from": from_party,
        "to": to_party,
        "roles": [r.value for r in roles],
        "reason": reason,
    }
    opened = state.record(kind="handoff", actor=actor, role=role, at=now, payload=payload)
    state.handoffs.append(
        Handoff(
            seq=opened.seq,
            from_party=from_party,
            to_party=to_party,
            roles=roles,
            reason=reason,
            opened_at=now,
        )
    )
    return [opened]


def _close(
    state: ChangeState,
    status: ChangeStatus,
    now: datetime,
    actor: str,
    role: Role,
    comment: str | None,
) -> AuditEvent:
    state.status = status
    state.closed_at = now
    state.closing_comment = comment
    if not state.gate.status.is_closed:
        state.gate.status = GateStatus.CLOSED_UNDECIDED
        state.gate.closed_at = now
    handoff = state.open_handoff
    if handoff is not None:
        handoff.closed_at = now
    return state.record(
        kind="change_closed",
        actor=actor,
        role=role,
        at=now,
        payload={"status": status.value, "comment": comment},
    )


def carry_into_new_run(state: ChangeState) -> ChangeState:
    """Drop what the read model already holds, so each run's history stays bounded."""
    carried = state.model_copy(deep=True)
    carried.past_gates = [g for g in carried.past_gates if g.iteration == carried.iteration]
    carried.handoffs = [h for h in carried.handoffs if h.closed_at is None]
    return carried
