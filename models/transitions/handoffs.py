"""Handoffs written as responsibility moves: the main line, and escalations beside it."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.change import ChangeState
from models.events import EventKind
from models.gate import GateStatus
from models.handoff import Handoff, HandoffKind
from models.roles import Role


def hand_to_next(
    state: ChangeState, now: datetime, actor: str, role: Role | None, reason: str
) -> list[AuditEvent]:
    """Close the open handoff and open one to whoever must act next on the current gate."""
    gate = state.gate
    if gate.status is GateStatus.IN_REVIEW:
        to_party, roles = f"gate {gate.name!r}", list(gate.quorum)
    else:
        owner = state.playbook.stage(gate.stage).owner
        to_party, roles = f"{owner} team", [owner]
    return hand_to(state, now, actor, role, (to_party, roles), reason)


def hand_to(
    state: ChangeState,
    now: datetime,
    actor: str,
    role: Role | None,
    to: tuple[str, list[Role]],
    reason: str,
) -> list[AuditEvent]:
    """Close the open handoff of the main line and open one to the given party."""
    previous = state.open_handoff
    from_party = previous.to_party if previous else f"proposer {state.proposer}"
    if previous is not None:
        previous.closed_at = now
    to_party, roles = to
    return [_open(state, now, actor, role, HandoffKind.FLOW, from_party, to_party, roles, reason)]


def escalate(
    state: ChangeState,
    now: datetime,
    actor: str,
    role: Role | None,
    to: tuple[str, list[Role]],
    reason: str,
    *,
    kind: HandoffKind = HandoffKind.ESCALATION,
    about: str | None = None,
) -> AuditEvent:
    """Open a side handoff, leaving the main line of responsibility where it is."""
    from_party = state.open_handoff.to_party if state.open_handoff else f"{role} {actor}"
    to_party, roles = to
    opened = _open(state, now, actor, role, kind, from_party, to_party, roles, reason)
    state.handoffs[-1].about = about
    return opened


def close_escalation(state: ChangeState, now: datetime) -> None:
    escalation = state.open_escalation
    if escalation is not None:
        escalation.closed_at = now


def close_all(state: ChangeState, now: datetime) -> None:
    for handoff in state.handoffs:
        if handoff.closed_at is None:
            handoff.closed_at = now


def _open(
    state: ChangeState,
    now: datetime,
    actor: str,
    role: Role | None,
    kind: HandoffKind,
    from_party: str,
    to_party: str,
    roles: list[Role],
    reason: str,
) -> AuditEvent:
    payload: dict[str, object] = {
        "from": from_party,
        "to": to_party,
        "roles": [r.value for r in roles],
        "reason": reason,
    }
    if kind is not HandoffKind.FLOW:
        payload["kind"] = kind.value  # hashed payloads keep their version 1 shape
    opened = state.record(kind=EventKind.HANDOFF, actor=actor, role=role, at=now, payload=payload)
    state.handoffs.append(
        Handoff(
            seq=opened.seq,
            kind=kind,
            from_party=from_party,
            to_party=to_party,
            roles=roles,
            reason=reason,
            opened_at=now,
            gate_id=state.gate.id,
        )
    )
    return opened
