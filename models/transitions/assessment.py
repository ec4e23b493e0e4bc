"""A service assessment recorded at an assessment gate: a red point sends the work back
for rework and a reassessment of the red points; otherwise the gate passes, and each
amber point's actions become conditions that hold the next assessment."""

from __future__ import annotations

from datetime import datetime

from models.assessment import SERVICE_STANDARD, Assessment, Rag
from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState
from models.commands import Assess
from models.condition import Condition
from models.errors import NotEligible
from models.events import EventKind
from models.gate import Decision, GateStatus, SignOff
from models.roles import Role
from models.rules.assessment import check_assess, check_assess_at, sittings_at
from models.transitions.completion import pass_gate
from models.transitions.handoffs import hand_to_next


def apply_assess(
    state: ChangeState, cmd: Assess, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_assess(state, cmd)
    check_assess_at(state, cmd, now)
    authorities.of(cmd.actor).require(Role.ASSESSOR)
    for action in cmd.actions:
        if not authorities.of(action.owner).active:
            raise NotEligible(f"action owner {action.owner} is not an active person")
    gate = state.gate
    reassessment = bool(sittings_at(state, gate))
    red = sorted(r.point for r in cmd.ratings if r.rating is Rag.RED)
    panel = _panel(state)
    payload = cmd.model_dump(mode="json", exclude={"actor", "request", "summary", "first_observed"})
    if cmd.summary:
        payload["summary"] = cmd.summary
    payload |= {"gate_id": gate.id, "panel": panel, "reassessment": reassessment}
    payload |= {"passed": not red, "red_points": red}
    assessed = state.record(
        kind=EventKind.ASSESSED, actor=cmd.actor, role=Role.ASSESSOR, at=now, payload=payload
    )
    raised = _raise_actions(state, cmd, assessed.seq, now)
    state.assessments.append(
        Assessment(
            **cmd.model_dump(exclude={"actor", "request", "first_observed"}),
            seq=assessed.seq,
            gate_id=gate.id,
            gate_name=gate.name,
            assessed_by=cmd.actor,
            panel=panel,
            at=now,
            reassessment=reassessment,
            passed=not red,
            condition_ids=[c.id for c in raised],
        )
    )
    if red:
        return [assessed, *_send_back(state, cmd.actor, red, now)]
    _record_panel_approval(state, cmd, assessed.seq, now)
    return [assessed, *pass_gate(state, now, cmd.actor, Role.ASSESSOR)]


def _panel(state: ChangeState) -> dict[str, str]:
    seats = state.playbook.stage(state.gate.stage).gate.panel
    return dict(zip(seats, state.intake.people.assessor, strict=False))


def _raise_actions(state: ChangeState, cmd: Assess, seq: int, now: datetime) -> list[Condition]:
    gate = state.gate
    raised = [
        Condition(
            id=f"a{seq}-{index}",
            gate_id=gate.id,
            gate_name=gate.name,
            description=f"point {a.point}, {SERVICE_STANDARD[a.point]}: {a.description}",
            owner=a.owner,
            due=a.due,
            raised_by=cmd.actor,
            raised_role=Role.ASSESSOR,
            raised_at=now,
        )
        for index, a in enumerate(cmd.actions, start=1)
    ]
    state.conditions.extend(raised)
    return raised


def _send_back(state: ChangeState, actor: str, red: list[int], now: datetime) -> list[AuditEvent]:
    gate = state.gate
    gate.status = GateStatus.CHANGES_REQUESTED
    points = ", ".join(str(p) for p in red)
    reason = (
        f"{gate.name!r} not met: point(s) {points} rated red; the team reworks and is "
        "reassessed on those points only"
    )
    return hand_to_next(state, now, actor, Role.ASSESSOR, reason)


def _record_panel_approval(state: ChangeState, cmd: Assess, seq: int, now: datetime) -> None:
    """The met assessment stands as the panel's approval of the gate: it carries every
    action raised at the gate, so they bind when it passes."""
    gate = state.gate
    actions = [c.id for c in state.open_conditions() if c.gate_id == gate.id]
    gate.signoffs.append(
        SignOff(
            seq=seq,
            gate_id=gate.id,
            revision=cmd.revision,
            person=cmd.actor,
            role=Role.ASSESSOR,
            decision=Decision.APPROVE_WITH_CONDITIONS if actions else Decision.APPROVE,
            comment=cmd.summary,
            condition_ids=actions,
            at=now,
            counts=True,
        )
    )
