"""Read-only views of a change: what it waits on, since when, and why.

The workflow query, the update results and the API all render these from the same
state, so every client tells the same story. Who could still sign is worked out by
the rules themselves, so the view never disagrees with what a sign-off would meet.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.authority import Authorities
from models.change import ChangeState, CycleSummary, Handoff
from models.commands import SignOffCommand
from models.conditions import blocking_conditions
from models.errors import ThroughlineError
from models.evidence import Measurement, Submission
from models.gate import (
    ApprovalNote,
    Condition,
    Decision,
    GateDecision,
    GateState,
    GateStatus,
    SignOff,
    counted_approvers,
    quorum_met,
)
from models.intake import ChangeIntake, Strict
from models.playbook import GateKind
from models.rejection import Rejection
from models.roles import Role
from models.rules import check_signer


class WaitKind(StrEnum):
    SUBMISSION = "submission"
    SIGN_OFF = "sign_off"
    DECISION = "decision"
    CHALLENGE = "challenge"
    CONDITION = "condition"
    NOTHING = "nothing"


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
    # Fields added after version 1 have defaults: results recorded in workflow histories
    # (idempotency receipts) must still decode.
    approval_notes: list[ApprovalNote] = Field(
        default_factory=list,
        description="For the current revision: which earlier approvals carried over or reset.",
    )
    conditions: list[Condition] = Field(
        default_factory=list, description="Conditions raised at this gate."
    )
    blocked_by: list[Condition] = Field(
        default_factory=list, description="Open conditions from earlier gates that hold this gate."
    )
    decision: GateDecision | None


class WaitingOn(Strict):
    kind: WaitKind
    roles: list[Role]
    people: list[str]
    since: datetime | None
    waiting_seconds: float | None
    reason: str
    escalation: str | None = Field(
        default=None, description="A side question waiting too, such as a challenge."
    )


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
    conditions: list[Condition] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
    intake: ChangeIntake
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    closing_comment: str | None
    last_seq: int
    last_hash: str


class GateReport(Strict):
    """Why a gate is where it is: everything the web page and the CLI show."""

    change_id: str
    title: str
    status: str
    gate: GateView
    waiting: WaitingOn | None = Field(description="Only for the gate the change is at now.")


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
        conditions=state.conditions,
        rejections=[r.model_copy(update={"gate_before": None}) for r in state.rejections],
        intake=state.intake,
        created_at=state.created_at,
        updated_at=state.updated_at,
        closed_at=state.closed_at,
        closing_comment=state.closing_comment,
        last_seq=state.seq,
        last_hash=state.last_hash,
    )


def report_gate(
    state: ChangeState, gate_id: str | None, now: datetime, directory: Authorities | None = None
) -> GateReport:
    gate = state.gate if gate_id in (None, state.gate.id) else _past_gate(state, gate_id)
    return GateReport(
        change_id=state.change_id,
        title=state.intake.title,
        status=state.status,
        gate=describe_gate(state, gate, directory),
        waiting=waiting_on(state, now) if gate is state.gate else None,
    )


def _past_gate(state: ChangeState, gate_id: str | None) -> GateState:
    for gate in state.past_gates:
        if gate.id == gate_id:
            return gate
    known = ", ".join(g.id for g in [*state.past_gates, state.gate])
    raise ThroughlineError(f"no gate {gate_id!r} in this cycle; known gates: {known}")


def describe_gate(
    state: ChangeState, gate: GateState, directory: Authorities | None = None
) -> GateView:
    """With a directory reading, people who no longer hold a role are not offered as able
    to sign for it; without one (inside the workflow), only the change's rules apply."""
    roles = _role_progress(state, gate, directory)
    current = gate is state.gate
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
        unmet=_unmet_rules(state, gate, roles) if current else [],
        measures=_measure_checks(state, gate),
        submission=gate.current_submission,
        signoffs=gate.signoffs,
        approval_notes=[n for n in gate.approval_notes if n.revision == gate.revision],
        conditions=[c for c in state.conditions if c.gate_id == gate.id],
        blocked_by=blocking_conditions(state) if current else [],
        decision=gate.decision,
    )


