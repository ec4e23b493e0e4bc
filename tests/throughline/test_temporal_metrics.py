"""The worker's Temporal SDK metrics, served for Prometheus on the configured port:
throughline/temporal.py."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from tests.processes import free_port
from throughline.settings import Settings
from throughline.temporal import connect
from workers.main import build_worker


async def test_a_worker_with_a_metrics_port_serves_the_sdks_metrics(
    temporal_client: Client, task_queue: str, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    port = free_port()
    address = temporal_client.service_client.config.target_host
    settings = Settings(temporal_address=address, task_queue=task_queue)
    client = await connect(settings, metrics_port=port)
    async with build_worker(client, task_queue, sqlite_sessions, settings):
        await asyncio.sleep(1.5)
        async with httpx.AsyncClient() as http:
            response = await http.get(f"http://127.0.0.1:{port}/metrics")
    assert response.status_code == 200
    assert "temporal_" in response.text
    assert task_queue in response.text
