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
from throughline.tokens import TOKEN_MAX_HOURS, issue_token


async def issue_for(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    person_id: str,
    hours: float | None = None,
) -> TokenOut:
    """A new token for an active person, lasting `hours` or the configured lifetime."""
    lifetime = hours or settings.token_ttl_hours
    if not 0 < lifetime <= TOKEN_MAX_HOURS:
        raise InvalidRequest(f"a token lasts more than 0 and at most {TOKEN_MAX_HOURS} hours")
    async with sessions() as session:
        person = await directory.get_person(session, person_id)
    if not person.active:
        raise InvalidRequest(f"{person_id} is not active in the directory; no token is issued")
    issued = issue_token(person_id, settings.key_file().ring(), timedelta(hours=lifetime))
    return TokenOut(
        token=issued.token,
        token_id=issued.token_id,
        person=issued.person,
        expires_at=issued.expires_at,
    )
