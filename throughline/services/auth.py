"""Who is calling: a bearer token checked against the directory on every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import Unauthenticated
from models.roles import Role
from models.tables import Person
from throughline.store import directory
from throughline.tokens import read_token

BEARER = "bearer "


@dataclass(frozen=True)
class Caller:
    id: str
    name: str
    roles: list[Role]

    def holds(self, role: Role) -> bool:
        return role in self.roles


def bearer_token(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith(BEARER):
        raise Unauthenticated("send a bearer token: Authorization: Bearer <token>")
    token = authorization[len(BEARER) :].strip()
    if not token:
        raise Unauthenticated("send a bearer token: Authorization: Bearer <token>")
    return token


async def authenticate(
    sessions: async_sessionmaker[AsyncSession], secret: str, authorization: str | None
) -> Caller:
    """The person a valid token names, with the roles the directory grants them now."""
    person_id = read_token(bearer_token(authorization), secret)
    async with sessions() as session:
        person = await session.get(Person, person_id)
        if person is None or not person.active:
            raise Unauthenticated(
                f"the token's person {person_id!r} is not active in the directory"
            )
        roles = await directory.active_roles(session, person_id)
    return Caller(id=person.id, name=person.name, roles=roles)