def _role_progress(
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
                given=len(counted[role]),
                signed_by=counted[role],
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
    able: list[str] = []
    unable: list[Exclusion] = []
    for person in state.intake.people.for_role(role):
        reason = _why_not(state, gate, role, person, directory)
        if reason is None:
            able.append(person)
        elif not _already_counts(gate, role, person):
            unable.append(Exclusion(person=person, reason=reason))
    return able, unable


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


def _unmet_rules(state: ChangeState, gate: GateState, roles: list[RoleProgress]) -> list[str]:
    if gate.status.is_closed:
        return []
    if gate.kind is GateKind.DECISION:
        return _decision_unmet(state)
    if gate.status is not GateStatus.IN_REVIEW:
        return [_work_needed(state, gate)]
    gaps = [_quorum_gap(progress) for progress in roles if progress.given < progress.required]
    gaps += [
        f"{e.person} may not approve as {p.role}: {e.reason}"
        for p in roles
        if p.given < p.required
        for e in p.cannot_sign
    ]
    return [*gaps, *_lapsed(gate), *_held_by_conditions(state)]


def _decision_unmet(state: ChangeState) -> list[str]:
    held = [f"adopting needs {line}" for line in _held_by_conditions(state)]
    return ["the service owner has not yet decided to adopt, adapt or abandon", *held]


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


def _lapsed(gate: GateState) -> list[str]:
    return [
        f"{s.counted_as}'s {s.role} approval {s.not_counted_reason}"
        for s in gate.signoffs
        if s.lapsed_at_revision is not None and s.lapsed_at_revision == gate.revision
    ]


def _held_by_conditions(state: ChangeState) -> list[str]:
    return [
        f"condition {c.id} from {c.gate_name!r} to be closed: {c.description} "
        f"(owner {c.owner}, due {c.due.isoformat()})"
        for c in blocking_conditions(state)
    ]


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
    escalation = state.open_escalation
    side = escalation.reason if escalation else None
    if state.status.is_closed:
        return _closed_wait(state, now, side)
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
        escalation=side,
    )


def _closed_wait(state: ChangeState, now: datetime, side: str | None) -> WaitingOn:
    escalation = state.open_escalation
    if escalation is None:
        return WaitingOn(
            kind=WaitKind.NOTHING,
            roles=[],
            people=[],
            since=None,
            waiting_seconds=None,
            reason=f"nothing: the change is {state.status}",
        )
    return WaitingOn(
        kind=WaitKind.CHALLENGE,
        roles=[Role.SERVICE_OWNER],
        people=state.intake.people.service_owner,
        since=escalation.opened_at,
        waiting_seconds=max(0.0, (now - escalation.opened_at).total_seconds()),
        reason=escalation.reason,
        escalation=side,
    )


def _who_acts_next(state: ChangeState) -> tuple[WaitKind, list[Role], list[str]]:
    holding = blocking_conditions(state)
    if holding and quorum_met(state.gate) and state.gate.status is GateStatus.IN_REVIEW:
        return WaitKind.CONDITION, [], list(dict.fromkeys(c.owner for c in holding))
    actors = [a for a in next_actors(state) if a[0] is not WaitKind.CHALLENGE]
    kind = actors[0][0] if actors else _main_kind(state)
    roles = list(dict.fromkeys(role for _, role, _ in actors))
    if kind is WaitKind.SIGN_OFF:
        roles = [p.role for p in _role_progress(state, state.gate) if p.given < p.required]
    elif not roles:
        roles = [_acting_role(state)]
    return kind, roles, list(dict.fromkeys(person for _, _, person in actors))


def _main_kind(state: ChangeState) -> WaitKind:
    if state.gate.kind is GateKind.DECISION:
        return WaitKind.DECISION
    in_review = state.gate.status is GateStatus.IN_REVIEW
    return WaitKind.SIGN_OFF if in_review else WaitKind.SUBMISSION


def _acting_role(state: ChangeState) -> Role:
    if state.gate.kind is GateKind.DECISION:
        return Role.SERVICE_OWNER
    return state.playbook.stage(state.gate.stage).owner


def next_actors(state: ChangeState) -> list[tuple[WaitKind, Role, str]]:
    """Who can move the change on now, as (kind, role, person); feeds each inbox."""
    challenge = (
        [(WaitKind.CHALLENGE, Role.SERVICE_OWNER, p) for p in state.intake.people.service_owner]
        if state.open_escalation
        else []
    )
    if state.status.is_closed:
        return challenge
    gate = state.gate
    if gate.kind is GateKind.DECISION:
        owners = state.intake.people.service_owner
        return [(WaitKind.DECISION, Role.SERVICE_OWNER, p) for p in owners] + challenge
    if gate.status is not GateStatus.IN_REVIEW:
        owner = state.playbook.stage(gate.stage).owner
        return [(WaitKind.SUBMISSION, owner, p) for p in state.team_members()] + challenge
    signers = [
        (WaitKind.SIGN_OFF, p.role, person)
        for p in _role_progress(state, gate)
        if p.given < p.required
        for person in p.not_yet_signed
    ]
    return signers + challenge
