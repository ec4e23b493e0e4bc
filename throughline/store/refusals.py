"""The refusals log in SQL: append a refused attempt to its change's chain, or count it
again when the same refusal is already there; read a change's log in order, whole or a
page at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import GENESIS_HASH, AuditEvent
from models.read.audit_pages import EventFilter
from models.refusals import Refusal, refusal_event, repeat_key
from models.tables import RefusalRow
from throughline.store import chain_reads

ATTEMPTS = 5
"""Two refusals of one change at the same moment race for the next seq; the loser tries
again on the new head."""


async def put_on_record(session: AsyncSession, refusal: Refusal, at: datetime) -> tuple[int, int]:
    """The refusal's seq and how many times it has been repeated; each attempt in its own
    transaction, so a race for the next seq is tried again."""
    key = repeat_key(refusal)
    for _ in range(ATTEMPTS):
        try:
            async with session.begin():
                return await _record_once(session, refusal, key, at)
        except IntegrityError:
            continue
    raise RuntimeError(f"the refusals log of {refusal.change_id} stayed contended")


async def _record_once(
    session: AsyncSession, refusal: Refusal, key: str, at: datetime
) -> tuple[int, int]:
    found = await _by_key(session, refusal.change_id, key)
    if found is not None:
        found.repeats += 1
        found.last_at = at
        session.add(found)
        return found.seq, found.repeats
    head = await _head(session, refusal.change_id)
    seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    event = refusal_event(refusal, seq, prev, at)
    row = RefusalRow(**event.model_dump(), repeat_key=key, last_at=at)
    session.add(row)
    await session.flush()
    return seq, 0


async def _by_key(session: AsyncSession, change_id: str, key: str) -> RefusalRow | None:
    statement = select(RefusalRow).where(
        col(RefusalRow.change_id) == change_id, col(RefusalRow.repeat_key) == key
    )
    return (await session.exec(statement)).first()


async def _head(session: AsyncSession, change_id: str) -> RefusalRow | None:
    statement = (
        select(RefusalRow)
        .where(col(RefusalRow.change_id) == change_id)
        .order_by(col(RefusalRow.seq).desc())
        .limit(1)
    )
    return (await session.exec(statement)).first()


async def log_of(session: AsyncSession, change_id: str) -> list[tuple[AuditEvent, int]]:
    """Each refusal of the change in order, with how many times it came again."""
    statement = (
        select(RefusalRow)
        .where(col(RefusalRow.change_id) == change_id)
        .order_by(col(RefusalRow.seq))
    )
    rows = (await session.exec(statement)).all()
    fields = set(AuditEvent.model_fields)
    return [
        (AuditEvent.model_validate(row.model_dump(include=fields)), row.repeats) for row in rows
    ]


async def page_of(
    session: AsyncSession, change_id: str, where: EventFilter | None
) -> tuple[list[tuple[AuditEvent, int]], int | None]:
    """A page of the change's refusals, each with its repeats, and the seq the next page
    starts after; with no filter, the whole log and no next page."""
    if where is None:
        return await log_of(session, change_id), None
    rows, next_after = await chain_reads.page(session, RefusalRow, change_id, where)
    return [(chain_reads.as_event(row), row.repeats) for row in rows], next_after
