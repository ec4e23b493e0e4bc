"""Service assessment reports, set out like a published GOV.UK service assessment
report: the panel, the outcome, each point with its rating and reasons, and the actions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from models.assessment import SERVICE_STANDARD, Assessment, Rag
from models.base import Strict
from models.change import ChangeState
from models.condition import ConditionStatus
from models.gate import GateState, GateStatus
from models.rules.assessment import lead_assessor, points_to_rate


class PointReport(Strict):
    point: int
    title: str
    rating: Rag | None = Field(description="None until the panel rates it.")
    reasons: str | None
    rated_at: datetime | None
    earlier: list[Rag] = Field(description="Earlier ratings at this gate, oldest first.")


class ActionReport(Strict):
    id: str
    point: int
    description: str
    owner: str
    due: date
    status: ConditionStatus


class AssessmentOutcome(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    AWAITING_REASSESSMENT = "awaiting reassessment"


class AssessmentReport(Strict):
    change_id: str
    title: str
    service: str
    gate_id: str
    assessment: str = Field(description="The assessment gate's name, as its playbook names it.")
    outcome: AssessmentOutcome
    panel: dict[str, str]
    sittings: list[datetime]
    summary: str | None
    points: list[PointReport]
    actions: list[ActionReport]


def assessment_reports(state: ChangeState) -> list[AssessmentReport]:
    """One report per assessment gate sat on this change, oldest first; a gate of a later
    cycle has its own report."""
    gate_ids = list(dict.fromkeys(a.gate_id for a in state.assessments))
    return [_report(state, [a for a in state.assessments if a.gate_id == g]) for g in gate_ids]


def _report(state: ChangeState, sittings: list[Assessment]) -> AssessmentReport:
    last = sittings[-1]
    return AssessmentReport(
        change_id=state.change_id,
        title=state.intake.title,
        service=state.intake.service,
        gate_id=last.gate_id,
        assessment=last.gate_name,
        outcome=_outcome(state, last),
        panel=last.panel,
        sittings=[s.at for s in sittings],
        summary=next((s.summary for s in reversed(sittings) if s.summary), None),
        points=[_point(number, sittings) for number in SERVICE_STANDARD],
        actions=_actions(state, sittings),
    )


def _outcome(state: ChangeState, last: Assessment) -> AssessmentOutcome:
    if last.passed:
        return AssessmentOutcome.MET
    gate = state.gate
    if gate.id == last.gate_id and gate.status is GateStatus.IN_REVIEW:
        return AssessmentOutcome.AWAITING_REASSESSMENT
    return AssessmentOutcome.NOT_MET


def _point(number: int, sittings: list[Assessment]) -> PointReport:
    rated = [(s, r) for s in sittings for r in s.ratings if r.point == number]
    latest = rated[-1] if rated else None
    return PointReport(
        point=number,
        title=SERVICE_STANDARD[number],
        rating=latest[1].rating if latest else None,
        reasons=latest[1].comment if latest else None,
        rated_at=latest[0].at if latest else None,
        earlier=[r.rating for _, r in rated[:-1]],
    )


def _actions(state: ChangeState, sittings: list[Assessment]) -> list[ActionReport]:
    reports = []
    for sitting in sittings:
        for action, condition_id in zip(sitting.actions, sitting.condition_ids, strict=True):
            condition = state.condition(condition_id)
            reports.append(
                ActionReport(
                    id=condition_id,
                    point=action.point,
                    description=action.description,
                    owner=action.owner,
                    due=action.due,
                    status=condition.status if condition else ConditionStatus.OPEN,
                )
            )
    return reports


def assessment_due(state: ChangeState, gate: GateState) -> str:
    """What the panel still has to do at an assessment gate in review, in plain words."""
    points = points_to_rate(state, gate)
    what = (
        "every point of the Service Standard"
        if len(points) == len(SERVICE_STANDARD)
        else f"point(s) {', '.join(str(p) for p in points)} again"
    )
    return (
        f"the panel has not yet assessed revision {gate.revision}: the lead assessor, "
        f"{lead_assessor(state)}, rates {what}"
    )
