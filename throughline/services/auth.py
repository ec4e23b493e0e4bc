"""Who is calling: a bearer token (Throughline's own, or a JWT from the sign-in provider)
or a page session, checked against the directory on every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import Unauthenticated
from models.roles import Role
from throughline.oidc import Provider
from throughline.store import directory, sign_in
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


@dataclass(frozen=True)
class SingleSignOn:
    """The provider people sign in with, and the claim that names them in the directory."""

    provider: Provider
    claim: str


async def authenticate(
    sessions: async_sessionmaker[AsyncSession],
    ring: KeyRing,
    authorization: str | None,
    sso: SingleSignOn | None = None,
) -> Caller:
    """The person a valid, unrevoked token names, with the roles the directory grants
    them now. An inactive person's tokens are refused. A JWT the sign-in provider issued
    is checked against its published keys, issuer and audience."""
    token = bearer_token(authorization)
    if sso is not None and sso.provider.issued(token):
        return await caller_for_claims(sessions, sso, await sso.provider.verify(token))
    claims = read_token(token, ring)
    async with sessions() as session:
        person, roles, revoked = await directory.caller_facts(
            session, claims.person, claims.token_id
        )
    if person is None or not person.active:
        raise Unauthenticated(
            f"the token's person {claims.person!r} is not active in the directory"
        )
    cutoff = person.tokens_valid_after
    if revoked or (cutoff is not None and claims.issued_at < cutoff):
        raise Unauthenticated("the token was revoked; ask for a new one")
    return Caller(id=person.id, name=person.name, roles=roles, token=claims)


async def caller_for_claims(
    sessions: async_sessionmaker[AsyncSession], sso: SingleSignOn, claims: dict[str, Any]
) -> Caller:
    """The active person the provider's claims name, by the configured claim."""
    async with sessions() as session:
        person_id = await _person_named(session, sso.claim, claims)
    return await session_caller(sessions, person_id, signed_in_at=None)


async def session_caller(
    sessions: async_sessionmaker[AsyncSession],
    person_id: str,
    signed_in_at: datetime | None,
    session_id: str | None = None,
) -> Caller:
    """The person of a page session, refused once they are inactive, once an admin has
    revoked everything they were issued since they signed in, or once they signed out of
    this session (a copy of its cookie included)."""
    async with sessions() as session:
        if session_id is not None and await sign_in.session_ended(session, session_id):
            raise Unauthenticated("you signed out of this session; sign in again")
        person = await directory.find_person(session, person_id)
        if person is None or not person.active:
            raise Unauthenticated(f"{person_id!r} is not active in the directory")
        cutoff = person.tokens_valid_after
        if signed_in_at is not None and cutoff is not None and signed_in_at < cutoff:
            raise Unauthenticated("your session was ended by an administrator; sign in again")
        roles = await directory.active_roles(session, person.id)
    return Caller(id=person.id, name=person.name, roles=roles)


async def _person_named(session: AsyncSession, claim: str, claims: dict[str, Any]) -> str:
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        raise Unauthenticated(f"the provider's token carries no {claim!r} claim")
    if claim != "email":
        return value.strip().lower()
    if claims.get("email_verified") is False:
        raise Unauthenticated("the provider has not verified this email address")
    matches = await directory.people_with_email(session, value.strip())
    if len(matches) != 1:
        found = "nobody" if not matches else "more than one person"
        raise Unauthenticated(f"{found} in the directory has the email address {value!r}")
    return matches[0]
