"""How the worker and the API say they are healthy, for a container's HEALTHCHECK.

A worker opens no port, so while it runs and Temporal's frontend answers it touches a file
every few seconds, and the check reads how fresh that file is: a worker that stopped, lost
Temporal or whose event loop is stuck stops touching it. (A poller stalled inside a running
worker is not seen.) The file goes when the worker starts and when it stops, so a
restarted container is not healthy on its predecessor's last beat. The API is asked its
own /healthz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from throughline.probe import BEAT_SECONDS

log = logging.getLogger(__name__)


async def heartbeat(
    path: Path, healthy: Callable[[], Awaitable[bool]], every: float = BEAT_SECONDS
) -> None:
    """Touch the file after each check that passes, until cancelled."""
    while True:
        if await healthy():
            await _touch(path)
        else:
            log.warning("worker unhealthy: not running, or Temporal does not answer")
        await asyncio.sleep(every)


async def _touch(path: Path) -> None:
    try:
        await asyncio.to_thread(path.touch)
    except OSError as error:
        log.error("cannot write the health file", extra={"path": str(path), "error": str(error)})


@asynccontextmanager
async def beating(
    path: Path | None, healthy: Callable[[], Awaitable[bool]], every: float = BEAT_SECONDS
) -> AsyncIterator[None]:
    """Beat into the file, if one is set, while the block runs."""
    if path is None:
        yield
        return
    await asyncio.to_thread(_forget_beats, path)
    task = asyncio.create_task(heartbeat(path, healthy, every))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await asyncio.to_thread(_forget_beats, path)


def _forget_beats(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)


def worker_health(worker: Worker, client: Client) -> Callable[[], Awaitable[bool]]:
    """Healthy while the worker runs and Temporal's frontend says it serves."""

    async def healthy() -> bool:
        if not worker.is_running or worker.is_shutdown:
            return False
        try:
            return await client.service_client.check_health(timeout=timedelta(seconds=5))
        except Exception:  # any failure to answer is simply "not healthy"
            return False

    return healthy
