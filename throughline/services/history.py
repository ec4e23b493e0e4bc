"""Temporal's histories read back: every projection batch a workflow recorded, and the
directory, the read model and the audit logs rebuilt from them.

Every projection a workflow ever asked for is recorded, with its input, in its history.
Replaying those inputs through the same idempotent projections restores what a lost or
damaged database held, for every run still retained. A directory run that began from a
carried state restores that state first, so the directory comes back whole even when
its earliest runs are gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from models.directory.commands import DirectoryStart
from models.directory.projection import DirectoryBatch
from models.projection import ProjectionBatch
from throughline.store.directory_projection import project_directory, write_snapshot
from throughline.store.projection import restore
from throughline.temporal import WORKFLOW_ID_PREFIX, workflow_id

PROJECT_ACTIVITY = "project_change"
DIRECTORY_ACTIVITY = "project_directory"
M = TypeVar("M")


async def _runs_events(client: Client, workflow: str) -> AsyncIterator[HistoryEvent]:
    """Every event of every retained run of a workflow, runs oldest first."""
    runs = [r async for r in client.list_workflows(f"WorkflowId = '{workflow}'")]
    for run in sorted(runs, key=lambda r: r.start_time):
        handle = client.get_workflow_handle(run.id, run_id=run.run_id)
        async for event in handle.fetch_history_events():
            yield event


async def _input_of(client: Client, event: HistoryEvent, activity: str, model: type[M]) -> M | None:
    if not event.HasField("activity_task_scheduled_event_attributes"):
        return None
    scheduled = event.activity_task_scheduled_event_attributes
    if scheduled.activity_type.name != activity:
        return None
    [found] = await client.data_converter.decode(scheduled.input.payloads, [model])
    decoded: M = found
    return decoded


async def projection_batches(client: Client, change_id: str) -> AsyncIterator[ProjectionBatch]:
    """Every projection batch of every retained run of a change, oldest first."""
    async for event in _runs_events(client, workflow_id(change_id)):
        batch = await _input_of(client, event, PROJECT_ACTIVITY, ProjectionBatch)
        if batch is not None:
            yield batch


async def rebuild_change(
    client: Client, sessions: async_sessionmaker[AsyncSession], change_id: str
) -> int:
    """Re-apply a change's projections; returns how many batches were found."""
    batches = [batch async for batch in projection_batches(client, change_id)]
    async with sessions() as session, session.begin():
        await restore(session, batches, datetime.now(UTC))
    return len(batches)


async def rebuild_directory(
    client: Client, sessions: async_sessionmaker[AsyncSession], directory_id: str
) -> int:
    """Re-apply the directory's projections, and the state each run began from."""
    count = 0
    async with sessions() as session, session.begin():
        async for event in _runs_events(client, directory_id):
            start = await _directory_start(client, event)
            if start is not None and not start.imported and start.state.seq:
                await write_snapshot(session, start.state, event.event_time.ToDatetime(UTC))
            batch = await _input_of(client, event, DIRECTORY_ACTIVITY, DirectoryBatch)
            if batch is not None:
                await project_directory(session, batch, datetime.now(UTC))
                count += 1
    return count


async def _directory_start(client: Client, event: HistoryEvent) -> DirectoryStart | None:
    if not event.HasField("workflow_execution_started_event_attributes"):
        return None
    payloads: Any = event.workflow_execution_started_event_attributes.input.payloads
    [start] = await client.data_converter.decode(payloads, [DirectoryStart])
    found: DirectoryStart = start
    return found


async def changes_in_temporal(client: Client) -> list[str]:
    query = "WorkflowType = 'ServiceChangeWorkflow'"
    ids = {w.id async for w in client.list_workflows(query)}
    return sorted(i.removeprefix(WORKFLOW_ID_PREFIX) for i in ids)
