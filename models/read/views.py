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
from models.change import ChangeState, ChangeStatus, CycleSummary
from models.condition import Condition
from models.errors import ThroughlineError
from models.evidence import Measurement, Submission
from models.gate import ApprovalNote, GateDecision, GateState, GateStatus, SignOff
from models.handoff import Handoff
from models.intake import ChangeIntake, SuccessMeasure
from models.playbook import GateKind
from models.read.practice import PracticeView, describe_practice, misalignment
from models.read.progress import RoleProgress, role_progress
from models.read.stuck import DirectoryReading, waiting_today
from models.read.unmet import unmet_rules
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
    status: ChangeStatus
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
    practice: PracticeView | None = Field(
        default=None, description="Where to start, and how the five areas stand."
    )


class GateReport(Strict):
    """Why a gate is where it is: everything the web page and the CLI show."""

    change_id: str
    title: str
    status: ChangeStatus
    gate: GateView
    waiting: WaitingOn | None = Field(description="Only for the gate the change is at now.")
    misaligned: list[str] = Field(
        default_factory=list,
        description="Only for the gate the change is at now: the five areas out of step.",
    )


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
        practice=describe_practice(state),
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
        misaligned=misalignment(state) if gate is state.gate else [],
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
        unmet=unmet_rules(state, gate, roles) if current else [],
        measures=_measure_checks(state, gate),
        submission=gate.current_submission,
        signoffs=gate.signoffs,
        approval_notes=[n for n in gate.approval_notes if n.revision == gate.revision],
        conditions=[c for c in state.conditions if c.gate_id == gate.id],
        blocked_by=blocking_conditions(state) if current else [],
        decision=gate.decision,
    )


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
