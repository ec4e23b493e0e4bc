"""One trace from an HTTP command through Temporal to the activities it caused, exported
over OTLP/HTTP to a real receiver: throughline/tracing.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from api.app import create_app
from tests.api.client import SECRET, auth
from tests.api.flows import intake_body
from tests.factories import new_team, seed_team
from tests.support.otlp_receiver import ReceivedSpan, TraceReceiver, running_trace_receiver
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.tracing import temporal_interceptors, tracer_provider
from workers.main import build_worker

pytestmark = pytest.mark.slow


@pytest.fixture
def receiver() -> Iterator[TraceReceiver]:
    with running_trace_receiver() as running:
        yield running


async def _trace_of(receiver: TraceReceiver, name: str) -> list[ReceivedSpan]:
    for _ in range(100):
        server = [s for s in receiver.spans if s.name == name]
        if server:
            return receiver.in_trace(server[0].trace_id)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no span named {name!r} among {[s.name for s in receiver.spans]}")


async def test_a_command_and_the_activities_it_caused_share_one_trace(
    temporal_client: Client,
    task_queue: str,
    sqlite_url: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    receiver: TraceReceiver,
) -> None:
    settings = Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        otlp_endpoint=receiver.url,
    )
    traced = Client(
        temporal_client.service_client,
        namespace=temporal_client.namespace,
        data_converter=temporal_client.data_converter,
        interceptors=temporal_interceptors(settings.otlp_endpoint, "throughline"),
    )
    app = create_app(settings, temporal=traced)
    async with build_worker(traced, task_queue, sqlite_sessions, settings):
        team = await seed_team(DirectoryService(traced, settings, sqlite_sessions), new_team())
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t.test") as http:
                body = intake_body(team)
                created = await http.post("/changes", json=body, headers=auth(team.proposer))
        assert created.status_code == 201, created.text
        assert tracer_provider(receiver.url, "throughline").force_flush()
        trace = await _trace_of(receiver, "POST /changes")

    names = {s.name for s in trace}
    assert "RunActivity:project_change_locally" in names
    assert any(n.startswith("RunWorkflow:ServiceChangeWorkflow") for n in names)
    assert {s.service for s in trace} == {"throughline"}
