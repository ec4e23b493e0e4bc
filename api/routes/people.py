"""The directory: people, their roles and their tokens. Admins change it; auditors read
it, with each person's history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import Field

from api import examples
from api.deps import (
    ADMINS,
    ADMINS_OR_AUDITORS,
    AUDITORS,
    Admin,
    CurrentCaller,
    IdempotencyKey,
    PeopleAdminDep,
    PeopleDep,
    TokensDep,
)
from api.errors import error_responses
from models.base import Strict
from models.directory.commands import NewPerson
from models.read.reports import PersonHistory, PersonOut, TokenOut, TokensRevokedOut
from models.roles import Role
from throughline.tokens import TOKEN_MAX_HOURS

router = APIRouter(prefix="/people", tags=["people"])

PersonPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
CHANGE_ERRORS = error_responses(401, 403, 404, 409, 422, 503)


class TokenRequest(Strict):
    hours: float | None = Field(
        default=None, gt=0, le=TOKEN_MAX_HOURS, description="Defaults to the configured lifetime."
    )


@router.get(
    "",
    summary="List people",
    response_model=list[PersonOut],
    responses=error_responses(401, 403),
    dependencies=[ADMINS_OR_AUDITORS],
)
async def list_people(*, people: PeopleDep) -> list[PersonOut]:
    """Everyone in the directory with the roles they hold now."""
    return await people.everyone()


@router.post(
    "",
    status_code=201,
    summary="Add a person",
    response_model=PersonOut,
    responses=error_responses(401, 403, 409, 413, 415, 422, 503),
)
async def add_person(
    *,
    body: Annotated[NewPerson, Body(openapi_examples=examples.PERSON)],
    caller: Admin,
    people_admin: PeopleAdminDep,
    idempotency_key: IdempotencyKey = None,
) -> PersonOut:
    """Add a person to the directory with their roles; recorded as a directory event."""
    return await people_admin.add(caller.id, body, idempotency_key)


@router.get(
    "/{person_id}",
    summary="Get a person",
    response_model=PersonOut,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[ADMINS_OR_AUDITORS],
)
async def get_person(*, person_id: PersonPath, people: PeopleDep) -> PersonOut:
    """One person and the roles they hold now."""
    return await people.one(person_id)


@router.get(
    "/{person_id}/history",
    summary="A person's history in the directory",
    response_model=PersonHistory,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[AUDITORS],
)
async def person_history(*, person_id: PersonPath, people: PeopleDep) -> PersonHistory:
    """Every directory event about the person, oldest first: who added them, each role
    granted and revoked, each delegation given or received, and by whom."""
    return await people.history(person_id)


@router.put(
    "/{person_id}/roles/{role}",
    summary="Grant a role",
    response_model=PersonOut,
    responses=CHANGE_ERRORS,
)
async def grant_role(
    *, person_id: PersonPath, role: Role, caller: Admin, people_admin: PeopleAdminDep
) -> PersonOut:
    """Grant a role; granting one already held changes nothing. An admin cannot grant a
    role to themself."""
    return await people_admin.change_role(caller.id, person_id, role, grant=True)


@router.delete(
    "/{person_id}/roles/{role}",
    summary="Revoke a role",
    response_model=PersonOut,
    responses=CHANGE_ERRORS,
)
async def revoke_role(
    *, person_id: PersonPath, role: Role, caller: Admin, people_admin: PeopleAdminDep
) -> PersonOut:
    """Revoke a role; it stops counting on the person's next request or sign-off. The
    last active admin keeps the admin role."""
    return await people_admin.change_role(caller.id, person_id, role, grant=False)


@router.post(
    "/{person_id}/deactivation",
    summary="Deactivate a person",
    response_model=PersonOut,
    responses=CHANGE_ERRORS,
)
async def deactivate(
    *, person_id: PersonPath, caller: Admin, people_admin: PeopleAdminDep
) -> PersonOut:
    """The person can no longer sign in or act; every token and page session they hold
    is revoked, so reactivating them later brings none of those back."""
    return await people_admin.set_active(caller.id, person_id, active=False)


@router.post(
    "/{person_id}/reactivation",
    summary="Reactivate a person",
    response_model=PersonOut,
    responses=CHANGE_ERRORS,
)
async def reactivate(
    *, person_id: PersonPath, caller: Admin, people_admin: PeopleAdminDep
) -> PersonOut:
    """The person may act again in the roles they hold."""
    return await people_admin.set_active(caller.id, person_id, active=True)


@router.post(
    "/{person_id}/tokens",
    status_code=201,
    summary="Issue a token",
    response_model=TokenOut,
    responses=error_responses(401, 403, 404, 413, 415, 422),
    dependencies=[ADMINS],
)
async def issue_token(
    *,
    person_id: PersonPath,
    body: Annotated[TokenRequest, Body(openapi_examples=examples.TOKEN)],
    tokens: TokensDep,
) -> TokenOut:
    """A bearer token for an active person; at most 720 hours."""
    return await tokens.issue(person_id, body.hours)


@router.delete(
    "/{person_id}/tokens",
    summary="Revoke all of a person's tokens",
    response_model=TokensRevokedOut,
    responses=CHANGE_ERRORS,
)
async def revoke_tokens(
    *, person_id: PersonPath, caller: CurrentCaller, people_admin: PeopleAdminDep
) -> TokensRevokedOut:
    """Every token the person holds now is refused from now on; as an admin, or for
    yourself."""
    return await people_admin.revoke_tokens(caller.id, person_id)
