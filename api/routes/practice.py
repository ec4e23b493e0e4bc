"""The improvement practice on a change: assess where to start, let a change go on
without a missing condition, record each area's readiness, and record and read service
assessments. Each handler calls one method of the practice service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from api import practice_examples as examples
from api.deps import (
    ANY_ROLE,
    READ_YOUR_WRITES,
    Assessor,
    CurrentCaller,
    IdempotencyKey,
    PracticeDep,
    ServiceOwner,
)
from api.routes.change_commands import COMMAND_ERRORS
from api.routes.changes import READ_ERRORS, ChangeId
from models.assessment import AssessmentRequest
from models.intake import AlignmentArea, Prioritisation
from models.practice import GroundOverrideRequest, ReadinessRequest
from models.read.assessments import AssessmentReport
from models.results import CommandResult

router = APIRouter(prefix="/changes", tags=["improvement practice"])


@router.post(
    "/{change_id}/prioritisation",
    summary="Assess where to start",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def prioritise(
    *,
    change_id: ChangeId,
    body: Annotated[Prioritisation, Body(openapi_examples=examples.PRIORITISATION)],
    caller: CurrentCaller,
    practice: PracticeDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Rate senior interest, operational capacity and capability, each with a note, any
    time before the playbook's ground gate passes (the first gate marked requires_ground:
    design in plan-do-check-act, the alpha assessment in the GOV.UK phases). It replaces
    the assessment before it and any override. A condition rated low holds that gate;
    only the service owner may rate one up again."""
    return await practice.prioritise(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/ground-override",
    summary="Go on without a missing condition",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def override_ground(
    *,
    change_id: ChangeId,
    body: Annotated[GroundOverrideRequest, Body(openapi_examples=examples.GROUND_OVERRIDE)],
    caller: ServiceOwner,
    practice: PracticeDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As the change's service owner, let it pass its ground gate (design, in
    plan-do-check-act) although a condition for starting is rated missing, with the
    reason; the override is audited."""
    return await practice.override_ground(change_id, caller.id, body, idempotency_key)


@router.put(
    "/{change_id}/readiness/{area}",
    summary="Record an area's readiness",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def set_readiness(
    *,
    change_id: ChangeId,
    area: AlignmentArea,
    body: Annotated[ReadinessRequest, Body(openapi_examples=examples.READINESS)],
    caller: CurrentCaller,
    practice: PracticeDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Record how ready one of the five areas is (policy, operating model, digital
    service, technology enablers, skills), who owns it, and a note. Only the owner marks
    an area ready. A playbook's gate may need areas ready before it can be approved."""
    return await practice.set_readiness(change_id, caller.id, area, body, idempotency_key)


@router.post(
    "/{change_id}/assessments",
    summary="Record a service assessment",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def assess(
    *,
    change_id: ChangeId,
    body: Annotated[AssessmentRequest, Body(openapi_examples=examples.ASSESSMENT)],
    caller: Assessor,
    practice: PracticeDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As the lead assessor, record the panel's ratings of the team's current revision:
    every point of the Service Standard red, amber or green with reasons, and actions for
    each amber point. Any red point sends the work back to be reassessed on the red
    points only; otherwise the assessment gate passes."""
    return await practice.assess(change_id, caller.id, body, idempotency_key)


@router.get(
    "/{change_id}/assessments",
    summary="Read assessment reports",
    response_model=list[AssessmentReport],
    responses=READ_ERRORS,
    dependencies=[ANY_ROLE, READ_YOUR_WRITES],
)
async def assessment_reports(
    *, change_id: ChangeId, practice: PracticeDep
) -> list[AssessmentReport]:
    """Each assessment sat in this cycle, set out like a published service assessment
    report: the panel, the outcome, every point with its rating and reasons, the actions."""
    return await practice.assessment_reports(change_id)
