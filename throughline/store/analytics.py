"""Handoff analytics: facts written with each projection, and the report read from them
with window functions that SQLite and PostgreSQL both run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Float, and_, case, cast, func, literal
from sqlalchemy import select as sql_select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.analytics import (
    AnalyticsQuery,
    CycleStats,
    GateStats,
    HandoffAnalytics,
    RoleStats,
    Spread,
    facts_of,
)
from models.change import ChangeState
from models.gate import Decision
from models.tables import ChangeRow, CycleFact, GateRow, HandoffFact, SignOffRow
from throughline.store.sql import upsert

T = TypeVar("T")
SENT_BACK = [Decision.REQUEST_CHANGES.value, Decision.REJECT.value]


async def write_facts(session: AsyncSession, state: ChangeState) -> None:
    handoffs, cycles = facts_of(state)
    await upsert(session, HandoffFact, handoffs)
    await upsert(session, CycleFact, cycles)


async def report(
    sessions: async_sessionmaker[AsyncSession], query: AnalyticsQuery
) -> HandoffAnalytics:
    """The whole report; its four parts read at once, each on a connection of its own."""

    async def on_own_session(part: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with sessions() as session:
            return await part(session)

    by_role, by_stage, rework, cycles = await asyncio.gather(
        on_own_session(lambda s: _waits(s, query, col(HandoffFact.role))),
        on_own_session(lambda s: _waits(s, query, col(HandoffFact.stage), once=True)),
        on_own_session(lambda s: _rework(s, query)),
        on_own_session(lambda s: _cycles(s, query)),
    )
    gates = [
        GateStats(stage=stage, gate=stats.pop("gate"), **stats, **rework.get(stage, _no_gates()))
        for stage, stats in by_stage.items()
        if stage is not None
    ]
    return HandoffAnalytics(
        query=query,
        by_role=[
            RoleStats(role=role, **{k: v for k, v in stats.items() if k != "gate"})
            for role, stats in by_role.items()
        ],
        by_gate=gates,
        intent_to_outcome=cycles,
    )


def _in_range(query: AnalyticsQuery, service: Any, moment: Any) -> list[ColumnElement[bool]]:
    """The query's service and time range, on the columns that hold them."""
    found: list[ColumnElement[bool]] = []
    if query.service is not None:
        found.append(service == query.service)
    if query.since is not None:
        found.append(moment >= query.since)
    if query.until is not None:
        found.append(moment < query.until)
    return found


async def _waits(
    session: AsyncSession, query: AnalyticsQuery, group: Any, once: bool = False
) -> dict[Any, dict[str, Any]]:
    """Counts, overdue share and the spread of finished waits, per group: one pass for
    the counts and the hours, one for the working days. With `once`, a handoff to several
    roles counts once (per gate) rather than once per role."""
    where = _in_range(query, col(HandoffFact.service), col(HandoffFact.opened_at))
    if once:
        where.append(col(HandoffFact.per_handoff).is_(True))
    connection = await session.connection()
    found = (await connection.execute(_counts_and_hours(group, where))).all()
    days = await _spread(
        session, group, col(HandoffFact.waited_working_days), col(HandoffFact.days_bucket), where
    )
    empty = Spread(median=None, p90=None)
    # PostgreSQL sums counts as numeric: they come back as Decimal.
    return {
        key: {
            "handoffs": int(count),
            "still_open": int(still_open or 0),
            "overdue_share": round(int(overdue or 0) / int(count), 4) if count else 0.0,
            "hours": Spread(median=median, p90=p90),
            "working_days": days.get(key, empty),
            "gate": gate,
        }
        for key, count, still_open, overdue, gate, median, p90 in found
    }


def _counts_and_hours(group: Any, where: list[ColumnElement[bool]]) -> Any:
    """Buckets of waits per group (open handoffs in a bucket of their own), read once:
    the counts are summed from them, and the percentiles found by a running count."""
    buckets = _hour_buckets(group, where)
    totals = (
        sql_select(
            buckets.c.grp,
            func.sum(buckets.c.all_).label("handoffs"),
            (func.sum(buckets.c.all_) - func.sum(buckets.c.n)).label("still_open"),
            func.sum(buckets.c.overdue).label("overdue"),
            func.max(buckets.c.gate).label("gate"),
        )
        .group_by(buckets.c.grp)
        .subquery()
    )
    running = (
        sql_select(
            buckets.c.grp,
            buckets.c.v,
            func.sum(buckets.c.n)
            .over(partition_by=buckets.c.grp, order_by=buckets.c.b)
            .label("upto"),
            func.sum(buckets.c.n).over(partition_by=buckets.c.grp).label("n"),
        )
        .where(buckets.c.b.is_not(None))
        .subquery()
    )
    spread = _percentiles(running).subquery()
    return sql_select(
        totals.c.grp,
        totals.c.handoffs,
        totals.c.still_open,
        totals.c.overdue,
        totals.c.gate,
        spread.c.median,
        spread.c.p90,
    ).outerjoin(spread, spread.c.grp == totals.c.grp)


