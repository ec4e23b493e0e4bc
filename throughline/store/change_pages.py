"""Pages of the change list in each of its orders, by offset or after a cursor.

Each order is one or more parts, runs of rows whose sort keys are never null, read one
after the other: the urgent order is the overdue changes, most overdue first, then the
rest, newest first. Reading a part in its own key order lets the database walk an index
and stop at the page's end, instead of sorting every match of a computed order; and a
cursor (the last row's part and keys) starts the next page where this one ended, so a
deep page costs what the first does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import InvalidRequest
from models.read.cursors import Key, decode_cursor, encode_cursor, filters_digest
from models.read.reports import ChangeOrder, ChangeQuery
from models.tables import ChangeRow, ChangeWaiting
from throughline.store.readmodel import WITHOUT_SNAPSHOT
from throughline.store.waiting import waits_on_role


@dataclass(frozen=True)
class SortKey:
    expression: Any  # a column or an expression of columns
    descending: bool = False
    is_time: bool = False


@dataclass(frozen=True)
class Part:
    """A run of an order: which rows it holds, and their keys, the id last."""

    where: ColumnElement[bool]
    keys: list[SortKey]


@dataclass
class ChangePage:
    rows: list[ChangeRow]
    people: dict[str, list[str]]
    """Whom each change on the page waits on now, by directory id, in id order."""
    next_cursor: str | None


@dataclass(frozen=True)
class Found:
    part: int
    row: ChangeRow
    keys: list[Key]
    people: list[str]


WAITING_PEOPLE = (
    select(func.aggregate_strings(col(ChangeWaiting.person_id), " "))
    .where(col(ChangeWaiting.change_id) == col(ChangeRow.id))
    .scalar_subquery()
    .label("waiting_people")
)
"""Read with each row, not in a second query: directory ids hold no spaces."""


async def list_changes(
    session: AsyncSession, where: ChangeQuery, now: datetime
) -> tuple[ChangePage, int | None]:
    """A page of changes in the order asked for (by default overdue ones first, most
    overdue first, then newest first), and how many match when the query asks. Rows come
    without their snapshots, which a list never shows."""
    past_due = and_(col(ChangeRow.due_at).is_not(None), col(ChangeRow.due_at) < now)
    overdue = or_(col(ChangeRow.overdue_since).is_not(None), past_due)
    filters = _filters(where, overdue)
    page = await page_of(session, where, filters, parts_of(where.order, overdue))
    if not where.count:
        return page, None
    counting = select(func.count()).select_from(ChangeRow).where(*filters)
    return page, int((await session.exec(counting)).one())


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
        found.append(waits_on_role(where.waiting_on))
    if where.waiting_on_person:
        theirs = select(ChangeWaiting.change_id).where(
            ChangeWaiting.person_id == where.waiting_on_person
        )
        found.append(col(ChangeRow.id).in_(theirs))
    return found


def parts_of(order: ChangeOrder, overdue: ColumnElement[bool]) -> list[Part]:
    by_id = SortKey(col(ChangeRow.id))
    newest = [SortKey(col(ChangeRow.created_at), descending=True, is_time=True), by_id]
    if order is ChangeOrder.URGENT:
        since = func.coalesce(ChangeRow.overdue_since, ChangeRow.due_at)
        most_overdue = SortKey(since, is_time=True)
        return [Part(overdue, [most_overdue, *newest]), Part(not_(overdue), newest)]
    if order is ChangeOrder.NEWEST:
        return [Part(true(), newest)]
    if order is ChangeOrder.OLDEST:
        return [Part(true(), [SortKey(col(ChangeRow.created_at), is_time=True), by_id])]
    if order is ChangeOrder.WAITING_LONGEST:
        waiting = col(ChangeRow.waiting_since)
        longest = [SortKey(waiting, is_time=True), by_id]
        return [Part(waiting.is_not(None), longest), Part(waiting.is_(None), [by_id])]
    return [Part(true(), [SortKey(func.lower(ChangeRow.title)), by_id])]


async def page_of(
    session: AsyncSession, where: ChangeQuery, filters: list[ColumnElement[bool]], parts: list[Part]
) -> ChangePage:
    """Up to where.limit rows from the offset or the cursor, and the cursor after them
    when more follow."""
    first, after = _start(where, parts)
    wanted, offset = where.limit + 1, where.offset
    found: list[Found] = []
    for index in range(first, len(parts)):
        part = parts[index]
        rows = await _read(session, index, part, [*filters, part.where], after, offset, wanted)
        found += rows
        wanted -= len(rows)
        if wanted == 0:
            break
        offset = await _offset_past(session, filters, part, offset, found=bool(rows))
        after = None
    page = found[: where.limit]
    more = len(found) > where.limit
    last = page[-1] if more and page else None
    cursor = (
        encode_cursor(where.order.value, last.part, last.keys, _digest(where)) if last else None
    )
    return ChangePage(
        rows=[each.row for each in page],
        people={each.row.id: each.people for each in page},
        next_cursor=cursor,
    )


def _start(where: ChangeQuery, parts: list[Part]) -> tuple[int, list[Key] | None]:
    if where.cursor is None:
        return 0, None
    if where.offset:
        raise InvalidRequest("give a cursor or an offset, not both")
    cursor = decode_cursor(where.cursor, where.order.value, _digest(where))
    if not 0 <= cursor.part < len(parts) or len(cursor.after) != len(parts[cursor.part].keys):
        raise InvalidRequest("cursor is not one a list of changes gave out")
    keys = zip(parts[cursor.part].keys, cursor.after, strict=True)
    return cursor.part, [_key_value(key, value) for key, value in keys]


FILTERS = {
    "stage",
    "status",
    "waiting_on",
    "waiting_on_person",
    "waiting_kind",
    "service",
    "overdue",
}
"""The fields of ChangeQuery that choose which changes a list holds."""


def _digest(where: ChangeQuery) -> str:
    """Which filters a cursor's list had: a cursor only goes on in the list that gave it."""
    return filters_digest(where.model_dump(mode="json", include=FILTERS))


