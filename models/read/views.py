"""Views of one change and its gate, as every client shows them: stage, status, what
each role has done, what is still needed to pass, and measures against their targets.

The workflow query, the update results and the API all render these from the same
state, so every client tells the same story. Role progress lives in
models/read/progress.py and what a change waits on in models/read/waiting.py.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.authority import Authorities
from models.base import Strict
from models.change import ChangeState, CycleSummary
from models.condition import Condition
from models.errors import ThroughlineError
from models.evidence import Measurement, Submission
from models.gate import ApprovalNote, GateDecision, GateState, GateStatus, SignOff
from models.handoff import Handoff
from models.intake import ChangeIntake, SuccessMeasure
from models.playbook import GateKind
from models.read.progress import RoleProgress, role_progress
from models.read.stuck import DirectoryReading, waiting_today
from models.read.waiting import WaitingOn
from models.rejection import Rejection
from models.rules.conditions import blocking_conditions


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


class ChangeHeadline(Strict):
    """What every view of a change starts with: which change, and where it stands."""

    change_id: str
    title: str
    service: str
    status: str
    stage: str
    iteration: int


class ChangeView(ChangeHeadline):
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


def describe_change(
    state: ChangeState, now: datetime, directory: DirectoryReading | None = None
) -> ChangeView:
    """The change as every client sees it; with today's directory, a handoff nobody can
    take shows as stuck."""
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
        waiting=waiting_today(state, now, directory),
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
    state: ChangeState,
    gate_id: str | None,
    now: datetime,
    directory: DirectoryReading | None = None,
) -> GateReport:
    gate = state.gate if gate_id in (None, state.gate.id) else _past_gate(state, gate_id)
    authorities = directory.authorities if directory else None
    return GateReport(
        change_id=state.change_id,
        title=state.intake.title,
        status=state.status,
        gate=describe_gate(state, gate, authorities),
        waiting=waiting_today(state, now, directory) if gate is state.gate else None,
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
    roles = role_progress(state, gate, directory)
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
    return check_measures(state.intake.success_measures, recorded)


def check_measures(
    measures: list[SuccessMeasure], recorded: list[Measurement]
) -> list[MeasureCheck]:
    """Each measure's target against the last value recorded for it, if any."""
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
        for m in measures
    ]
