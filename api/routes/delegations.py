"""Delegations: a role holder lets someone act for them, for a bounded period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path

from api import examples
from api.deps import CurrentCaller, DelegationsDep, IdempotencyKey
from api.errors import error_responses
from models.directory.commands import DelegationRequest
from models.read.reports import DelegationOut

router = APIRouter(prefix="/delegations", tags=["delegations"])


@router.post(
    "",
    status_code=201,
    summary="Delegate a role",
    response_model=DelegationOut,
    responses=error_responses(401, 403, 404, 409, 413, 415, 422, 503),
)
async def delegate(
    *,
    body: Annotated[DelegationRequest, Body(openapi_examples=examples.DELEGATION)],
    caller: CurrentCaller,
    delegations: DelegationsDep,
    idempotency_key: IdempotencyKey = None,
) -> DelegationOut:
    """Let another person act for you in a role you hold directly, for a bounded period."""
    return await delegations.delegate(caller.id, body, idempotency_key)


@router.get(
    "",
    summary="My delegations",
    response_model=list[DelegationOut],
    responses=error_responses(401),
)
async def my_delegations(
    *, caller: CurrentCaller, delegations: DelegationsDep
) -> list[DelegationOut]:
    """Delegations I gave or received, in force or not."""
    return await delegations.involving(caller.id)


@router.delete(
    "/{delegation_id}",
    summary="Revoke a delegation",
    response_model=DelegationOut,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def revoke_delegation(
    *,
    delegation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: CurrentCaller,
    delegations: DelegationsDep,
) -> DelegationOut:
    """End a delegation early; the delegate's sign-offs stop counting from now."""
    return await delegations.revoke(caller.id, delegation_id)
