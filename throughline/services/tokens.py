"""Issuing bearer tokens: only to people active in the directory, never for longer than
the hard cap, and signed with the newest key."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import InvalidRequest
from models.read.reports import TokenOut
from throughline.settings import Settings
from throughline.store import directory
from throughline.tokens import TOKEN_MAX_HOURS, IssuedToken, issue_token


class TokenService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings

    async def issue(self, person_id: str, hours: float | None = None) -> TokenOut:
        """A new token for an active person, lasting `hours` or the configured lifetime."""
        lifetime = hours or self._settings.token_ttl_hours
        if not 0 < lifetime <= TOKEN_MAX_HOURS:
            raise InvalidRequest(f"a token lasts more than 0 and at most {TOKEN_MAX_HOURS} hours")
        async with self._sessions() as session:
            person = await directory.get_person(session, person_id)
        if not person.active:
            raise InvalidRequest(f"{person_id} is not active in the directory; no token is issued")
        ring = self._settings.key_file().ring()
        return _out(issue_token(person_id, ring, timedelta(hours=lifetime)))


def _out(issued: IssuedToken) -> TokenOut:
    return TokenOut(
        token=issued.token,
        token_id=issued.token_id,
        person=issued.person,
        expires_at=issued.expires_at,
    )
