"""Health for container checks: a worker beats into a file only while it polls and
Temporal answers, a stale or missing beat reads as unhealthy, and the API is asked its own
/healthz over a real socket."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from fastapi import FastAPI
from temporalio.client import Client
from temporalio.worker import Worker

from tests.processes import free_port
from tests.support.live import serve
from throughline.liveness import beating, worker_health
from throughline.probe import STALE_SECONDS, api_problem, beat_age
from workflows.directory import DirectoryWorkflow


async def test_a_polling_worker_beats_and_a_stopped_one_does_not(
    worker: Worker, temporal_client: Client, tmp_path: Path
) -> None:
    healthy = worker_health(worker, temporal_client)
    for _ in range(100):  # the worker's run task starts just after the fixture's enter
        if worker.is_running:
            break
        await asyncio.sleep(0.05)
    assert await healthy()
    path = tmp_path / "health" / "worker"
    async with beating(path, healthy, every=0.05):
        await asyncio.sleep(0.2)
        assert (age := beat_age(path)) is not None
        assert age < STALE_SECONDS
    assert beat_age(path) is None, "a stopped worker leaves its beat behind"
    stopped = Worker(temporal_client, task_queue="never-run", workflows=[DirectoryWorkflow])
    assert not await worker_health(stopped, temporal_client)()


async def test_no_beat_is_written_while_unhealthy(tmp_path: Path) -> None:
    async def unhealthy() -> bool:
        return False

    path = tmp_path / "worker"
    async with beating(path, unhealthy, every=0.01):
        await asyncio.sleep(0.05)
    assert beat_age(path) is None


async def test_a_predecessors_beat_is_gone_when_a_worker_starts(tmp_path: Path) -> None:
    async def unhealthy() -> bool:
        return False

    path = tmp_path / "worker"
    path.touch()
    async with beating(path, unhealthy, every=0.01):
        assert beat_age(path) is None


def test_an_old_beat_reads_its_age(tmp_path: Path) -> None:
    path = tmp_path / "worker"
    path.touch()
    long_ago = time.time() - 2 * STALE_SECONDS
    os.utime(path, (long_ago, long_ago))
    assert (age := beat_age(path)) is not None
    assert age > STALE_SECONDS


async def test_the_api_check_asks_a_real_healthz(app: FastAPI) -> None:
    async for url in serve(app):
        port = int(url.rsplit(":", 1)[1])
        assert await asyncio.to_thread(api_problem, port) is None
    problem = await asyncio.to_thread(api_problem, free_port())
    assert problem is not None
    assert "did not answer" in problem
