"""Delegations: a role holder lets someone act for them, for a bounded period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import AwareDatetime, Field

from api import examples
from api.deps import CurrentCaller, IdempotencyKey, SessionDep
from api.errors import error_responses
from models.intake import PersonId, ShortText, Strict, Text
from models.reports import DelegationOut
from models.roles import Role
from throughline import queries
from throughline.store import delegations, idempotency

router = APIRouter(prefix="/delegations", tags=["delegations"])


class DelegationRequest(Strict):
    delegate: PersonId
    role: Role
    ends_at: AwareDatetime = Field(description="When the delegation ends; at most 90 days.")
    starts_at: AwareDatetime | None = Field(default=None, description="Defaults to now.")
    change_id: ShortText | None = Field(default=None, description="Limit it to one change.")
    reason: Text | None = None


@router.post(
    "",
    status_code=201,
    summary="Delegate a role",
    response_model=DelegationOut,
    responses=error_responses(401, 403, 404, 409, 413, 415, 422),
)
async def delegate(
    *,
    body: Annotated[DelegationRequest, Body(openapi_examples=examples.DELEGATION)],
    caller: CurrentCaller,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> DelegationOut:
    """Let another person act for you in a role you hold directly, for a bounded period."""

    async def create() -> DelegationOut:
        row = await delegations.delegate(
            session,
            delegator=caller.id,
            delegate_to=body.delegate,
            role=body.role,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            change_id=body.change_id,
            reason=body.reason,
        )
        return queries.delegation_out(row)

    return await idempotency.once(session, caller.id, idempotency_key, body, create, DelegationOut)


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
    responses=error_responses(401, 403, 404, 422),
)
async def revoke(
    *,
    delegation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: CurrentCaller,
    session: SessionDep,
) -> DelegationOut:
    """End a delegation early; the delegate's sign-offs stop counting from now."""
    row = await delegations.revoke(
        session, delegation_id, by=caller.id, admin=caller.holds(Role.ADMIN)
    )
    return queries.delegation_out(row)
