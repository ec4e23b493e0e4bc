"""The worker process: runs the change and directory workflows, and their activities, on one
task queue."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.archive import ArchiveActivities
from activities.calendar import CalendarActivities
from activities.directory import DirectoryActivities
from activities.live_data import LiveDataActivities
from activities.notifications import NotificationActivities
from activities.projection import ProjectionActivities
from models.delivery import DispatchStart, dispatcher_id
from models.notifications import MessageStyle
from throughline import db, logs
from throughline.channels.senders import Senders
from throughline.files import private_by_default
from throughline.heap import freeze_start_up_objects
from throughline.liveness import beating, worker_health
from throughline.patience import until_it_answers
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.temporal import connect_patiently, ensure_search_attributes
from workflows.archive import ArchiveRunWorkflow
from workflows.directory import DirectoryWorkflow
from workflows.live_data import MeasurePollWorkflow
from workflows.notifications import DeliveryWorkflow, NotificationsWorkflow
from workflows.service_change import ServiceChangeWorkflow

log = logging.getLogger(__name__)
WORKFLOWS = [
    ServiceChangeWorkflow,
    DirectoryWorkflow,
    NotificationsWorkflow,
    DeliveryWorkflow,
    MeasurePollWorkflow,
    ArchiveRunWorkflow,
]


WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_all_modules()
)
"""The sandbox still refuses what is not deterministic, but no longer imports every module
again for each workflow it holds (the workflows and models keep no state in their
modules): each cached change took about 219 KB with the re-imports and takes about 163 KB
without, and a command on an evicted change replays sooner (make bench-memory)."""


def build_worker(
    client: Client,
    task_queue: str,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings | None = None,
) -> Worker:
    settings = settings or Settings()
    style = message_style(settings)
    projection = ProjectionActivities(sessions, style)
    directory = DirectoryActivities(sessions, style)
    calendar = CalendarActivities()
    live_data = LiveDataActivities(sessions, style, allowed_hosts=settings.measure_source_hosts)
    notifications = NotificationActivities(
        sessions, Senders.from_settings(settings), style, settings.digest_hour
    )
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            projection.project_change,
            projection.project_change_locally,
            directory.read_authorities,
            directory.read_directory,
            directory.project_directory,
            calendar.end_of_working_days,
            calendar.working_calendar,
            notifications.claim_notifications,
            notifications.deliver_notification,
            notifications.give_up_notification,
            live_data.poll_measure_source,
            ArchiveActivities(sessions).archive_history,
        ],
        graceful_shutdown_timeout=timedelta(seconds=10),
        max_cached_workflows=settings.worker_cached_workflows,
        workflow_runner=WORKFLOW_RUNNER,
    )


def message_style(settings: Settings) -> MessageStyle:
    return MessageStyle(
        public_url=settings.public_url, full_webhook_payloads=settings.webhook_full_payloads
    )


async def start_dispatcher(client: Client, settings: Settings) -> None:
    """Start the notifications workflow of this task queue, unless it runs already."""
    start = DispatchStart(
        poll_seconds=settings.notification_poll_seconds, retries=settings.retries()
    )
    await client.start_workflow(
        NotificationsWorkflow.run,
        start,
        id=dispatcher_id(settings.task_queue),
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def run_worker(settings: Settings) -> None:
    """Wait for the database and Temporal, however long, then work until cancelled."""
    await db.migrate_when_reachable(settings.database)
    engine = db.make_engine(settings.database)
    try:
        client = await connect_patiently(settings, metrics_port=settings.worker_metrics_port)
        # Bounded: a Temporal that stays unavailable stops the worker, to be restarted.
        await ensure_search_attributes(client)
        sessions = db.session_factory(engine)
        directory = DirectoryService(client, settings, sessions)
        async with build_worker(client, settings.task_queue, sessions, settings) as running:
            freeze_start_up_objects()
            log.info("worker started", extra={"task_queue": settings.task_queue})
            await until_it_answers("Temporal", directory.ensure_started, (RPCError,))
            await until_it_answers(
                "Temporal", lambda: start_dispatcher(client, settings), (RPCError,)
            )
            async with beating(settings.worker_health_file, worker_health(running, client)):
                await asyncio.Event().wait()
    finally:
        await engine.dispose()
        log.info("worker stopped")


def main() -> None:
    private_by_default()
    settings = Settings()
    logs.configure(settings.log_level)
    settings.check_production()
    code = 0
    try:
        asyncio.run(_run_until_signalled(settings))
    except Exception:
        log.exception("the worker stopped on an error")
        code = 1
    logging.shutdown()
    # Temporal's core may still be retrying a server that went away; with nothing left
    # to finish, the process does not wait for it to give up.
    os._exit(code)


async def _run_until_signalled(settings: Settings) -> None:
    """A signal cancels the work wherever it is, waiting for a database or shutting the
    worker down gracefully."""
    work = asyncio.current_task()
    assert work is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, work.cancel)
    try:
        await run_worker(settings)
    except asyncio.CancelledError:
        log.info("worker stopping on a signal")


if __name__ == "__main__":
    main()
