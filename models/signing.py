"""Signing off at a gate, and completing the gate once its quorum is met.

Recording a sign-off never passes a gate by itself. The workflow then asks whether
the gate is ready; on playbooks that re-check authority, it re-reads the directory
for every counted approver first, and approvals whose authority lapsed stop counting.
"""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.challenges import challenge_deadline, lapse_pending, record_rejection
from models.change import ChangeState, ChangeStatus
from models.commands import SignOffCommand
from models.conditions import (
    bind_on_pass,
    blocking_conditions,
    raise_conditions,
    require_owners_active,
    withdraw_with_gate,
)
from models.gate import Decision, GateState, GateStatus, SignOff, counted_approvers, quorum_met
from models.handoffs import hand_to, hand_to_next
from models.playbook import CLOSE, GateKind
from models.roles import Role
from models.rules import check_conditions_due, check_sign_off
from models.stages import close_change, enter_stage
from models.waiting import why_held


def apply_sign_off(
    state: ChangeState, cmd: SignOffCommand, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_sign_off(state, cmd)
    check_conditions_due(cmd, now)
    authorities.require_signer(cmd.actor, cmd.role, cmd.acting_for)
    require_owners_active(cmd, authorities)
    gate = state.gate
    before = gate.model_copy(deep=True)
    signed = state.record(
        kind="signed_off",
        actor=cmd.actor,
        role=cmd.role,
        at=now,
        payload=_signed_payload(gate.id, cmd),
    )
    signoff = SignOff(
        seq=signed.seq,
        gate_id=gate.id,
        revision=cmd.revision,
        person=cmd.actor,
        acting_for=cmd.acting_for,
        role=cmd.role,
        decision=cmd.decision,
        comment=cmd.comment,
        reject_to=cmd.reject_to,
        at=now,
        counts=cmd.decision.approves,
    )
    gate.signoffs.append(signoff)
    raise_conditions(state, cmd, signoff, now)
    if cmd.decision is Decision.REQUEST_CHANGES:
        return [signed, *_send_back(state, cmd, now)]
    if cmd.decision is Decision.REJECT:
        return [signed, *_reject(state, cmd, before, now)]
    return [signed]


def _signed_payload(gate_id: str, cmd: SignOffCommand) -> dict[str, object]:
    # Audit payloads are hashed: fields added since version 1 appear only when set, so
    # replaying a recorded change reproduces its stored hashes exactly.
    newer = {"acting_for", "conditions", "challenge_deadline"}
    payload = cmd.model_dump(mode="json", exclude={"actor", "request", *newer})
    if cmd.acting_for:
        payload["acting_for"] = cmd.acting_for
    if cmd.conditions:
        payload["conditions"] = [c.model_dump(mode="json") for c in cmd.conditions]
    return {"gate_id": gate_id, **payload}


def _send_back(state: ChangeState, cmd: SignOffCommand, now: datetime) -> list[AuditEvent]:
    state.gate.status = GateStatus.CHANGES_REQUESTED
    reason = f"{_who(cmd)} requested changes to revision {cmd.revision}: {cmd.comment}"
    return hand_to_next(state, now, cmd.actor, cmd.role, reason)


def _who(cmd: SignOffCommand) -> str:
    acting = f" acting for {cmd.acting_for}" if cmd.acting_for else ""
    return f"{cmd.actor} ({cmd.role}{acting})"


def gate_ready(state: ChangeState) -> bool:
    """Quorum met, and no open condition from an earlier gate holds it."""
    gate = state.gate
    return (
        state.status is ChangeStatus.ACTIVE
        and gate.kind is GateKind.SIGN_OFF
        and gate.status is GateStatus.IN_REVIEW
        and quorum_met(gate)
        and not blocking_conditions(state)
    )


def held_by_conditions(state: ChangeState) -> bool:
    """Every approval is in, but an open condition from an earlier gate holds the gate."""
    gate = state.gate
    return (
        state.status is ChangeStatus.ACTIVE
        and gate.kind is GateKind.SIGN_OFF
        and gate.status is GateStatus.IN_REVIEW
        and quorum_met(gate)
        and bool(blocking_conditions(state))
    )


def hand_held_gate(
    state: ChangeState, now: datetime, actor: str, role: Role | None
) -> list[AuditEvent]:
    """Hand a held gate to the owners of the conditions holding it, once per set of them:
    they are who the change now waits on, and the handoff says so."""
    owners = list(dict.fromkeys(c.owner for c in blocking_conditions(state)))
    to_party = f"condition owners {', '.join(owners)}"
    handoff = state.open_handoff
    if not held_by_conditions(state) or (handoff and handoff.to_party == to_party):
        return []
    return hand_to(state, now, actor, role, (to_party, []), why_held(state))


def people_to_recheck(state: ChangeState) -> list[str]:
    people = {p for s in state.gate.counting_approvals() for p in s.people}
    return sorted(people)


def complete_gate(
    state: ChangeState,
    now: datetime,
    actor: str,
    role: Role | None,
    authorities: Authorities | None,
    judge_only_people_read: bool = True,
) -> list[AuditEvent]:
    """Pass the gate if it is ready; with authorities, first drop approvals that lapsed."""
    if not gate_ready(state):
        return []
    events = (
        _lapse_approvals(state, authorities, now, judge_only_people_read)
        if authorities is not None
        else []
    )
    if not gate_ready(state):
        return events
    return [*events, *_pass_gate(state, now, actor, role)]


def _lapse_approvals(
    state: ChangeState, authorities: Authorities, now: datetime, judge_only_people_read: bool
) -> list[AuditEvent]:
    events = []
    for approval in state.gate.counting_approvals():
        if judge_only_people_read and not approval.people <= set(authorities.by_person):
            # Signed while the directory was being read: checked at its own signing a
            # moment ago, and not part of this reading, so not judged by it.
            continue
        lapsed = authorities.still_authorised(approval.person, approval.role, approval.acting_for)
        if lapsed is None:
            continue
        approval.counts = False
        approval.lapsed_at_revision = state.gate.revision
        approval.not_counted_reason = (
            f"no longer counts: {lapsed} (checked when the quorum would have completed)"
        )
        events.append(
            state.record(
                kind="approval_lapsed",
                actor=approval.person,
                role=approval.role,
                at=now,
                payload={"gate_id": state.gate.id, "signoff_seq": approval.seq, "reason": lapsed},
            )
        )
    return events


def _pass_gate(
    state: ChangeState, now: datetime, actor: str, role: Role | None
) -> list[AuditEvent]:
    gate = state.gate
    gate.status = GateStatus.PASSED
    gate.closed_at = now
    bind_on_pass(state, gate)
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
    return [passed, *enter_stage(state, following.name, now, actor, role, reason)]


def _reject(
    state: ChangeState, cmd: SignOffCommand, before: GateState, now: datetime
) -> list[AuditEvent]:
    lapsed = lapse_pending(state, now, cmd.actor, cmd.role, "a later reject overtook it")
    gate = state.gate
    gate.status = GateStatus.REJECTED
    gate.closed_at = now
    withdraw_with_gate(state, gate)
    target = cmd.reject_to or CLOSE
    deadline = cmd.challenge_deadline or challenge_deadline(state, now)
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
            **({"challenge_deadline": deadline.isoformat()} if deadline else {}),
        },
    )
    record_rejection(state, cmd, before, rejected.seq, now, deadline)
    if target == CLOSE:
        comment = f"rejected at {gate.name!r}: {cmd.comment}"
        closing = close_change(state, ChangeStatus.REJECTED, now, cmd.actor, cmd.role, comment)
        return [*lapsed, rejected, *closing]
    reason = f"{_who(cmd)} rejected at {gate.name!r}: {cmd.comment}"
    return [*lapsed, rejected, *enter_stage(state, target, now, cmd.actor, cmd.role, reason)]
