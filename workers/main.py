"""The worker process: runs ServiceChangeWorkflow and its activities on one task queue."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.directory import DirectoryActivities
from activities.projection import ProjectionActivities
from throughline import db, logs
from throughline.files import private_by_default
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.temporal import connect_patiently, ensure_search_attributes
from workflows.directory import DirectoryWorkflow
from workflows.service_change import ServiceChangeWorkflow

log = logging.getLogger(__name__)


def build_worker(
    client: Client, task_queue: str, sessions: async_sessionmaker[AsyncSession]
) -> Worker:
    projection = ProjectionActivities(sessions)
    directory = DirectoryActivities(sessions)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ServiceChangeWorkflow, DirectoryWorkflow],
        activities=[
            projection.project_change,
            directory.read_authorities,
            directory.project_directory,
            CalendarActivities().end_of_working_days,
        ],
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    await db.migrate_when_reachable(settings.database)
    engine = db.make_engine(settings.database)
    client = await connect_patiently(settings)
    await ensure_search_attributes(client)
    sessions = db.session_factory(engine)
    worker = build_worker(client, settings.task_queue, sessions)
    log.info("worker started", extra={"task_queue": settings.task_queue})
    try:
        async with worker:
            await DirectoryService(client, settings, sessions).ensure_started()
            await stop.wait()
    finally:
        await engine.dispose()
        log.info("worker stopped")


def main() -> None:
    private_by_default()
    settings = Settings()
    logs.configure(settings.log_level)
    settings.check_production()
    asyncio.run(_run_until_signalled(settings))


async def _run_until_signalled(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(settings, stop)


if __name__ == "__main__":
    main()
