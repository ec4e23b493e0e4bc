"""A sign-off recorded at a gate: an approval, a request for changes, or a reject."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState, ChangeStatus
from models.commands import SignOffCommand
from models.events import EventKind
from models.gate import Decision, GateState, GateStatus, SignOff
from models.playbook import CLOSE
from models.rules.challenges import challenge_deadline
from models.rules.conditions import require_owners_active
from models.rules.sign_off import check_sign_off, check_sign_off_at
from models.transitions.challenges import lapse_pending, record_rejection
from models.transitions.conditions import raise_conditions, withdraw_with_gate
from models.transitions.handoffs import hand_to_next
from models.transitions.stages import close_change, enter_stage


def apply_sign_off(
    state: ChangeState, cmd: SignOffCommand, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_sign_off(state, cmd)
    check_sign_off_at(state, cmd, now)
    authorities.require_signer(cmd.actor, cmd.role, cmd.acting_for)
    require_owners_active(cmd, authorities)
    gate = state.gate
    before = gate.model_copy(deep=True)
    signed = state.record(
        kind=EventKind.SIGNED_OFF,
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
    newer = {"acting_for", "conditions", "challenge_deadline", "first_observed"}
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
        kind=EventKind.GATE_REJECTED,
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
