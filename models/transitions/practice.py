"""The improvement practice recorded on a change: a prioritisation assessment, the service
owner's override of a missing condition, and an area's readiness. Each is audited."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState
from models.commands import OverrideGround, Prioritise, SetReadiness
from models.errors import NotEligible
from models.events import EventKind
from models.focus import missing_conditions
from models.intake import Prioritisation
from models.practice import AreaReadiness, GroundOverride, PrioritisationRecord
from models.roles import Role
from models.rules.practice import (
    check_override_ground,
    check_prioritise,
    check_set_readiness,
    ground_gate,
)


def apply_prioritise(
    state: ChangeState, cmd: Prioritise, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_prioritise(state, cmd)
    role = _named_role(state, cmd.actor)
    authorities.of(cmd.actor).require(role)
    assessment = Prioritisation.model_validate(
        cmd.model_dump(include=set(Prioritisation.model_fields))
    )
    missing = [m.condition for m in missing_conditions(assessment)]
    payload = {**assessment.model_dump(mode="json"), "missing": missing}
    if state.ground_override is not None:
        payload["override_cleared"] = True
    event = state.record(
        kind=EventKind.PRIORITISED, actor=cmd.actor, role=role, at=now, payload=payload
    )
    state.prioritisation = PrioritisationRecord(
        assessment=assessment, assessed_by=cmd.actor, assessed_at=now
    )
    state.ground_override = None
    return [event]


def apply_override_ground(
    state: ChangeState, cmd: OverrideGround, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_override_ground(state, cmd)
    authorities.of(cmd.actor).require(Role.SERVICE_OWNER)
    missing = [m.condition for m in missing_conditions(state.where_to_start())]
    gate = ground_gate(state.playbook).name
    event = state.record(
        kind=EventKind.GROUND_OVERRIDDEN,
        actor=cmd.actor,
        role=Role.SERVICE_OWNER,
        at=now,
        payload={"gate": gate, "missing": missing, "reason": cmd.reason},
    )
    state.ground_override = GroundOverride(
        reason=cmd.reason,
        gate_name=gate,
        missing=missing,
        overridden_by=cmd.actor,
        overridden_at=now,
    )
    return [event]


def apply_set_readiness(
    state: ChangeState, cmd: SetReadiness, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_set_readiness(state, cmd)
    role = _named_role(state, cmd.actor)
    authorities.of(cmd.actor).require(role)
    if not authorities.of(cmd.owner).active:
        raise NotEligible(f"area owner {cmd.owner} is not an active person in the directory")
    readiness = AreaReadiness(
        area=cmd.area,
        status=cmd.status,
        owner=cmd.owner,
        note=cmd.note,
        updated_by=cmd.actor,
        updated_at=now,
    )
    payload = readiness.model_dump(mode="json", exclude={"updated_by", "updated_at"})
    event = state.record(
        kind=EventKind.READINESS_SET, actor=cmd.actor, role=role, at=now, payload=payload
    )
    state.readiness[cmd.area] = readiness
    return [event]


def _named_role(state: ChangeState, person: str) -> Role:
    """The role a person acts in on this change: the first the change names them for;
    the proposer acts for the digital team."""
    for role in (Role.SERVICE_OWNER, Role.DIGITAL, Role.POLICY, Role.OPERATIONS, Role.ASSESSOR):
        if person in state.intake.people.for_role(role):
            return role
    return Role.DIGITAL
