"""Handoff analytics give the same figures on SQLite and PostgreSQL:
throughline/store/analytics.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.analytics import DAYS_PER_BUCKET, HOURS_PER_BUCKET, AnalyticsQuery, bucket
from models.projection import ProjectionBatch
from models.tables import HandoffFact
from models.transitions.opening import open_change
from tests.factories import T0, new_change
from throughline.store import analytics
from throughline.store.projection import project
from throughline.store.sql import insert_missing


async def _change(session: AsyncSession) -> str:
    state, events = open_change(new_change(), T0)
    await project(session, ProjectionBatch(workflow_id="wf", state=state, events=events), T0)
    return state.change_id


async def test_the_median_and_p90_are_the_nearest_ranks(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        change_id = await _change(session)
    service = f"service {uuid.uuid4().hex[:6]}"
    opened = datetime(2026, 5, 4, 9, tzinfo=UTC)
    rows = [
        {
            "change_id": change_id,
            "seq": 100 + hours,
            "role": "policy",
            "service": service,
            "stage": "intent",
            "gate": "intent agreed",
            "opened_at": opened,
            "closed_at": opened + timedelta(hours=hours),
            "waited_hours": float(hours),
            "waited_working_days": hours / 24,
            "hours_bucket": bucket(float(hours), HOURS_PER_BUCKET),
            "days_bucket": bucket(hours / 24, DAYS_PER_BUCKET),
            "overdue": hours > 8,
        }
        for hours in range(1, 11)
    ]
    still_open = {
        **rows[0], "seq": 200, "closed_at": None, "waited_hours": None, "hours_bucket": None,
        "days_bucket": None,
    }  # fmt: skip
    async with sessions() as session, session.begin():
        await insert_missing(
            session, HandoffFact, [*rows, {**still_open, "waited_working_days": None}]
        )
    report = await analytics.report(sessions, AnalyticsQuery(service=service))

    [policy] = report.by_role
    assert (policy.role, policy.handoffs, policy.still_open) == ("policy", 11, 1)
    assert (policy.hours.median, policy.hours.p90) == (5.0, 9.0)
    assert policy.overdue_share == round(2 / 11, 4)
    [gate] = report.by_gate
    assert (gate.stage, gate.gate, gate.handoffs) == ("intent", "intent agreed", 11)
    later = AnalyticsQuery(service=service, since=opened + timedelta(seconds=1))
    assert (await analytics.report(sessions, later)).by_role == []
