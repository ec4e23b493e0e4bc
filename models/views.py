"""Read-only views of a change: what it waits on, since when, and why.

The workflow query, the update results and the API all render these from the same
state, so every client tells the same story.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.change import ChangeState, CycleSummary, Handoff
from models.evidence import Measurement, Submission
from models.gate import GateDecision, GateState, GateStatus, SignOff, counted_approvers
from models.intake import ChangeIntake, Strict
from models.playbook import GateKind
from models.roles import Role


class WaitKind(StrEnum):
    SUBMISSION = "submission"
    SIGN_OFF = "sign_off"
    DECISION = "decision"
    NOTHING = "nothing"


class RoleProgress(Strict):
    role: Role
    required: int
    given: int
    signed_by: list[str]
    not_yet_signed: list[str] = Field(
        description="Named people who could still sign for this role at this gate."
    )


class MeasureCheck(Strict):
    metric: str
    unit: str
    baseline: float
    target: float
    actual: float | None
    met: bool | None


class GateView(Strict):
    id: str
    stage: str
    name: str
    kind: GateKind
    status: GateStatus
    revision: int | None
    opened_at: datetime
    closed_at: datetime | None
    roles: list[RoleProgress]
    unmet: list[str] = Field(description="Each rule still unmet, in plain words.")
    measures: list[MeasureCheck]
    submission: Submission | None
    signoffs: list[SignOff]
    decision: GateDecision | None


class WaitingOn(Strict):
    kind: WaitKind
    roles: list[Role]
    people: list[str]
    since: datetime | None
    waiting_seconds: float | None
    reason: str


class ChangeView(Strict):
    change_id: str
    title: str
    service: str
    status: str
    stage: str
    iteration: int
    playbook: str
    playbook_version: int
    proposer: str
    waiting: WaitingOn
    gate: GateView
    past_gates: list[GateView]
    measurements: list[Measurement]
    handoffs: list[Handoff]
    cycles: list[CycleSummary]
    intake: ChangeIntake
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    closing_comment: str | None
    last_seq: int
    last_hash: str


def team_members(state: ChangeState) -> list[str]:
    """Who may submit work and record measurements: the proposer and the named digital people."""
    return list(dict.fromkeys([state.proposer, *state.intake.people.digital]))


def describe_change(state: ChangeState, now: datetime) -> ChangeView:
    return ChangeView(
        change_id=state.change_id,
        title=state.intake.title,
        service=state.intake.service,
        status=state.status,
        stage=state.stage,
        iteration=state.iteration,
        playbook=state.playbook.name,
        playbook_version=state.playbook.version,
        proposer=state.proposer,
        waiting=waiting_on(state, now),
        gate=describe_gate(state, state.gate),
        past_gates=[describe_gate(state, g) for g in state.past_gates],
        measurements=state.measurements,
        handoffs=state.handoffs,
        cycles=state.cycles,
        intake=state.intake,
        created_at=state.created_at,
        updated_at=state.updated_at,
        closed_at=state.closed_at,
        closing_comment=state.closing_comment,
        last_seq=state.seq,
        last_hash=state.last_hash,
    )


def describe_gate(state: ChangeState, gate: GateState) -> GateView:
    roles = _role_progress(state, gate)
    return GateView(
        id=gate.id,
        stage=gate.stage,
        name=gate.name,
        kind=gate.kind,
        status=gate.status,
        revision=gate.revision,
        opened_at=gate.opened_at,
        closed_at=gate.closed_at,
        roles=roles,
        unmet=_unmet_rules(state, gate, roles),
        measures=_measure_checks(state, gate),
        submission=gate.current_submission,
        signoffs=gate.signoffs,
        decision=gate.decision,
    )


def _role_progress(state: ChangeState, gate: GateState) -> list[RoleProgress]:
    counted = counted_approvers(gate)
    return [
        RoleProgress(
            role=role,
            required=need,
            given=len(counted[role]),
            signed_by=counted[role],
            not_yet_signed=_could_still_sign(state, gate, role),
        )
        for role, need in gate.quorum.items()
    ]


def _could_still_sign(state: ChangeState, gate: GateState, role: Role) -> list[str]:
    submission = gate.current_submission
    submitter = submission.submitted_by if submission else None
    acted = {s.person for s in gate.signoffs if s.role != role}
    signed_now = {s.person for s in gate.signoffs if s.role == role and s.revision == gate.revision}
    return [
        person
        for person in state.intake.people.for_role(role)
        if person not in acted and person not in signed_now and person != submitter
    ]


def _unmet_rules(state: ChangeState, gate: GateState, roles: list[RoleProgress]) -> list[str]:
    if gate.status.is_closed:
        return []
    if gate.kind is GateKind.DECISION:
        return ["the service owner has not yet decided to adopt, adapt or abandon"]
    if gate.status is not GateStatus.IN_REVIEW:
        return [_work_needed(state, gate)]
    return [_quorum_gap(progress) for progress in roles if progress.given < progress.required]


def _work_needed(state: ChangeState, gate: GateState) -> str:
    if gate.status is GateStatus.CHANGES_REQUESTED:
        return f"changes were requested; the team must submit a new revision of {gate.stage}"
    missing = _missing_measurements(state, gate)
    if missing:
        return f"the team must record {', '.join(missing)} and then submit the {gate.stage} work"
    return f"the team has not yet submitted the {gate.stage} work"


def _quorum_gap(progress: RoleProgress) -> str:
    short = progress.required - progress.given
    noun = "approval" if short == 1 else "approvals"
    if not progress.not_yet_signed:
        return (
            f"needs {short} more {progress.role} {noun}, "
            f"but no eligible {progress.role} person is left to sign"
        )
    who = ", ".join(progress.not_yet_signed)
    return f"needs {short} more {progress.role} {noun} (eligible: {who})"


def _missing_measurements(state: ChangeState, gate: GateState) -> list[str]:
    if not state.playbook.stage(gate.stage).records_measurements:
        return []
    return [m.metric for m in state.intake.success_measures if state.measurement(m.metric) is None]


def _measure_checks(state: ChangeState, gate: GateState) -> list[MeasureCheck]:
    if not state.playbook.stage(gate.stage).records_measurements:
        return []
    submission = gate.current_submission
    recorded = submission.measurements if submission else state.measurements
    actuals = {m.metric: m.value for m in recorded}
    return [
        MeasureCheck(
            metric=m.metric,
            unit=m.unit,
            baseline=m.baseline,
            target=m.target,
            actual=actuals.get(m.metric),
            met=m.is_met_by(actuals[m.metric]) if m.metric in actuals else None,
        )
        for m in state.intake.success_measures
    ]


def waiting_on(state: ChangeState, now: datetime) -> WaitingOn:
    """What the change waits on right now, on whom, since when and why."""
    if state.status.is_closed:
        reason = f"nothing: the change is {state.status}"
        return WaitingOn(
            kind=WaitKind.NOTHING,
            roles=[],
            people=[],
            since=None,
            waiting_seconds=None,
            reason=reason,
        )
    handoff = state.open_handoff
    since = handoff.opened_at if handoff else state.updated_at
    kind, roles, people = _who_acts_next(state)
    return WaitingOn(
        kind=kind,
        roles=roles,
        people=people,
        since=since,
        waiting_seconds=max(0.0, (now - since).total_seconds()),
        reason=handoff.reason if handoff else "waiting",
    )


def _who_acts_next(state: ChangeState) -> tuple[WaitKind, list[Role], list[str]]:
    kind, pairs = next_actors(state)
    roles = list(dict.fromkeys(role for role, _ in pairs))
    if kind is WaitKind.SIGN_OFF:
        roles = [p.role for p in _role_progress(state, state.gate) if p.given < p.required]
    elif not roles:
        roles = [_acting_role(state)]
    return kind, roles, list(dict.fromkeys(person for _, person in pairs))


def _acting_role(state: ChangeState) -> Role:
    if state.gate.kind is GateKind.DECISION:
        return Role.SERVICE_OWNER
    return state.playbook.stage(state.gate.stage).owner


def next_actors(state: ChangeState) -> tuple[WaitKind, list[tuple[Role, str]]]:
    """Who can move the change on now, as (role, person) pairs; feeds each person's inbox."""
    gate = state.gate
    if state.status.is_closed:
        return WaitKind.NOTHING, []
    if gate.kind is GateKind.DECISION:
        return WaitKind.DECISION, [
            (Role.SERVICE_OWNER, p) for p in state.intake.people.service_owner
        ]
    if gate.status is not GateStatus.IN_REVIEW:
        owner = state.playbook.stage(gate.stage).owner
        return WaitKind.SUBMISSION, [(owner, person) for person in team_members(state)]
    pairs = [
        (p.role, person)
        for p in _role_progress(state, gate)
        if p.given < p.required
        for person in p.not_yet_signed
    ]
    return WaitKind.SIGN_OFF, pairs
