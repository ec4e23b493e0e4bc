"""SQL for live outcome data: sources, points, and the outbox rows a crossed target
calls for, written in the same transaction as the points that crossed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.live_data import (
    Crossing,
    MeasurePoint,
    PointOrigin,
    crossing,
    crossing_notice,
    latest_of,
    measure_of,
)
from models.notifications import MessageStyle
from models.tables import MeasurePointRow, MeasureSourceRow
from throughline.store import outbox
from throughline.store.sql import insert_missing_keys


@dataclass(frozen=True)
class Stored:
    """What storing a batch did: how many points were new, the latest point now, and
    whether the latest crossed the target (with how many notifications are due)."""

    new: int
    latest: MeasurePoint | None
    crossed: Crossing | None
    due: int


async def add_source(session: AsyncSession, row: MeasureSourceRow) -> None:
    session.add(row)
    await session.flush()


async def save_source(session: AsyncSession, row: MeasureSourceRow) -> None:
    session.add(row)
    await session.flush()


async def source(session: AsyncSession, source_id: str) -> MeasureSourceRow | None:
    return await session.get(MeasureSourceRow, source_id)


async def sources_of(session: AsyncSession, change_id: str) -> list[MeasureSourceRow]:
    statement = (
        select(MeasureSourceRow)
        .where(col(MeasureSourceRow.change_id) == change_id)
        .order_by(col(MeasureSourceRow.created_at), col(MeasureSourceRow.id))
    )
    return list((await session.exec(statement)).all())


async def record_poll(
    session: AsyncSession, source_id: str, at: datetime, error: str | None
) -> None:
    """A poll's outcome: when it last gave a number, or why it last failed."""
    row = await source(session, source_id)
    if row is None:
        return
    if error is None:
        row.last_polled_at = at
    else:
        row.last_error, row.last_error_at = error[:2000], at
    await save_source(session, row)


async def store_points(
    session: AsyncSession,
    state: ChangeState,
    metric: str,
    points: Sequence[MeasurePoint],
    style: MessageStyle,
) -> Stored:
    """Store the points a measure was sent, keeping any already stored at the same moment
    and origin; when the latest value crosses the target, the team hears of it once."""
    measure = measure_of(state, metric)
    before = await latest_point(session, state.change_id, metric)
    rows = [_row(state.change_id, metric, p) for p in points]
    keys = {
        (at, origin)
        for _, _, at, origin in await insert_missing_keys(session, MeasurePointRow, rows)
    }
    new = [p for p in points if (p.observed_at, p.origin.value) in keys]
    after = latest_of([before, *new])
    crossed = crossing(measure, before, after)
    due = 0
    if crossed is not None and after is not None:
        notice = crossing_notice(state, measure, crossed, (before, after))
        due = await outbox.enqueue_notices(session, [notice], style)
    return Stored(new=len(new), latest=after, crossed=crossed, due=due)


def _row(change_id: str, metric: str, point: MeasurePoint) -> dict[str, object]:
    return {
        "change_id": change_id,
        "metric": metric,
        "observed_at": point.observed_at,
        "origin": point.origin.value,
        "value": point.value,
        "source_id": point.source_id,
        "received_at": point.received_at,
    }


async def latest_point(session: AsyncSession, change_id: str, metric: str) -> MeasurePoint | None:
    """The newest point, ordered as models.live_data.latest_of orders them."""
    found = await series(session, change_id, metric, None, 1)
    return found[0] if found else None


async def series(
    session: AsyncSession, change_id: str, metric: str, since: datetime | None, limit: int
) -> list[MeasurePoint]:
    """A measure's newest points, newest first, observed at or after `since`."""
    statement = select(MeasurePointRow).where(
        col(MeasurePointRow.change_id) == change_id, col(MeasurePointRow.metric) == metric
    )
    if since is not None:
        statement = statement.where(col(MeasurePointRow.observed_at) >= since)
    statement = statement.order_by(
        col(MeasurePointRow.observed_at).desc(),
        col(MeasurePointRow.received_at).desc(),
        col(MeasurePointRow.origin).desc(),
    ).limit(limit)
    return [_point(row) for row in (await session.exec(statement)).all()]


async def first_observed(session: AsyncSession, change_id: str) -> dict[str, datetime]:
    """When each of a change's measures was first observed, by any source."""
    statement = (
        select(MeasurePointRow.metric, func.min(MeasurePointRow.observed_at))
        .where(col(MeasurePointRow.change_id) == change_id)
        .group_by(col(MeasurePointRow.metric))
    )
    return dict((await session.exec(statement)).all())


async def first_received(session: AsyncSession, change_id: str) -> dict[str, datetime]:
    """When Throughline first received live data for each of a change's measures: an
    observation period counts from there, so points dated in the past do not make one."""
    statement = (
        select(MeasurePointRow.metric, func.min(MeasurePointRow.received_at))
        .where(col(MeasurePointRow.change_id) == change_id)
        .group_by(col(MeasurePointRow.metric))
    )
    return dict((await session.exec(statement)).all())


def _point(row: MeasurePointRow) -> MeasurePoint:
    return MeasurePoint(
        observed_at=row.observed_at,
        value=row.value,
        origin=PointOrigin(row.origin),
        source_id=row.source_id,
        received_at=row.received_at,
    )
