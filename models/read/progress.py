"""Each role's progress at a gate: who counts, who could still approve, and who may not
and why. Who could sign is worked out by the rules themselves, so the answer never
disagrees with what a sign-off would meet.
"""

from __future__ import annotations

from pydantic import Field

from models.authority import Authorities
from models.base import Strict
from models.change import ChangeState
from models.commands import SignOffCommand
from models.errors import ThroughlineError
from models.gate import Decision, GateState
from models.playbook import GateKind
from models.roles import Role
from models.rules.quorum import counted_approvers
from models.rules.sign_off import check_signer


class Exclusion(Strict):
    person: str
    reason: str = Field(description="The rule that stops them, as a sign-off would be told.")


class RoleProgress(Strict):
    role: Role
    required: int
    given: int
    signed_by: list[str] = Field(description="Who counts for this role; holders, not delegates.")
    not_yet_signed: list[str] = Field(
        description="Named people who could still approve for this role at this gate."
    )
    cannot_sign: list[Exclusion] = Field(
        default_factory=list, description="Named people who may not approve here, and why."
    )


def role_progress(
    state: ChangeState, gate: GateState, directory: Authorities | None = None
) -> list[RoleProgress]:
    counted = counted_approvers(gate)
    if gate.decision is not None:
        counted = {Role.SERVICE_OWNER: [gate.decision.decided_by]}
    progress = []
    for role, need in gate.quorum.items():
        able, unable = _who_may_approve(state, gate, role, directory)
        progress.append(
            RoleProgress(
                role=role,
                required=need,
                given=len(counted.get(role, [])),
                signed_by=counted.get(role, []),
                not_yet_signed=able,
                cannot_sign=unable,
            )
        )
    return progress


def _who_may_approve(
    state: ChangeState, gate: GateState, role: Role, directory: Authorities | None
) -> tuple[list[str], list[Exclusion]]:
    if gate.status.is_closed or gate.kind is GateKind.DECISION:
        return [], []
    if gate.kind is GateKind.ASSESSMENT:
        return _lead_assessor(state, directory), []
    able: list[str] = []
    unable: list[Exclusion] = []
    for person in state.intake.people.for_role(role):
        reason = _why_not(state, gate, role, person, directory)
        if reason is None:
            able.append(person)
        elif not _already_counts(gate, role, person):
            unable.append(Exclusion(person=person, reason=reason))
    return able, unable


def _lead_assessor(state: ChangeState, directory: Authorities | None) -> list[str]:
    """Only the lead assessor records an assessment, for the whole panel."""
    lead = state.intake.people.assessor[:1]
    if directory is not None and lead and not directory.of(lead[0]).holds(Role.ASSESSOR):
        return []
    return lead


def _already_counts(gate: GateState, role: Role, person: str) -> bool:
    return any(s.role == role and person in s.people for s in gate.counting_approvals())


def _why_not(
    state: ChangeState, gate: GateState, role: Role, person: str, directory: Authorities | None
) -> str | None:
    """The refusal an approval by this person would get now, or None if it would stand."""
    trial = SignOffCommand(
        actor=person, role=role, decision=Decision.APPROVE, revision=gate.revision or 1
    )
    try:
        check_signer(state, gate, trial)
        if directory is not None:
            directory.of(person).require(role)
    except ThroughlineError as refusal:
        return refusal.message
    return None
