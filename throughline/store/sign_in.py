"""One-time sign-in links, kept as fingerprints and spent atomically by their first use;
and the page sessions people signed out of."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import EndedPageSession, SignInLink


async def keep(session: AsyncSession, link: SignInLink) -> None:
    session.add(link)
    await session.commit()


async def spend(session: AsyncSession, fingerprint: str, now: datetime) -> str | None:
    """The person of an unspent, unexpired link, which this marks spent; None otherwise.
    One UPDATE decides, so two sign-ins racing with one link cannot both win."""
    spent = (
        update(SignInLink)
        .where(col(SignInLink.fingerprint) == fingerprint)
        .where(col(SignInLink.used_at).is_(None))
        .where(col(SignInLink.expires_at) > now)
        .values(used_at=now)
    )
    result = await session.exec(spent)
    await session.commit()
    if result.rowcount != 1:
        return None
    person = await session.exec(
        select(SignInLink.person_id).where(col(SignInLink.fingerprint) == fingerprint)
    )
    return person.one()


async def end_session(
    session: AsyncSession, session_id: str, now: datetime, kept_after: datetime
) -> None:
    """Records a session as ended, once, and forgets sessions that ended before
    `kept_after`: their cookies have expired anyway."""
    await session.exec(delete(EndedPageSession).where(col(EndedPageSession.ended_at) < kept_after))
    if await session.get(EndedPageSession, session_id) is None:
        session.add(EndedPageSession(session_id=session_id, ended_at=now))
    try:
        await session.commit()
    except IntegrityError:  # signed out twice at once: ended either way
        await session.rollback()


async def session_ended(session: AsyncSession, session_id: str) -> bool:
    return await session.get(EndedPageSession, session_id) is not None
