"""Signing in to the pages: one-time links for the embedded stack, and people named by
the single sign-on provider's claims."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import NotPermitted, Unauthenticated
from models.tables import SignInLink
from throughline.services.auth import Caller, SingleSignOn, caller_for_claims, session_caller
from throughline.settings import Settings
from throughline.store import directory
from throughline.store import sign_in as links

LINK_MINUTES = 15
LINK_PATH = "/web/sign-in/link"


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        sso: SingleSignOn | None,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self.sso = sso

    def refuse_in_production(self) -> None:
        """Sign-in links are for development stacks; production signs in through SSO."""
        if self._settings.environment == "production":
            raise NotPermitted(
                "sign-in links are for development only; sign in through single sign-on"
            )

    async def link_for(self, person_id: str) -> str:
        """A link that signs the person in once, within 15 minutes; refused in production."""
        self.refuse_in_production()
        async with self._sessions() as session:
            person = await directory.get_person(session, person_id)
            if not person.active:
                raise NotPermitted(f"{person_id!r} is not active in the directory")
            token = secrets.token_urlsafe(32)
            now = datetime.now(UTC)
            await links.keep(
                session,
                SignInLink(
                    fingerprint=_fingerprint(token),
                    person_id=person.id,
                    created_at=now,
                    expires_at=now + timedelta(minutes=LINK_MINUTES),
                ),
            )
        return f"{self._settings.public_url.rstrip('/')}{LINK_PATH}?token={token}"

    async def redeem(self, token: str) -> Caller:
        """The active person a link names, once; a spent, expired or unknown link is refused."""
        self.refuse_in_production()
        async with self._sessions() as session:
            person_id = await links.spend(session, _fingerprint(token), datetime.now(UTC))
        if person_id is None:
            raise Unauthenticated(
                "this sign-in link has been used, has expired or is not valid; ask for a new "
                "one with `throughline login-link --person ID`"
            )
        return await session_caller(self._sessions, person_id, signed_in_at=None)

    async def end_session(self, session_id: str) -> None:
        """Signing out: the session's cookie is refused from now on, even a copy of it."""
        now = datetime.now(UTC)
        kept_after = now - timedelta(hours=self._settings.session_max_hours)
        async with self._sessions() as session:
            await links.end_session(session, session_id, now, kept_after)

    async def from_provider(self, claims: dict[str, Any]) -> Caller:
        """The active person the provider's ID token names."""
        if self.sso is None:
            raise NotPermitted("single sign-on is not configured")
        return await caller_for_claims(self._sessions, self.sso, claims)
