"""Revoking one bearer token, for its own person or an admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import Field

from api import examples
from api.deps import CurrentCaller, DirectoryDep
from api.errors import error_responses
from models.base import Strict
from models.read.reports import TokenRevocationOut

router = APIRouter(prefix="/tokens", tags=["tokens"])


class TokenRevocationRequest(Strict):
    token: str = Field(min_length=1, max_length=4096, description="The whole token to revoke.")


@router.post(
    "/revocation",
    summary="Revoke a token",
    response_model=TokenRevocationOut,
    responses=error_responses(401, 403, 413, 415, 422, 503),
)
async def revoke_token(
    *,
    body: Annotated[TokenRevocationRequest, Body(openapi_examples=examples.TOKEN_REVOCATION)],
    caller: CurrentCaller,
    directory_service: DirectoryDep,
) -> TokenRevocationOut:
    """The token is refused from now on. Send your own to sign it out; an admin may send
    anyone's, for example one that leaked."""
    return await directory_service.revoke_token(caller.id, body.token)
