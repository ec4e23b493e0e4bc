"""Polling a measure's Prometheus source, through its schedule and the test's worker: a
source stopped while Temporal was away, or whose change closed, has its schedule deleted
by its next poll: activities/live_data.py."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client, ScheduleHandle
from temporalio.service import RPCError, RPCStatusCode

from api.deps import Resources
from models.live_data import PrometheusSourceRequest, poll_schedule_id
from models.tables import MeasureSourceRow
from tests.api.client import Api
from tests.api.flows import propose
from tests.factories import Team


async def test_a_stopped_sources_leftover_schedule_is_deleted_by_its_next_poll(
    app: FastAPI,
    api: Api,
    team: Team,
    temporal_client: Client,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    resources: Resources = app.state.resources
    change_id = await propose(api, team)
    request = PrometheusSourceRequest.model_validate(
        {"kind": "prometheus", "url": "http://127.0.0.1:9/", "query": "up", "interval_seconds": 600}
    )
    created = await resources.services.live_data.bind(
        change_id, "online take-up", team.proposer, request
    )
    async with sqlite_sessions() as session, session.begin():
        row = await session.get(MeasureSourceRow, created.source.id)
        assert row is not None
        row.active = False  # stopped, as if Temporal had been away to hear of it
    handle = temporal_client.get_schedule_handle(poll_schedule_id(created.source.id))

    await handle.trigger()

    for _ in range(120):
        if not await _scheduled(handle):
            break
        await asyncio.sleep(0.25)
    else:
        pytest.fail("the schedule outlived its stopped source")
    assert not await _scheduled(handle)


async def _scheduled(handle: ScheduleHandle) -> bool:
    try:
        await handle.describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def test_a_closed_changes_source_stops_at_its_next_poll(
    app: FastAPI,
    api: Api,
    team: Team,
    temporal_client: Client,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    resources: Resources = app.state.resources
    change_id = await propose(api, team)
    request = PrometheusSourceRequest.model_validate(
        {"kind": "prometheus", "url": "http://127.0.0.1:9/", "query": "up", "interval_seconds": 600}
    )
    created = await resources.services.live_data.bind(
        change_id, "online take-up", team.proposer, request
    )
    withdrawn = await api.post(team.proposer, f"/changes/{change_id}/withdrawal", {"reason": "x"})
    assert withdrawn.status_code == 200, withdrawn.text
    handle = temporal_client.get_schedule_handle(poll_schedule_id(created.source.id))

    await handle.trigger()

    for _ in range(120):
        if not await _scheduled(handle):
            break
        await asyncio.sleep(0.25)
    else:
        pytest.fail("the schedule outlived its closed change")
    async with sqlite_sessions() as session:
        row = await session.get(MeasureSourceRow, created.source.id)
    assert row is not None
    assert row.active is False
