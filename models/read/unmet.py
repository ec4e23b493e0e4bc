"""What a gate still lacks, in plain words: approvals and who may still give them,
approvals that lapsed, conditions holding it, the team's work, the panel's assessment,
and what the playbook asks before the gate passes."""

from __future__ import annotations

from models.change import ChangeState
from models.gate import GateState, GateStatus
from models.playbook import GateKind
from models.read.assessments import assessment_due
from models.read.progress import RoleProgress
from models.rules.conditions import blocking_conditions
from models.rules.practice import why_gate_may_not_pass


def unmet_rules(state: ChangeState, gate: GateState, roles: list[RoleProgress]) -> list[str]:
    """Each rule the gate does not yet meet, in plain words."""
    if gate.status.is_closed:
        return []
    if gate.kind is GateKind.DECISION:
        return _decision_unmet(state)
    if gate.status is not GateStatus.IN_REVIEW:
        return [_work_needed(state, gate)]
    practice = [*_held_by_conditions(state), *_practice(state), *_observation(state)]
    if gate.kind is GateKind.ASSESSMENT:
        return [assessment_due(state, gate), *practice]
    gaps = [_quorum_gap(progress) for progress in roles if progress.given < progress.required]
    gaps += [
        f"{e.person} may not approve as {p.role}: {e.reason}"
        for p in roles
        if p.given < p.required
        for e in p.cannot_sign
    ]
    return [*gaps, *_lapsed(gate), *practice]


def _observation(state: ChangeState) -> list[str]:
    """The observation period, which only the live data can tell is over."""
    days = state.playbook.stage(state.gate.stage).gate.min_observation_days
    if days is None:
        return []
    return [
        f"each success measure needs {days} days of live data before this gate can pass, "
        "counted from when Throughline first received its data"
    ]


def _practice(state: ChangeState) -> list[str]:
    """What the playbook asks before this gate passes and does not yet hold."""
    problem = why_gate_may_not_pass(state)
    return [problem] if problem else []


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
