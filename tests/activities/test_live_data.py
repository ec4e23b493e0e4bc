"""Polling a measure's Prometheus source: a source stopped while Temporal was away, or
whose change closed, has its schedule deleted by its next poll (through its schedule and
the test's worker); a source whose host the settings no longer allow is not fetched:
activities/live_data.py."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client, ScheduleHandle
from temporalio.service import RPCError, RPCStatusCode

from activities.live_data import LiveDataActivities
from api.deps import Resources
from models.live_data import MeasurePoll, PrometheusSourceRequest, poll_schedule_id
from models.notifications import MessageStyle
from models.tables import MeasureSourceRow
from tests.api.client import Api
from tests.api.flows import propose
from tests.factories import Team

Sessions = async_sessionmaker[AsyncSession]


async def _bound_source(app: FastAPI, api: Api, team: Team) -> tuple[str, str]:
    """A change, and a Prometheus source of its take-up polled every ten minutes."""
    resources: Resources = app.state.resources
    change_id = await propose(api, team)
    request = PrometheusSourceRequest.model_validate(
        {"kind": "prometheus", "url": "http://127.0.0.1:9/", "query": "up", "interval_seconds": 600}
    )
    created = await resources.services.live_data.bind(
        change_id, "online take-up", team.proposer, request
    )
    return change_id, created.source.id


async def _source(sessions: Sessions, source_id: str) -> MeasureSourceRow:
    async with sessions() as session:
        row = await session.get(MeasureSourceRow, source_id)
    assert row is not None
    return row


async def _gone_after_a_poll(client: Client, source_id: str) -> None:
    """Trigger the source's schedule, and wait for its poll to delete it."""
    handle = client.get_schedule_handle(poll_schedule_id(source_id))
    await handle.trigger()
    for _ in range(120):
        if not await _scheduled(handle):
            return
        await asyncio.sleep(0.25)
    pytest.fail("the schedule outlived its poll")


async def test_a_stopped_sources_leftover_schedule_is_deleted_by_its_next_poll(
    app: FastAPI, api: Api, team: Team, temporal_client: Client, sqlite_sessions: Sessions
) -> None:
    _, source_id = await _bound_source(app, api, team)
    async with sqlite_sessions() as session, session.begin():
        row = await session.get(MeasureSourceRow, source_id)
        assert row is not None
        row.active = False  # stopped, as if Temporal had been away to hear of it

    await _gone_after_a_poll(temporal_client, source_id)


async def test_a_closed_changes_source_stops_at_its_next_poll(
    app: FastAPI, api: Api, team: Team, temporal_client: Client, sqlite_sessions: Sessions
) -> None:
    change_id, source_id = await _bound_source(app, api, team)
    withdrawn = await api.post(team.proposer, f"/changes/{change_id}/withdrawal", {"reason": "x"})
    assert withdrawn.status_code == 200, withdrawn.text

    await _gone_after_a_poll(temporal_client, source_id)

    assert (await _source(sqlite_sessions, source_id)).active is False


async def test_a_host_the_settings_no_longer_allow_is_not_fetched(
    app: FastAPI, api: Api, team: Team, sqlite_sessions: Sessions
) -> None:
    _, source_id = await _bound_source(app, api, team)
    style = MessageStyle(public_url="http://throughline.test", full_webhook_payloads=False)
    narrowed = LiveDataActivities(sqlite_sessions, style, allowed_hosts=["prometheus.internal"])

    said = await narrowed.poll_measure_source(MeasurePoll(source_id=source_id))

    row = await _source(sqlite_sessions, source_id)
    assert said == f"failed: {row.last_error}"
    assert row.last_error == "http://127.0.0.1:9/ is not on THROUGHLINE_MEASURE_SOURCE_HOSTS"
    assert row.last_polled_at is None


async def _scheduled(handle: ScheduleHandle) -> bool:
    try:
        await handle.describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True
