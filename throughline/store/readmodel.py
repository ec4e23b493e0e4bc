"""Queries over the read model and the audit log, for the API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, case, func, not_
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.change import ChangeState
from models.errors import ChangeNotFound
from models.read.audit_pages import EventFilter
from models.read.reports import ChangeOrder, ChangeQuery
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


async def list_changes(
    session: AsyncSession, where: ChangeQuery, now: datetime
) -> tuple[list[ChangeRow], int]:
    """A page of changes in the order asked for; by default overdue ones first, most
    overdue first, then newest first. Rows come without their snapshots, which a list
    never shows and which cost most of a page's time to load."""
    past_due = and_(col(ChangeRow.due_at).is_not(None), col(ChangeRow.due_at) < now)
    overdue = or_(col(ChangeRow.overdue_since).is_not(None), past_due)
    filters = _filters(where, overdue)
    counting = select(func.count()).select_from(ChangeRow).where(*filters)
    total = (await session.exec(counting)).one()
    page = (
        select(ChangeRow)
        .options(WITHOUT_SNAPSHOT)
        .where(*filters)
        .order_by(*_ordering(where.order, overdue), ChangeRow.id)
    )
    rows = (await session.exec(page.offset(where.offset).limit(where.limit))).all()
    return list(rows), int(total)


def _filters(where: ChangeQuery, overdue: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.overdue is not None:
        found.append(overdue if where.overdue else not_(overdue))
    if where.stage:
        found.append(col(ChangeRow.stage) == where.stage)
    if where.status:
        found.append(col(ChangeRow.status) == where.status)
    if where.service:
        found.append(col(ChangeRow.service) == where.service)
    if where.waiting_kind:
        found.append(col(ChangeRow.waiting_kind) == where.waiting_kind.value)
    if where.waiting_on:
        waiting = select(ChangeWaiting.change_id).where(
            ChangeWaiting.role == where.waiting_on.value
        )
        found.append(col(ChangeRow.id).in_(waiting))
    if where.waiting_on_person:
        theirs = select(ChangeWaiting.change_id).where(
            ChangeWaiting.person_id == where.waiting_on_person
        )
        found.append(col(ChangeRow.id).in_(theirs))
    return found


def _ordering(order: ChangeOrder, overdue: ColumnElement[bool]) -> list[Any]:
    if order is ChangeOrder.WAITING_LONGEST:
        return [col(ChangeRow.waiting_since).is_(None), col(ChangeRow.waiting_since)]
    if order is ChangeOrder.NEWEST:
        return [col(ChangeRow.created_at).desc()]
    if order is ChangeOrder.OLDEST:
        return [col(ChangeRow.created_at)]
    if order is ChangeOrder.TITLE:
        return [func.lower(ChangeRow.title)]
    most_overdue = case((overdue, func.coalesce(ChangeRow.overdue_since, ChangeRow.due_at)))
    return [case((overdue, 0), else_=1), most_overdue, col(ChangeRow.created_at).desc()]


async def waiting_people(session: AsyncSession, change_ids: list[str]) -> dict[str, list[str]]:
    """Who each of these changes waits on now, by directory id."""
    if not change_ids:
        return {}
    statement = (
        select(ChangeWaiting.change_id, ChangeWaiting.person_id)
        .where(col(ChangeWaiting.change_id).in_(change_ids))
        .order_by(col(ChangeWaiting.change_id), col(ChangeWaiting.person_id))
    )
    found: dict[str, list[str]] = {}
    for change_id, person_id in (await session.exec(statement)).all():
        people = found.setdefault(change_id, [])
        if person_id not in people:
            people.append(person_id)
    return found


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


async def inbox(
    session: AsyncSession, person_id: str, roles: list[Role]
) -> list[tuple[ChangeWaiting, ChangeRow]]:
    """What waits on this person in a role they hold now, and changes stuck until they
    act on them (as service owner or admin), oldest first."""
    statement = (
        select(ChangeWaiting, ChangeRow)
        .join(ChangeRow, col(ChangeRow.id) == col(ChangeWaiting.change_id))
        .options(WITHOUT_SNAPSHOT)
        .where(
            ChangeWaiting.person_id == person_id,
            or_(
                col(ChangeWaiting.role).in_([r.value for r in roles]),
                ChangeWaiting.kind == WaitKind.STUCK.value,
            ),
        )
        .order_by(col(ChangeWaiting.since), col(ChangeWaiting.change_id))
    )
    return [(waiting, change) for waiting, change in (await session.exec(statement)).all()]


async def projected_seqs(session: AsyncSession, change_ids: list[str]) -> dict[str, int]:
    """How far the read model holds each change's audit log."""
    rows = await session.exec(
        select(ChangeRow.id, ChangeRow.last_seq).where(col(ChangeRow.id).in_(change_ids))
    )
    return {str(change_id): int(seq) for change_id, seq in rows.all()}
