"""A reject recorded with the gate as it stood, a challenge filed, ruled on or lapsed,
and an overturned gate restored."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState, ChangeStatus
from models.commands import Challenge, ResolveChallenge, SignOffCommand
from models.events import EventKind
from models.gate import GateState, GateStatus
from models.playbook import CLOSE
from models.rejection import ChallengeOutcome, ChallengeRecord, Rejection
from models.roles import Role
from models.rules.challenges import check_challenge, check_resolve, pending_challenge
from models.transitions.conditions import reopen_with_gate, withdraw_with_gate
from models.transitions.handoffs import close_escalation, escalate, hand_to_next


def record_rejection(
    state: ChangeState,
    cmd: SignOffCommand,
    gate_before: GateState,
    seq: int,
    now: datetime,
    deadline: datetime | None,
) -> Rejection:
    for earlier in state.rejections:
        earlier.gate_before = None  # only the latest reject can be overturned
    rejection = Rejection(
        seq=seq,
        iteration=state.iteration,
        gate_id=gate_before.id,
        gate_name=gate_before.name,
        rejected_by=cmd.actor,
        acting_for=cmd.acting_for,
        role=cmd.role,
        comment=cmd.comment or "",
        to=cmd.reject_to or CLOSE,
        at=now,
        challenge_deadline=deadline,
        gate_before=gate_before if deadline else None,
        change_was_closed=(cmd.reject_to or CLOSE) == CLOSE,
    )
    state.rejections.append(rejection)
    return rejection


def lapse_pending(
    state: ChangeState, now: datetime, actor: str, role: Role | None, reason: str
) -> list[AuditEvent]:
    """Close a challenge that events have overtaken, so no one waits on it for ever."""
    rejection = pending_challenge(state)
    if rejection is None or rejection.challenge is None:
        return []
    challenge = rejection.challenge
    challenge.outcome, challenge.comment, challenge.resolved_at = (
        ChallengeOutcome.LAPSED,
        reason,
        now,
    )
    close_escalation(state, now)
    lapsed = state.record(
        kind=EventKind.CHALLENGE_LAPSED,
        actor=actor,
        role=role,
        at=now,
        payload={"rejection_seq": rejection.seq, "reason": reason},
    )
    return [lapsed]


def apply_challenge(
    state: ChangeState, cmd: Challenge, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_challenge(state, cmd, now)
    authorities.of(cmd.actor).require(Role.DIGITAL)
    rejection = state.latest_rejection
    assert rejection is not None
    rejection.challenge = ChallengeRecord(filed_by=cmd.actor, reason=cmd.reason, filed_at=now)
    filed = state.record(
        kind=EventKind.REJECT_CHALLENGED,
        actor=cmd.actor,
        role=Role.DIGITAL,
        at=now,
        payload={
            "rejection_seq": rejection.seq,
            "gate_id": rejection.gate_id,
            "reason": cmd.reason,
        },
    )
    reason = f"{cmd.actor} challenges the reject of {rejection.gate_name!r}: {cmd.reason}"
    to = ("service owner (challenge)", [Role.SERVICE_OWNER])
    return [filed, escalate(state, now, cmd.actor, Role.DIGITAL, to, reason)]


def apply_resolve(
    state: ChangeState, cmd: ResolveChallenge, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_resolve(state, cmd)
    authorities.of(cmd.actor).require(Role.SERVICE_OWNER)
    rejection = pending_challenge(state)
    assert rejection is not None
    assert rejection.challenge is not None
    challenge = rejection.challenge
    challenge.outcome, challenge.resolved_by = cmd.outcome, cmd.actor
    challenge.comment, challenge.resolved_at = cmd.comment, now
    close_escalation(state, now)
    resolved = state.record(
        kind=EventKind.CHALLENGE_RESOLVED,
        actor=cmd.actor,
        role=Role.SERVICE_OWNER,
        at=now,
        payload={
            "rejection_seq": rejection.seq,
            "outcome": cmd.outcome.value,
            "comment": cmd.comment,
        },
    )
    if cmd.outcome is ChallengeOutcome.UPHOLD:
        return [resolved]
    return [resolved, *_restore(state, rejection, cmd, now)]


def _restore(
    state: ChangeState, rejection: Rejection, cmd: ResolveChallenge, now: datetime
) -> list[AuditEvent]:
    """Put the rejected gate back exactly as it stood before the reject."""
    assert rejection.gate_before is not None
    restored = rejection.gate_before.model_copy(deep=True)
    if not state.gate.status.is_closed:
        state.gate.status = GateStatus.WITHDRAWN
        state.gate.closed_at = now
    withdraw_with_gate(state, state.gate, "its gate was withdrawn when a reject was overturned")
    state.past_gates = [g for g in [*state.past_gates, state.gate] if g.id != restored.id]
    state.gate, state.stage = restored, restored.stage
    if state.status is ChangeStatus.REJECTED:
        state.status, state.closed_at, state.closing_comment = ChangeStatus.ACTIVE, None, None
    reopen_with_gate(state, restored)
    reason = f"{cmd.actor} overturned the reject of {restored.name!r}: {cmd.comment}"
    return hand_to_next(state, now, cmd.actor, Role.SERVICE_OWNER, reason)
