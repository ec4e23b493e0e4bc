"""Scale-out proven on this machine: the production topology as compose runs it (migrate,
two API processes, two workers on one task queue; production settings, the read model in
PostgreSQL, a namespace of ten years' retention), with lifecycles driven through both
APIs while one API and one worker are killed with SIGKILL. Every lifecycle completes,
every sign-off is counted once, and the read model converges on the workflows' state."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from models.change import ChangeStatus
from models.results import ChangeOutcome
from tests.factories import Team, add_people, new_team
from tests.processes import free_port
from tests.support.failover import Failover, Lifecycle
from tests.support.production import (
    ADMIN_URL,
    Part,
    Topology,
    own_database,
    temporal_namespace,
)
from throughline import db
from throughline.probe import worker_problem
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.temporal import workflow_id
from workflows.service_change import ServiceChangeWorkflow

pytestmark = pytest.mark.slow

CHANGES = 5
KILL_AFTER = 45
"""Requests answered before one API and one worker are killed: about a third of the 5 x 28
the lifecycles send, so each side of the kill sees plenty."""
PATIENCE = 90
CONVERGE_SECONDS = 60


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    """Everything started as compose starts it; killed, stopped and dropped at the end,
    whatever happened."""
    with own_database(ADMIN_URL) as url, temporal_namespace(tmp_path) as (address, namespace):
        running = Topology(tmp_path, address, namespace, url)
        try:
            assert "up to date" in running.migrate()
            for name in ("worker-1", "worker-2"):
                running.start(name, "worker")
            for name in ("api-1", "api-2"):
                running.start(name, "api", port=free_port())
            for part in running.parts:
                running.wait_until_ready(part)
            yield running
        finally:
            running.stop_all()


async def test_lifecycles_complete_once_each_when_an_api_and_a_worker_die(
    topology: Topology,
) -> None:
    workers = [p for p in topology.parts if p.port is None]
    apis = [p for p in topology.parts if p.port is not None]
    client = await connect(topology)
    assert await retention_days(client) == 3650
    await both_poll_one_queue(client, workers)
    teams = await seed(client, topology)
    async with http_clients(apis) as clients:
        caller = Failover(clients, PATIENCE)
        lifecycles = [Lifecycle(caller, team) for team in teams]
        killing = asyncio.create_task(kill_mid_run(caller, apis[0], workers[0]))
        try:
            await asyncio.gather(*(lifecycle.run() for lifecycle in lifecycles))
        finally:
            killed = killing.done()
            killing.cancel()
        assert killed, "the lifecycles finished before the kill"
        answered_before_kill = killing.result()
        for lifecycle in lifecycles:
            await converged(client, caller, lifecycle)
    assert answered_before_kill < caller.answered, "the kill came after the work"
    assert min(caller.served[0], caller.served[1]) > 0, caller.served
    assert caller.sent_again > 0, "no request had to go to the other API"
    assert [apis[1].process.poll(), workers[1].process.poll()] == [None, None]
    assert worker_problem(topology.health_file(workers[1].name)) is None


async def connect(topology: Topology) -> Client:
    return await Client.connect(
        topology.temporal_address,
        namespace=topology.namespace,
        data_converter=pydantic_data_converter,
    )


async def retention_days(client: Client) -> float:
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=client.namespace)
    )
    retention = described.config.workflow_execution_retention_ttl.ToTimedelta()
    return retention / timedelta(days=1)


async def both_poll_one_queue(client: Client, workers: list[Part]) -> None:
    """Both worker processes poll the one task queue (the SDK names a poller pid@host)."""
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=Settings().task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )
    expected = {worker.process.pid for worker in workers}
    deadline = time.monotonic() + CONVERGE_SECONDS
    while True:
        described = await client.workflow_service.describe_task_queue(request)
        pollers = {int(p.identity.split("@")[0]) for p in described.pollers}
        if pollers == expected:
            return
        assert time.monotonic() < deadline, f"pollers {pollers}, workers {expected}"
        await asyncio.sleep(0.5)


async def seed(client: Client, topology: Topology) -> list[Team]:
    """A fresh team per change, added as the `throughline people` command adds people:
    through the directory workflow, which the workers run."""
    teams = [new_team() for _ in range(CHANGES)]
    settings = Settings(
        temporal_address=topology.temporal_address,
        namespace=topology.namespace,
        database_url=topology.database_url,
    )
    engine = db.make_engine(topology.database_url)
    try:
        directory = DirectoryService(client, settings, db.session_factory(engine))
        people = {pid: roles for team in teams for pid, roles in team.directory().items()}
        await add_people(directory, people)
    finally:
        await engine.dispose()
    return teams


@asynccontextmanager
async def http_clients(apis: list[Part]) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(httpx.AsyncClient(base_url=api.url, timeout=60))
            for api in apis
        ]


async def kill_mid_run(caller: Failover, api: Part, worker: Part) -> int:
    """SIGKILL the first API and the first worker once enough is done, at a moment the
    API holds a request, so that request dies with it."""
    async with asyncio.timeout(PATIENCE):
        await caller.until(lambda: caller.answered >= KILL_AFTER and caller.in_flight[0] > 0)
    answered = caller.answered
    api.kill()
    worker.kill()
    return answered


async def converged(client: Client, caller: Failover, lifecycle: Lifecycle) -> None:
    """The change's workflow completes (an adopted change's run ends once all it wrote
    is projected), and the API's reads, from SQL, come to say what the workflow says,
    within a bounded time; then each sign-off is there once."""
    handle = client.get_workflow_handle(workflow_id(lifecycle.change_id), result_type=ChangeOutcome)
    async with asyncio.timeout(CONVERGE_SECONDS):
        outcome = await handle.result()
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
    assert outcome.status == ChangeStatus.COMPLETED
    truth = (await handle.query(ServiceChangeWorkflow.view)).model_dump(mode="json")
    auditor = lifecycle.team.auditor
    deadline = time.monotonic() + CONVERGE_SECONDS
    while True:
        read = (await caller.get(auditor, f"/changes/{lifecycle.change_id}")).json()
        if summary(read) == summary(truth):
            break
        assert time.monotonic() < deadline, f"never converged:\n{summary(read)}\n{summary(truth)}"
        await asyncio.sleep(0.5)
    assert read["status"] == "completed"
    assert_signed_once(read, lifecycle)
    audit = (await caller.get(auditor, f"/changes/{lifecycle.change_id}/audit")).json()
    assert audit["verdict"]["intact"] is True
    assert audit["verdict"]["events_checked"] == truth["last_seq"] == outcome.last_seq
    signed = [e["seq"] for e in audit["events"] if e["kind"] == "signed_off"]
    assert len(signed) == len(set(signed)) == len(lifecycle.signed)


def summary(view: dict[str, Any]) -> dict[str, Any]:
    """What a view says that must agree: where the change is, its audit head, and every
    gate with each sign-off."""
    gates = [*view["past_gates"], view["gate"]]
    return {
        "head": [view[k] for k in ("status", "stage", "iteration", "last_seq", "last_hash")],
        "gates": [
            (g["id"], g["status"], g["revision"], sorted(map(signoff, g["signoffs"])))
            for g in gates
        ],
    }


def signoff(s: dict[str, Any]) -> tuple[Any, ...]:
    return (s["seq"], s["gate_id"], s["person"], s["role"], s["revision"], s["decision"])


def assert_signed_once(view: dict[str, Any], lifecycle: Lifecycle) -> None:
    """The sign-offs on record are exactly those answered, none twice; and no gate
    counts one person's approval in a role twice."""
    gates = [*view["past_gates"], view["gate"]]
    recorded = [s for g in gates for s in g["signoffs"]]
    as_answered = [
        (s["gate_id"], s["person"], s["role"], s["revision"], s["decision"]) for s in recorded
    ]
    assert sorted(as_answered) == sorted(lifecycle.signed)
    assert len({s["seq"] for s in recorded}) == len(recorded)
    for gate in gates:
        counted = Counter((s["person"], s["role"]) for s in gate["signoffs"] if s["counts"])
        assert all(n == 1 for n in counted.values()), (gate["id"], counted)
        if gate["status"] == "passed":
            assert {role for _, role in counted} == {"policy", "digital", "operations"}
