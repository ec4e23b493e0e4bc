"""One-time sign-in links: kept as fingerprints, spent atomically by their first use."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import SignInLink


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
