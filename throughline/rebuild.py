"""Rebuild the read model and the audit log from Temporal's histories.

Every projection the workflow ever asked for is recorded, with its input, in the
workflow's history. Replaying those inputs through the same idempotent projection
restores what a lost or damaged database held, for every run still retained.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.projection import ProjectionBatch
from throughline.store.projection import project
from throughline.temporal import WORKFLOW_ID_PREFIX, workflow_id

PROJECT_ACTIVITY = "project_change"


async def projection_batches(client: Client, change_id: str) -> AsyncIterator[ProjectionBatch]:
    """Every projection batch of every retained run, oldest first."""
    runs = [r async for r in client.list_workflows(f"WorkflowId = '{workflow_id(change_id)}'")]
    for run in sorted(runs, key=lambda r: r.start_time):
        handle = client.get_workflow_handle(run.id, run_id=run.run_id)
        async for event in handle.fetch_history_events():
            if not event.HasField("activity_task_scheduled_event_attributes"):
                continue
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name != PROJECT_ACTIVITY:
                continue
            [batch] = await client.data_converter.decode(
                scheduled.input.payloads, [ProjectionBatch]
            )
            yield batch


async def rebuild_change(
    client: Client, sessions: async_sessionmaker[AsyncSession], change_id: str
) -> int:
    """Re-apply a change's projections; returns how many batches were found."""
    count = 0
    async with sessions() as session, session.begin():
        async for batch in projection_batches(client, change_id):
            await project(session, batch)
            count += 1
    return count


async def changes_in_temporal(client: Client) -> list[str]:
    query = "WorkflowType = 'ServiceChangeWorkflow'"
    ids = {w.id async for w in client.list_workflows(query)}
    return sorted(i.removeprefix(WORKFLOW_ID_PREFIX) for i in ids)
