"""Queries over the read model and the audit log, for the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select as sql_select
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.change import ChangeState
from models.errors import ChangeNotFound
from models.read.audit_pages import EventFilter
from models.read.waiting import WaitKind
from models.roles import Role
from models.tables import AuditEventRow, ChangeRow, ChangeWaiting, ConditionRow, HandoffRow
from throughline.store import chain_reads

WITHOUT_SNAPSHOT = defer(cast(QueryableAttribute[Any], ChangeRow.snapshot), raiseload=True)
"""For lists and the inbox: they show summary columns only, and a snapshot is most of
a row's bytes. Reading one by mistake raises instead of loading it row by row."""


async def change_state(session: AsyncSession, change_id: str) -> ChangeState:
    row = await session.get(ChangeRow, change_id)
    if row is None:
        raise ChangeNotFound(f"no change with id {change_id!r}")
    return ChangeState.model_validate(row.snapshot)


async def find_change(session: AsyncSession, change_id: str) -> ChangeRow | None:
    return await session.get(ChangeRow, change_id)


async def require_change(session: AsyncSession, change_id: str) -> ChangeRow:
    row = await find_change(session, change_id)
    if row is None:
        raise ChangeNotFound(f"no change with id {change_id!r}")
    return row


async def audit_events(session: AsyncSession, change_id: str) -> list[AuditEvent]:
    statement = (
        select(AuditEventRow)
        .where(AuditEventRow.change_id == change_id)
        .order_by(col(AuditEventRow.seq))
    )
    rows = (await session.exec(statement)).all()
    return [AuditEvent.model_validate(row.model_dump()) for row in rows]


async def audit_page(
    session: AsyncSession, change_id: str, where: EventFilter | None
) -> tuple[list[AuditEvent], int | None]:
    """A page of the change's audit events and the seq the next page starts after; with
    no filter, every event and no next page."""
    if where is None:
        return await audit_events(session, change_id), None
    rows, next_after = await chain_reads.page(session, AuditEventRow, change_id, where)
    return [chain_reads.as_event(row) for row in rows], next_after


async def handoffs(session: AsyncSession, change_id: str) -> list[HandoffRow]:
    statement = (
        select(HandoffRow).where(HandoffRow.change_id == change_id).order_by(col(HandoffRow.seq))
    )
    return list((await session.exec(statement)).all())


async def open_conditions_owned_by(
    session: AsyncSession, person_id: str
) -> list[tuple[ConditionRow, ChangeRow]]:
    statement = (
        select(ConditionRow, ChangeRow)
        .join(ChangeRow, col(ChangeRow.id) == col(ConditionRow.change_id))
        .options(WITHOUT_SNAPSHOT)
        .where(ConditionRow.owner == person_id, ConditionRow.status == "open")
        .order_by(col(ConditionRow.raised_at))
    )
    return [(condition, change) for condition, change in (await session.exec(statement)).all()]


@dataclass(slots=True)
class Waiting:
    """One thing in a person's inbox: what the change waits on them for."""

    change_id: str
    kind: str
    role: str
    since: datetime
    due_at: datetime | None
    overdue_at: datetime | None


@dataclass(slots=True)
class InboxChange:
    """The few columns of a change an inbox item shows."""

    title: str
    service: str
    stage: str
    gate_id: str
    reason: str
    calendar: str | None


WAITING_COLUMNS = (
    col(ChangeWaiting.change_id),
    col(ChangeWaiting.kind),
    col(ChangeWaiting.role),
    col(ChangeWaiting.since),
    col(ChangeWaiting.due_at),
    col(ChangeWaiting.overdue_at),
)
"""In Waiting's order, all in the person's index on PostgreSQL: an inbox of hundreds is
ordered from it alone, and only its page's changes are read."""

INBOX_CHANGE_COLUMNS = (
    col(ChangeRow.id),
    col(ChangeRow.title),
    col(ChangeRow.service),
    col(ChangeRow.stage),
    col(ChangeRow.gate_id),
    col(ChangeRow.waiting_reason),
    col(ChangeRow.calendar),
)


async def inbox(session: AsyncSession, person_id: str, roles: list[Role]) -> list[Waiting]:
    """What waits on this person in a role they hold now, and changes stuck until they
    act on them (as service owner or admin), oldest first."""
    statement = (
        sql_select(*WAITING_COLUMNS)
        .where(
            col(ChangeWaiting.person_id) == person_id,
            or_(
                col(ChangeWaiting.role).in_([r.value for r in roles]),
                col(ChangeWaiting.kind) == WaitKind.STUCK.value,
            ),
        )
        .order_by(col(ChangeWaiting.since), col(ChangeWaiting.change_id))
    )
    connection = await session.connection()
    rows: Any = (await connection.execute(statement)).all()
    return [Waiting(*row) for row in rows]


async def inbox_changes(session: AsyncSession, change_ids: list[str]) -> dict[str, InboxChange]:
    """What an inbox page shows of each of its changes."""
    if not change_ids:
        return {}
    statement = sql_select(*INBOX_CHANGE_COLUMNS).where(col(ChangeRow.id).in_(set(change_ids)))
    connection = await session.connection()
    rows: Any = (await connection.execute(statement)).all()
    return {row[0]: InboxChange(*row[1:]) for row in rows}


async def projected_seqs(session: AsyncSession, change_ids: list[str]) -> dict[str, int]:
    """How far the read model holds each change's audit log."""
    rows = await session.exec(
        select(ChangeRow.id, ChangeRow.last_seq).where(col(ChangeRow.id).in_(change_ids))
    )
    return {str(change_id): int(seq) for change_id, seq in rows.all()}
