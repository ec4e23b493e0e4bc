"""The directory, for admins: people and their roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import Field

from api import examples
from api.deps import Admin, IdempotencyKey, SessionDep
from api.errors import error_responses
from models.intake import PersonId, ShortText, Strict
from models.reports import PersonOut
from models.roles import Role
from throughline import queries
from throughline.store import directory, idempotency

router = APIRouter(prefix="/people", tags=["people"])

PersonPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]


class PersonCreate(Strict):
    name: ShortText
    id: PersonId | None = Field(default=None, description="Defaults to a slug of the name.")
    roles: list[Role] = Field(default_factory=list)


@router.get(
    "", summary="List people", response_model=list[PersonOut], responses=error_responses(401, 403)
)
async def list_people(*, caller: Admin, session: SessionDep) -> list[PersonOut]:  # noqa: ARG001
    """Everyone in the directory with the roles they hold now."""
    return [await queries.person_out(session, p) for p in await directory.list_people(session)]


@router.post(
    "",
    status_code=201,
    summary="Add a person",
    response_model=PersonOut,
    responses=error_responses(401, 403, 409, 413, 415, 422),
)
async def add_person(
    *,
    body: Annotated[PersonCreate, Body(openapi_examples=examples.PERSON)],
    caller: Admin,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> PersonOut:
    """Add a person to the directory with their roles."""

    async def add() -> PersonOut:
        person = await directory.add_person(
            session, name=body.name, person_id=body.id, roles=body.roles, by=caller.id
        )
        return await queries.person_out(session, person)

    return await idempotency.once(session, caller.id, idempotency_key, body, add, PersonOut)


@router.put(
    "/{person_id}/roles/{role}",
    summary="Grant a role",
    response_model=PersonOut,
    responses=error_responses(401, 403, 404, 422),
)
async def grant_role(
    *, person_id: PersonPath, role: Role, caller: Admin, session: SessionDep
) -> PersonOut:
    """Grant a role; granting one already held changes nothing."""
    await directory.grant_role(session, person_id, role, by=caller.id)
    return await queries.person_out(session, await directory.get_person(session, person_id))


@router.delete(
    "/{person_id}/roles/{role}",
    summary="Revoke a role",
    response_model=PersonOut,
    responses=error_responses(401, 403, 404, 422),
)
async def revoke_role(
    *, person_id: PersonPath, role: Role, caller: Admin, session: SessionDep
) -> PersonOut:
    """Revoke a role; it stops counting on the person's next request or sign-off."""
    await directory.revoke_role(session, person_id, role, by=caller.id)
    return await queries.person_out(session, await directory.get_person(session, person_id))