def _hour_buckets(group: Any, where: list[ColumnElement[bool]]) -> Any:
    value = col(HandoffFact.waited_hours)
    bucket: Any = col(HandoffFact.hours_bucket).label("b")
    buckets = (
        sql_select(
            group.label("grp"),
            bucket,
            func.count().label("all_"),
            func.count(value).label("n"),
            func.min(value).label("v"),
            func.sum(case((col(HandoffFact.overdue), 1), else_=0)).label("overdue"),
            func.max(col(HandoffFact.gate)).label("gate"),
        )
        .where(*where)
        .group_by(group, bucket)
        .cte("buckets")
    )
    return buckets


async def _spread(
    session: AsyncSession,
    group: Any,
    value: Any,
    bucket: Any,
    where: list[ColumnElement[bool]],
) -> dict[Any, Spread]:
    found = await session.exec(_percentiles(_histogram(group, value, bucket, where)))
    return {key: Spread(median=median, p90=p90) for median, p90, key in found.all()}


def _histogram(group: Any | None, value: Any, bucket: Any, where: list[ColumnElement[bool]]) -> Any:
    """Per group and bucket: how many waits, and the shortest; with the running count
    up to each bucket and the group's whole count."""
    bucket = bucket.label("b")
    key = group.label("grp") if group is not None else literal(1).label("grp")
    buckets = (
        select(key, bucket, func.count().label("c"), func.min(value).label("v"))
        .where(*where, value.is_not(None))
        .group_by(key, bucket)
        .subquery()
    )
    return select(
        buckets.c.grp,
        buckets.c.v,
        func.sum(buckets.c.c).over(partition_by=buckets.c.grp, order_by=buckets.c.b).label("upto"),
        func.sum(buckets.c.c).over(partition_by=buckets.c.grp).label("n"),
    ).subquery()


def _percentiles(counted: Any) -> Any:
    """Nearest rank: the first bucket whose running count reaches p of the whole."""
    upto, n, v = counted.c.upto, cast(counted.c.n, Float), counted.c.v
    median = func.min(case((upto >= n * 0.5, v))).label("median")
    p90 = func.min(case((upto >= n * 0.9, v))).label("p90")
    return select(median, p90).add_columns(counted.c.grp).group_by(counted.c.grp)


async def _rework(session: AsyncSession, query: AnalyticsQuery) -> dict[str, dict[str, Any]]:
    """Per stage: gates opened in the range, and request changes or rejects at them."""
    where = _in_range(query, col(ChangeRow.service), col(GateRow.opened_at))
    opened = (
        select(GateRow.stage, func.count())
        .join(ChangeRow, col(ChangeRow.id) == col(GateRow.change_id))
        .where(*where)
        .group_by(col(GateRow.stage))
    )
    sent_back = (
        select(GateRow.stage, func.count())
        .join(ChangeRow, col(ChangeRow.id) == col(GateRow.change_id))
        .join(
            SignOffRow,
            and_(
                col(SignOffRow.change_id) == col(GateRow.change_id),
                col(SignOffRow.gate_id) == col(GateRow.gate_id),
            ),
        )
        .where(*where, col(SignOffRow.decision).in_(SENT_BACK))
        .group_by(col(GateRow.stage))
    )
    backs = dict((await session.exec(sent_back)).all())
    found = {}
    for stage, gates in (await session.exec(opened)).all():
        back = backs.get(stage, 0)
        found[stage] = {
            "gates_opened": gates,
            "request_changes": back,
            "rework_rate": round(back / gates, 4) if gates else None,
        }
    return found


def _no_gates() -> dict[str, Any]:
    return {"gates_opened": 0, "request_changes": 0, "rework_rate": None}


async def _cycles(session: AsyncSession, query: AnalyticsQuery) -> CycleStats:
    where = _in_range(query, col(CycleFact.service), col(CycleFact.decided_at))
    count = (await session.exec(select(func.count()).select_from(CycleFact).where(*where))).one()
    hours = await _spread(session, None, col(CycleFact.hours), col(CycleFact.hours_bucket), where)
    days = await _spread(
        session, None, col(CycleFact.working_days), col(CycleFact.days_bucket), where
    )
    empty = Spread(median=None, p90=None)
    return CycleStats(cycles=count, hours=hours.get(1, empty), working_days=days.get(1, empty))
