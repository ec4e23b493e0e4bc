"""Service changes as people act on them: propose one, and every command a person can
give it. Each handler calls one method of the change service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path

from api import examples
from api.deps import ChangesDep, CurrentCaller, Digital, IdempotencyKey, ServiceOwner, Withdrawer
from api.errors import error_responses
from api.routes.changes import ChangeId
from models.commands import (
    ChallengeRequest,
    ChallengeResolutionRequest,
    CloseConditionRequest,
    DecisionRequest,
    MeasurementRequest,
    SignOffRequest,
    SubmitWorkRequest,
    WithdrawRequest,
)
from models.intake import ChangeIntake
from models.results import CommandResult

router = APIRouter(prefix="/changes", tags=["changes"])

COMMAND_ERRORS = error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503)
ConditionId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


@router.post(
    "",
    status_code=201,
    summary="Propose a service change",
    response_model=CommandResult,
    responses=error_responses(401, 403, 409, 413, 415, 422, 429, 503),
)
async def propose_change(
    *,
    intake: Annotated[ChangeIntake, Body(openapi_examples=examples.INTAKE)],
    caller: Digital,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Propose a change; its workflow starts at the playbook's first stage."""
    return await changes.propose(intake, caller.id, idempotency_key)


@router.post(
    "/{change_id}/submissions",
    summary="Submit stage work",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def submit_work(
    *,
    change_id: ChangeId,
    body: Annotated[SubmitWorkRequest, Body(openapi_examples=examples.SUBMISSION)],
    caller: Digital,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Submit a new revision of the current stage's work, with evidence, to its gate."""
    return await changes.submit(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/sign-offs",
    summary="Sign off at the current gate",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def sign_off(
    *,
    change_id: ChangeId,
    body: Annotated[SignOffRequest, Body(openapi_examples=examples.SIGN_OFF)],
    caller: CurrentCaller,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Approve (with or without conditions), request changes or reject the revision under
    review, in one of your roles or acting for a holder who delegated to you."""
    return await changes.sign_off(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/measurements",
    summary="Record a measured outcome",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def record_measurement(
    *,
    change_id: ChangeId,
    body: Annotated[MeasurementRequest, Body(openapi_examples=examples.MEASUREMENT)],
    caller: Digital,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Record the measured value of one success measure at the check stage."""
    return await changes.record_measurement(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/decision",
    summary="Decide at the act gate",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def decide(
    *,
    change_id: ChangeId,
    body: Annotated[DecisionRequest, Body(openapi_examples=examples.DECISION)],
    caller: ServiceOwner,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As service owner: adopt (complete), adapt (start a new cycle) or abandon the change."""
    return await changes.decide(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/withdrawal",
    summary="Withdraw a change",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def withdraw(
    *,
    change_id: ChangeId,
    body: Annotated[WithdrawRequest, Body(openapi_examples=examples.WITHDRAWAL)],
    caller: Withdrawer,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Close a change before it finishes, with the reason."""
    return await changes.withdraw(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/conditions/{condition_id}/closure",
    summary="Close a condition",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def close_condition(
    *,
    change_id: ChangeId,
    condition_id: ConditionId,
    body: Annotated[CloseConditionRequest, Body(openapi_examples=examples.CONDITION_CLOSURE)],
    caller: CurrentCaller,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As the condition's owner, close it with evidence; a gate it held may then pass."""
    return await changes.close_condition(change_id, caller.id, condition_id, body, idempotency_key)


@router.post(
    "/{change_id}/challenges",
    summary="Challenge a reject",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def challenge(
    *,
    change_id: ChangeId,
    body: Annotated[ChallengeRequest, Body(openapi_examples=examples.CHALLENGE)],
    caller: Digital,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Within the playbook's window of working days, ask the service owner to overturn the
    latest reject."""
    return await changes.challenge(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/challenges/resolution",
    summary="Uphold or overturn a challenged reject",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def resolve_challenge(
    *,
    change_id: ChangeId,
    body: Annotated[ChallengeResolutionRequest, Body(openapi_examples=examples.RESOLUTION)],
    caller: ServiceOwner,
    changes: ChangesDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As service owner: uphold the reject, or overturn it and restore the gate as it was."""
    return await changes.resolve_challenge(change_id, caller.id, body, idempotency_key)
