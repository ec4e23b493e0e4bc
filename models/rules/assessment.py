"""Who may record a service assessment, of what, and what it must carry: the lead
assessor rates every point at a first sitting and only the red points at a reassessment,
each amber point has actions, and earlier open actions are closed first."""

from __future__ import annotations

from datetime import datetime

from models.assessment import SERVICE_STANDARD, Assessment, Rag
from models.change import ChangeState
from models.commands import Assess
from models.errors import (
    ConditionsOpen,
    InvalidRequest,
    NotEligible,
    RatingsIncomplete,
    RevisionSuperseded,
    WrongGateKind,
)
from models.gate import GateState
from models.playbook import GateKind
from models.rules.common import require_active
from models.rules.practice import check_gate_may_pass, check_observed
from models.rules.sign_off import gate_for_revision, require_in_review


def check_assess(state: ChangeState, cmd: Assess) -> None:
    require_active(state)
    gate = gate_for_revision(state, cmd.revision)
    require_in_review(gate)
    if gate.kind is not GateKind.ASSESSMENT:
        raise WrongGateKind(f"gate {gate.name!r} is not an assessment: its people sign it off")
    if cmd.revision != gate.revision:
        raise RevisionSuperseded(
            f"revision {cmd.revision} was superseded by revision {gate.revision}; "
            "assess the new revision"
        )
    lead = lead_assessor(state)
    if cmd.actor != lead:
        raise NotEligible(f"only the lead assessor, {lead}, records the panel's assessment")
    _check_no_open_actions(state)
    _check_points(cmd, points_to_rate(state, gate))
    _check_actions(cmd)
    if not any(r.rating is Rag.RED for r in cmd.ratings):
        check_gate_may_pass(state)


def check_assess_at(state: ChangeState, cmd: Assess, now: datetime) -> None:
    """The checks that need the time: actions due in the future, and live data observed
    for as long as the gate needs before an assessment can pass it."""
    late = [a.description for a in cmd.actions if a.due < now.date()]
    if late:
        raise InvalidRequest(f"an action's due date is in the past: {late[0]!r}")
    if not any(r.rating is Rag.RED for r in cmd.ratings):
        check_observed(state, cmd.first_observed, now)


def lead_assessor(state: ChangeState) -> str | None:
    panel = state.intake.people.assessor
    return panel[0] if panel else None


def sittings_at(state: ChangeState, gate: GateState) -> list[Assessment]:
    return [a for a in state.assessments if a.gate_id == gate.id]


def points_to_rate(state: ChangeState, gate: GateState) -> list[int]:
    """Every point at a first sitting; after a red, only the points still red."""
    sittings = sittings_at(state, gate)
    if not sittings or sittings[-1].passed:
        return sorted(SERVICE_STANDARD)
    return sittings[-1].red_points()


def _check_no_open_actions(state: ChangeState) -> None:
    open_ones = state.binding_conditions()
    if open_ones:
        listed = "; ".join(f"{c.id} {c.description!r} ({c.owner}, due {c.due})" for c in open_ones)
        raise ConditionsOpen(f"close the open actions before the next assessment: {listed}")


def _check_points(cmd: Assess, expected: list[int]) -> None:
    rated = [r.point for r in cmd.ratings]
    twice = sorted({p for p in rated if rated.count(p) > 1})
    if twice:
        raise RatingsIncomplete(f"point(s) rated more than once: {_points(twice)}")
    missing = sorted(set(expected) - set(rated))
    extra = sorted(set(rated) - set(expected))
    if not missing and not extra:
        return
    if len(expected) == len(SERVICE_STANDARD):
        raise RatingsIncomplete(f"an assessment rates all 14 points; missing: {_points(missing)}")
    raise RatingsIncomplete(
        f"a reassessment rates only the points that were red: {_points(expected)}"
        + (f"; missing: {_points(missing)}" if missing else "")
        + (f"; not: {_points(extra)}" if extra else "")
    )


def _check_actions(cmd: Assess) -> None:
    amber = {r.point for r in cmd.ratings if r.rating is Rag.AMBER}
    answered = {a.point for a in cmd.actions}
    unanswered = sorted(amber - answered)
    if unanswered:
        raise RatingsIncomplete(
            f"each amber point needs at least one action with an owner and a due date; "
            f"none for: {_points(unanswered)}"
        )
    stray = sorted(answered - amber)
    if stray:
        raise InvalidRequest(f"actions answer amber points only; not: {_points(stray)}")


def _points(points: list[int]) -> str:
    return ", ".join(str(p) for p in points)
