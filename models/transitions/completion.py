"""A gate completed once its quorum is met: approvals whose authority lapsed stop
counting first, and a gate a condition holds is handed to the condition's owner."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState
from models.events import EventKind
from models.gate import GateStatus
from models.read.waiting import why_held
from models.roles import Role
from models.rules.conditions import blocking_conditions
from models.rules.quorum import counted_approvers, gate_ready, held_by_conditions
from models.transitions.conditions import bind_on_pass
from models.transitions.handoffs import hand_to
from models.transitions.stages import enter_stage


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
    return [*events, *pass_gate(state, now, actor, role)]


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
                kind=EventKind.APPROVAL_LAPSED,
                actor=approval.person,
                role=approval.role,
                at=now,
                payload={"gate_id": state.gate.id, "signoff_seq": approval.seq, "reason": lapsed},
            )
        )
    return events


def pass_gate(state: ChangeState, now: datetime, actor: str, role: Role | None) -> list[AuditEvent]:
    """Pass the current gate and enter the next stage."""
    gate = state.gate
    gate.status = GateStatus.PASSED
    gate.closed_at = now
    bind_on_pass(state, gate)
    approvers = {r.value: people for r, people in counted_approvers(gate).items()}
    passed = state.record(
        kind=EventKind.GATE_PASSED,
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
