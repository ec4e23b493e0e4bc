"""Keyset reads of the chained logs, a change's audit log and its refusals: a page of
events with filters, the next chunk of links to check a chain without holding it, and
the next chunk of an export across changes.

Every read starts after a key (a seq, or a change and a seq) and takes the primary
key's order, so each is one index range however long the log grows.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import and_, or_
from sqlalchemy import select as sql_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.chain_hash import ChainLink
from models.read.audit_pages import EventFilter, ExportFilter, page_end
from models.tables import AuditEventRow, ChangeRow, RefusalRow

Chained = TypeVar("Chained", AuditEventRow, RefusalRow)

CHUNK = 1000
"""Events read at a time when a whole log is checked or exported."""

_EVENT_FIELDS = set(AuditEvent.model_fields)


async def page(
    session: AsyncSession, table: type[Chained], change_id: str, where: EventFilter
) -> tuple[list[Chained], int | None]:
    """A page of one log's events in seq order, and the seq the next page starts after
    (None on the last page)."""
    statement = (
        select(table)
        .where(col(table.change_id) == change_id, col(table.seq) > where.after)
        .where(*_matching(table, where))
        .order_by(col(table.seq))
        .limit(where.limit + 1)
    )
    rows = list((await session.exec(statement)).all())
    return rows[: where.limit], page_end([row.seq for row in rows], where.limit)


def _matching(table: type[Chained], where: EventFilter) -> list[Any]:
    found: list[Any] = []
    if where.actors:
        found.append(col(table.actor).in_(where.actors))
    if where.roles:
        found.append(col(table.role).in_(where.roles))
    if where.kinds:
        found.append(col(table.kind).in_(where.kinds))
    if where.since is not None:
        found.append(col(table.at) >= where.since)
    if where.until is not None:
        found.append(col(table.at) < where.until)
    return found


def as_event(row: AuditEventRow | RefusalRow) -> AuditEvent:
    return AuditEvent.model_validate(row.model_dump(include=_EVENT_FIELDS))


async def links(
    session: AsyncSession,
    table: type[AuditEventRow] | type[RefusalRow],
    change_id: str,
    after: int,
    limit: int = CHUNK,
) -> list[ChainLink]:
    """The log's next events after seq `after`, as bare links: no pydantic model and no
    ORM object each, since a check reads every event of the log."""
    statement = (
        sql_select(*[col(getattr(table, name)) for name in ChainLink._fields])
        .where(col(table.change_id) == change_id, col(table.seq) > after)
        .order_by(col(table.seq))
        .limit(limit)
    )
    connection = await session.connection()
    return [ChainLink(*row) for row in (await connection.execute(statement)).all()]


async def export_chunk(
    session: AsyncSession,
    where: ExportFilter,
    after: tuple[str, int] | None,
    limit: int = CHUNK,
) -> list[AuditEvent]:
    """The next audit events of an export after (change, seq), change by change in seq
    order. A service or change that does not exist matches nothing."""
    statement = select(AuditEventRow)
    if after is not None:
        change_id, seq = after
        later_change = col(AuditEventRow.change_id) > change_id
        same_change = and_(col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) > seq)
        statement = statement.where(or_(later_change, same_change))
    if where.change_id is not None:
        statement = statement.where(col(AuditEventRow.change_id) == where.change_id)
    if where.service is not None:
        of_service = select(ChangeRow.id).where(col(ChangeRow.service) == where.service)
        statement = statement.where(col(AuditEventRow.change_id).in_(of_service))
    if where.since is not None:
        statement = statement.where(col(AuditEventRow.at) >= where.since)
    if where.until is not None:
        statement = statement.where(col(AuditEventRow.at) < where.until)
    ordered = statement.order_by(col(AuditEventRow.change_id), col(AuditEventRow.seq))
    rows = (await session.exec(ordered.limit(limit))).all()
    return [as_event(row) for row in rows]
