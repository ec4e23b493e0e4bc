"""Temporal's histories read back: every projection batch a workflow recorded, and the
directory, the read model and the audit logs rebuilt from them.

Every projection a workflow ever asked for is recorded, with its input, in its history.
Replaying those inputs through the same idempotent projections restores what a lost or
damaged database held, for every run Temporal still retains or the archive holds. A
directory run that began from a carried state restores that state first, so the
directory comes back whole even when its earliest runs are gone.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowExecution

from models.archive import ArchivedRun
from models.audit import AuditEvent, ChainAnchor
from models.bundle_history import (
    LOCAL_ACTIVITY_MARKER,
    LOCAL_PROJECTION_ACTIVITY,
    PROJECTION_ACTIVITY,
)
from models.directory.commands import DirectoryStart
from models.directory.projection import DirectoryBatch
from models.projection import ProjectionBatch, ProjectionRecord, Replayed
from throughline.services.archive import archived_history, archived_runs
from throughline.store.archive import change_ids
from throughline.store.directory_projection import project_directory, write_snapshot
from throughline.store.projection import restore
from throughline.temporal import WORKFLOW_ID_PREFIX, workflow_id

DIRECTORY_ACTIVITY = "project_directory"
M = TypeVar("M")
Sessions = async_sessionmaker[AsyncSession]
NOT_CLOSED = datetime.max.replace(tzinfo=UTC)
CONTINUED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
STARTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED


async def _runs_events(
    client: Client, workflow: str, sessions: Sessions | None = None
) -> AsyncIterator[HistoryEvent]:
    """Every event of every run of a workflow, runs oldest first: each run Temporal still
    retains, read from Temporal, and (given the database) each run only the archive holds."""
    retained = [r async for r in client.list_workflows(f"WorkflowId = '{workflow}'")]
    archived = await archived_runs(sessions, workflow) if sessions is not None else []
    for run in _oldest_first(retained, archived):
        if isinstance(run, WorkflowExecution):
            handle = client.get_workflow_handle(run.id, run_id=run.run_id)
            async for event in handle.fetch_history_events():
                yield event
        else:
            assert sessions is not None
            for event in (await archived_history(sessions, run)).events:
                yield event


def _oldest_first(
    retained: list[WorkflowExecution], archived: list[ArchivedRun]
) -> list[WorkflowExecution | ArchivedRun]:
    """Temporal's copy of a run where it has one, else the archive's. A workflow's runs
    close in the order they started, each continuing as the next; a running one is last."""
    kept = {run.run_id for run in retained}
    runs: list[WorkflowExecution | ArchivedRun] = [*retained]
    runs += [run for run in archived if run.run_id not in kept]

    def closed(run: WorkflowExecution | ArchivedRun) -> datetime:
        at = run.close_time if isinstance(run, WorkflowExecution) else run.closed_at
        return at or NOT_CLOSED

    return sorted(runs, key=closed)


async def _input_of(client: Client, event: HistoryEvent, activity: str, model: type[M]) -> M | None:
    if not event.HasField("activity_task_scheduled_event_attributes"):
        return None
    scheduled = event.activity_task_scheduled_event_attributes
    if scheduled.activity_type.name != activity:
        return None
    [found] = await client.data_converter.decode(scheduled.input.payloads, [model])
    decoded: M = found
    return decoded


async def _record_of(client: Client, event: HistoryEvent) -> ProjectionRecord | None:
    """What a local projection returned, from its marker; None for any other event, for
    one that failed for good (no result), and for a marker that cannot be read (an
    archived history edited in the database, say): it vouches for nothing."""
    if not event.HasField("marker_recorded_event_attributes"):
        return None
    marker = event.marker_recorded_event_attributes
    if marker.marker_name != LOCAL_ACTIVITY_MARKER or "result" not in marker.details:
        return None
    try:
        about = json.loads(marker.details["data"].payloads[0].data)
        if about.get("activity_type") != LOCAL_PROJECTION_ACTIVITY:
            return None
        [found] = await client.data_converter.decode(
            marker.details["result"].payloads, [ProjectionRecord]
        )
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return None
    record: ProjectionRecord = found
    return record


class _Batches:
    """A workflow's history events, run after run, read as its projection batches: an
    ordinary activity's input as it is, a local one's record patched onto the state of
    the run's record before."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._run = Replayed()

    async def of(self, event: HistoryEvent) -> ProjectionBatch | None:
        if event.event_type == STARTED:
            self._run = Replayed()
        batch = await _input_of(self._client, event, PROJECTION_ACTIVITY, ProjectionBatch)
        if batch is not None:
            return batch
        record = await _record_of(self._client, event)
        return None if record is None else self._run.batch(record)


async def projection_batches(
    client: Client, change_id: str, sessions: Sessions | None = None
) -> AsyncIterator[ProjectionBatch]:
    """Every projection batch of every retained run of a change, oldest first; given the
    database, of every archived run as well."""
    batches = _Batches(client)
    async for event in _runs_events(client, workflow_id(change_id), sessions):
        batch = await batches.of(event)
        if batch is not None:
            yield batch


async def recorded_events(
    client: Client, change_id: str, sessions: Sessions | None = None
) -> AsyncIterator[AuditEvent]:
    """Every audit event a change's histories recorded, without patching up its states."""
    async for event in _runs_events(client, workflow_id(change_id), sessions):
        for audit_event in await _events_in(client, [event]):
            yield audit_event


async def _events_in(client: Client, events: Iterable[HistoryEvent]) -> list[AuditEvent]:
    """The audit events one run's projections recorded, in order."""
    found: list[AuditEvent] = []
    for event in events:
        batch = await _input_of(client, event, PROJECTION_ACTIVITY, ProjectionBatch)
        projection = batch or await _record_of(client, event)
        found += projection.events if projection is not None else []
    return found


async def archived_head(client: Client, sessions: Sessions, change_id: str) -> ChainAnchor | None:
    """Where a change's audit log must end, by its archived histories: the last event its
    newest archived run recorded, with the hash of every event any archived run recorded.
    None unless that run ended the change: a run that continued as new is not the end.
    Only the recorded events are read, so no state is patched up on the way."""
    runs = await archived_runs(sessions, workflow_id(change_id))
    histories = [await archived_history(sessions, run) for run in runs]
    if not histories or not histories[-1].events:
        return None
    if histories[-1].events[-1].event_type == CONTINUED:
        return None
    newest = await _events_in(client, histories[-1].events)
    if not newest:
        return None
    head = max(newest, key=lambda event: event.seq)
    recorded = {
        event.seq: event.hash
        for history in histories
        for event in await _events_in(client, history.events)
    }
    return ChainAnchor(seq=head.seq, hash=head.hash, source="archive", recorded=recorded)


async def rebuild_change(client: Client, sessions: Sessions, change_id: str) -> int:
    """Re-apply a change's projections, from Temporal and the archive; returns how many
    batches were found."""
    batches = [batch async for batch in projection_batches(client, change_id, sessions)]
    async with sessions() as session, session.begin():
        await restore(session, batches, datetime.now(UTC))
    return len(batches)


async def rebuild_directory(client: Client, sessions: Sessions, directory_id: str) -> int:
    """Re-apply the directory's projections, and the state each run began from."""
    count = 0
    events = [event async for event in _runs_events(client, directory_id, sessions)]
    async with sessions() as session, session.begin():
        for event in events:
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


async def changes_known(client: Client, sessions: Sessions) -> list[str]:
    """Every change Temporal retains a run of, or the archive holds one of."""
    async with sessions() as session:
        archived = await change_ids(session)
    return sorted({*await changes_in_temporal(client), *archived})
