"""A proposal whose answer is late still gets the answer it will have."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from api.app import create_app
from tests.api.client import Api
from tests.api.flows import intake_body
from tests.factories import Team
from throughline.settings import Settings
from workers.main import build_worker


@pytest.fixture
async def app_without_a_worker(
    settings: Settings, temporal_client: Client, task_queue: str
) -> AsyncIterator[FastAPI]:
    idle = {"task_queue": f"{task_queue}-idle", "update_timeout_seconds": 1}
    hurried = settings.model_copy(update=idle)
    application = create_app(hurried, temporal=temporal_client)
    async with application.router.lifespan_context(application):
        yield application


async def test_a_proposal_whose_answer_is_late_gets_the_answer_it_will_have(
    app_without_a_worker: FastAPI,
    temporal_client: Client,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    team: Team,
) -> None:
    transport = httpx.ASGITransport(app=app_without_a_worker)
    async with httpx.AsyncClient(transport=transport, base_url="http://idle.test") as http:
        api = Api(http)
        late = await api.post(team.proposer, "/changes", intake_body(team), key="late")
        assert late.status_code == 201, late.text
        change_id = late.json()["change_id"]
        idle_queue = app_without_a_worker.state.resources.settings.task_queue
        async with build_worker(temporal_client, idle_queue, sqlite_sessions):
            await _until_listed(api, team, change_id)
            again = await api.post(team.proposer, "/changes", intake_body(team), key="late")
    assert again.status_code == 201
    assert again.json() == late.json()


async def _until_listed(api: Api, team: Team, change_id: str) -> None:
    for _ in range(100):
        if (await api.get(team.auditor, f"/changes/{change_id}")).status_code == 200:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"change {change_id} never reached the read model")