def _key_value(key: SortKey, value: str) -> Key:
    if not key.is_time:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidRequest("cursor is not one a list of changes gave out")
    return moment


async def _read(
    session: AsyncSession,
    index: int,
    part: Part,
    filters: list[ColumnElement[bool]],
    after: list[Key] | None,
    offset: int,
    limit: int,
) -> list[Found]:
    """The page's ids are found first, by the part's keys alone; only then are its rows
    and whom each waits on read, so an offset's skipped rows cost no more than their keys."""
    keys = [key.expression.label(f"key_{i}") for i, key in enumerate(part.keys)]
    ids: Any = select(col(ChangeRow.id).label("page_id"), *keys).where(*filters)
    if after is not None:
        ids = ids.where(_beyond(part.keys, after))
    page = ids.order_by(*_ordering(part.keys, [k.expression for k in part.keys]))
    page = page.offset(offset).limit(limit).subquery("page")
    paged = [page.c[f"key_{i}"] for i in range(len(part.keys))]
    statement: Any = (
        select(ChangeRow, WAITING_PEOPLE, *paged)
        .options(WITHOUT_SNAPSHOT)
        .join(page, page.c.page_id == col(ChangeRow.id))
        .order_by(*_ordering(part.keys, paged))
    )
    found: Any = (await session.exec(statement)).all()
    return [
        Found(index, row[0], list(row[2:]), sorted(set((row[1] or "").split()))) for row in found
    ]


def _ordering(keys: list[SortKey], columns: list[Any]) -> list[Any]:
    return [c.desc() if k.descending else c for k, c in zip(keys, columns, strict=True)]


def _beyond(keys: list[SortKey], after: list[Key]) -> ColumnElement[bool]:
    """Rows that sort after the given keys: ahead on the first key that differs. The bound
    on the first key alone says nothing new, but an index can start from it, where the
    alternatives alone would have it read every row before the cursor and drop them."""
    alternatives = []
    for i, key in enumerate(keys):
        equal = [keys[j].expression == after[j] for j in range(i)]
        ahead = key.expression < after[i] if key.descending else key.expression > after[i]
        alternatives.append(and_(*equal, ahead))
    first = keys[0].expression
    bound = first <= after[0] if keys[0].descending else first >= after[0]
    return and_(bound, or_(*alternatives))


async def _offset_past(
    session: AsyncSession,
    filters: list[ColumnElement[bool]],
    part: Part,
    offset: int,
    *,
    found: bool,
) -> int:
    """The offset into the next part: none once this part gave rows; else, when the
    offset passed this whole part, what is left of it once the part is counted."""
    if found or not offset:
        return 0
    return max(0, offset - await _count(session, filters, part))


async def _count(session: AsyncSession, filters: list[ColumnElement[bool]], part: Part) -> int:
    counting = select(func.count()).select_from(ChangeRow).where(*filters, part.where)
    return int((await session.exec(counting)).one())
