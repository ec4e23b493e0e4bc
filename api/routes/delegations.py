"""Delegations: a role holder lets someone act for them, for a bounded period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path

from api import examples
from api.deps import CurrentCaller, DirectoryDep, IdempotencyKey, SessionDep
from api.errors import error_responses
from models.directory.commands import DelegationRequest
from models.read.reports import DelegationOut
from throughline import queries
from throughline.store import delegations

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
    directory_service: DirectoryDep,
    idempotency_key: IdempotencyKey = None,
) -> DelegationOut:
    """Let another person act for you in a role you hold directly, for a bounded period."""
    result = await directory_service.delegate(caller.id, body, idempotency_key)
    assert result.delegation is not None
    return queries.delegation_of(result.delegation)


@router.get(
    "",
    summary="My delegations",
    response_model=list[DelegationOut],
    responses=error_responses(401),
)
async def my_delegations(*, caller: CurrentCaller, session: SessionDep) -> list[DelegationOut]:
    """Delegations I gave or received, in force or not."""
    return [queries.delegation_out(r) for r in await delegations.involving(session, caller.id)]


@router.delete(
    "/{delegation_id}",
    summary="Revoke a delegation",
    response_model=DelegationOut,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def revoke(
    *,
    delegation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: CurrentCaller,
    session: SessionDep,
    directory_service: DirectoryDep,
) -> DelegationOut:
    """End a delegation early; the delegate's sign-offs stop counting from now."""
    result = await directory_service.revoke_delegation(caller.id, delegation_id)
    if result is not None and result.delegation is not None:
        return queries.delegation_of(result.delegation)
    return queries.delegation_out(await delegations.get(session, delegation_id))
