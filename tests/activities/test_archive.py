"""Archiving one run's history: a closed run is archived exactly as Temporal holds it, and
only once; a run still open is refused for a retry; a run Temporal no longer has is a
failure not worth retrying: activities/archive.py."""

from __future__ import annotations

import gzip
import hashlib
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment
from temporalio.worker import Worker

from activities.archive import RUN_GONE, STILL_OPEN, ArchiveActivities
from models.archive import RunToArchive
from models.tables import HistoryArchiveRow
from throughline.services.archive import read_history
from throughline.services.directory import DirectoryService
from throughline.store import archive
from workflows.archive import ArchiveRunWorkflow

Sessions = async_sessionmaker[AsyncSession]


async def _already_archived(sessions: Sessions) -> RunToArchive:
    """A run the archive holds though Temporal never had it."""
    run = RunToArchive(workflow_id=f"change-{uuid.uuid4()}", run_id=str(uuid.uuid4()))
    row = HistoryArchiveRow(
        workflow_id=run.workflow_id,
        run_id=run.run_id,
        workflow_type="ServiceChangeWorkflow",
        closed_at=datetime.now(UTC),
        archived_at=datetime.now(UTC),
        event_count=0,
        sha256="0" * 64,
        history=gzip.compress(b'{"events": []}'),
    )
    async with sessions() as session, session.begin():
        await archive.put(session, row)
    return run


async def test_a_closed_run_is_archived_as_temporal_holds_it_and_only_once(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: Sessions,
    worker: Worker,  # noqa: ARG001  (runs the archiving workflow below)
) -> None:
    known = await _already_archived(sqlite_sessions)
    closed = await temporal_client.start_workflow(
        ArchiveRunWorkflow.run, known, id=f"closed-{uuid.uuid4()}", task_queue=task_queue
    )
    assert await closed.result() is False, "a run archived already is left as it is"
    run = RunToArchive(workflow_id=closed.id, run_id=closed.result_run_id or "")
    activities = ArchiveActivities(sqlite_sessions)
    environment = ActivityEnvironment(client=temporal_client)

    assert await environment.run(activities.archive_history, run) is True
    assert await environment.run(activities.archive_history, run) is False
    async with sqlite_sessions() as session:
        found = await archive.find(session, run.workflow_id, run.run_id)
        stored = await archive.history_of(session, run.workflow_id, run.run_id)
    kept = await temporal_client.get_workflow_handle(
        run.workflow_id, run_id=run.run_id
    ).fetch_history()
    assert found is not None
    assert stored is not None
    assert (found.workflow_type, found.change_id, found.event_count) == (
        "ArchiveRunWorkflow",
        None,
        len(kept.events),
    )
    assert found.sha256 == hashlib.sha256(gzip.decompress(stored)).hexdigest()
    assert read_history(run.workflow_id, stored).events == kept.events
    assert found.closed_at == (await closed.describe()).close_time


async def test_a_run_still_open_is_refused_for_a_retry(
    temporal_client: Client, sqlite_sessions: Sessions, directory_service: DirectoryService
) -> None:
    await directory_service.ensure_started()
    described = await temporal_client.get_workflow_handle(directory_service.directory_id).describe()
    run = RunToArchive(workflow_id=described.id, run_id=described.run_id)
    activities = ArchiveActivities(sqlite_sessions, quick_looks=2)
    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment(client=temporal_client).run(activities.archive_history, run)
    assert (refused.value.type, refused.value.non_retryable) == (STILL_OPEN, False)
    async with sqlite_sessions() as session:
        assert await archive.find(session, run.workflow_id, run.run_id) is None


async def test_a_run_temporal_no_longer_has_is_not_retried(
    temporal_client: Client, sqlite_sessions: Sessions
) -> None:
    run = RunToArchive(workflow_id=f"change-{uuid.uuid4()}", run_id=str(uuid.uuid4()))
    activities = ArchiveActivities(sqlite_sessions)
    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment(client=temporal_client).run(activities.archive_history, run)
    assert (refused.value.type, refused.value.non_retryable) == (RUN_GONE, True)
