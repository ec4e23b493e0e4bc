"""Who is calling: a bearer token checked against the directory on every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import Unauthenticated
from models.roles import Role
from models.tables import Person
from throughline.store import directory
from throughline.tokens import KeyRing, TokenClaims, read_token

BEARER = "bearer "


@dataclass(frozen=True)
class Caller:
    id: str
    name: str
    roles: list[Role]
    token: TokenClaims | None = None

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
    sessions: async_sessionmaker[AsyncSession], ring: KeyRing, authorization: str | None
) -> Caller:
    """The person a valid, unrevoked token names, with the roles the directory grants
    them now. An inactive person's tokens are refused."""
    claims = read_token(bearer_token(authorization), ring)
    async with sessions() as session:
        person = await directory.find_person(session, claims.person)
        if person is None or not person.active:
            raise Unauthenticated(
                f"the token's person {claims.person!r} is not active in the directory"
            )
        await _refuse_revoked(session, person, claims)
        roles = await directory.active_roles(session, person.id)
    return Caller(id=person.id, name=person.name, roles=roles, token=claims)


async def _refuse_revoked(session: AsyncSession, person: Person, claims: TokenClaims) -> None:
    cutoff = person.tokens_valid_after
    if cutoff is not None and claims.issued_at < cutoff:
        raise Unauthenticated("the token was revoked; ask for a new one")
    if claims.token_id is None:
        return
    if await directory.token_revoked(session, claims.token_id):
        raise Unauthenticated("the token was revoked; ask for a new one")
