"""Registering search attributes on a real Temporal dev server: workers racing on a fresh
namespace all succeed, UNAVAILABLE is retried until the server is back, and only so often."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from tests.processes import free_port, start_dev_server, wait_for_port
from throughline.temporal import ensure_search_attributes
from workflows import search_attributes

OURS = {key.name for key in search_attributes.ALL}


async def _fresh_namespace(client: Client) -> Client:
    """A namespace of the test's own: it starts with none of our search attributes."""
    name = f"attributes-{uuid.uuid4().hex[:8]}"
    week = Duration(seconds=7 * 86400)
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace=name, workflow_execution_retention_period=week)
    )
    return await Client.connect(client.service_client.config.target_host, namespace=name)


async def _registered(client: Client) -> set[str]:
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    return set(listed.custom_attributes) & OURS


async def test_workers_racing_on_a_fresh_namespace_all_succeed(
    temporal_env: WorkflowEnvironment,
) -> None:
    client = await _fresh_namespace(temporal_env.client)
    assert await _registered(client) == set()
    await asyncio.gather(*(ensure_search_attributes(client) for _ in range(4)))
    assert await _registered(client) == OURS


@dataclass
class OwnServer:
    """A dev server on a SQLite file, so it can be stopped and started again."""

    database: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = start_dev_server(self.database, self.port)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[OwnServer]:
    server = OwnServer(tmp_path / "temporal.db")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
async def test_unavailable_is_retried_until_the_server_is_back(own_server: OwnServer) -> None:
    client = await _fresh_namespace(await Client.connect(own_server.address))
    own_server.stop()
    registering = asyncio.create_task(ensure_search_attributes(client, attempts=20))
    await asyncio.sleep(1.5)
    assert not registering.done()
    await asyncio.to_thread(own_server.start)
    await asyncio.wait_for(registering, timeout=120)
    assert await _registered(client) == OURS


@pytest.mark.slow
async def test_it_gives_up_after_its_attempts(own_server: OwnServer) -> None:
    client = await Client.connect(own_server.address)
    own_server.stop()
    with pytest.raises(RPCError) as raised:
        await ensure_search_attributes(client, attempts=3, first_pause=0.01)
    assert raised.value.status is RPCStatusCode.UNAVAILABLE


async def test_it_takes_at_least_one_attempt() -> None:
    client = await Client.connect("127.0.0.1:1", lazy=True)
    with pytest.raises(ValueError, match="at least one attempt"):
        await ensure_search_attributes(client, attempts=0)
