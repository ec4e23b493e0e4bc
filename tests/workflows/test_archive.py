"""Each run of a change is archived as it closes, by the child workflow it starts just
before it ends: the archive holds exactly Temporal's history of each run, and the
archived histories replay against today's code, so they are complete: workflows/archive.py."""

from __future__ import annotations

import gzip
import hashlib

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from models.archive import archive_workflow_id
from tests.workflows.archiving import adapted_then_adopted, archived_runs_of
from tests.workflows.helpers import change_service
from throughline.services.archive import archived_history
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import archive
from throughline.temporal import workflow_id
from workflows.service_change import ServiceChangeWorkflow

Sessions = async_sessionmaker[AsyncSession]


def _started_its_archiving(history: WorkflowHistory, run_id: str) -> bool:
    expected = archive_workflow_id(run_id)
    return any(
        event.start_child_workflow_execution_initiated_event_attributes.workflow_id == expected
        for event in history.events
        if event.HasField("start_child_workflow_execution_initiated_event_attributes")
    )


async def test_each_run_is_archived_whole_as_it_closes_and_replays(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: Sessions,
    directory_service: DirectoryService,
) -> None:
    commands = change_service(temporal_client, Settings(task_queue=task_queue), sqlite_sessions)
    change_id = await adapted_then_adopted(commands, directory_service)
    await temporal_client.get_workflow_handle(workflow_id(change_id)).result()

    runs = await archived_runs_of(sqlite_sessions, change_id, 2)
    assert len(runs) == 2
    histories = []
    for run in runs:
        history = await archived_history(sqlite_sessions, run)
        handle = temporal_client.get_workflow_handle(run.workflow_id, run_id=run.run_id)
        kept = await handle.fetch_history()
        assert history.events == kept.events
        async with sqlite_sessions() as session:
            stored = await archive.history_of(session, run.workflow_id, run.run_id)
        assert stored is not None
        assert run.sha256 == hashlib.sha256(gzip.decompress(stored)).hexdigest()
        assert (run.change_id, run.workflow_type, run.event_count) == (
            change_id,
            "ServiceChangeWorkflow",
            len(kept.events),
        )
        assert _started_its_archiving(history, run.run_id)
        histories.append(history)
    assert [h.events[-1].event_type for h in histories] == [
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    ]

    replayer = Replayer(workflows=[ServiceChangeWorkflow], data_converter=pydantic_data_converter)
    for history in histories:
        replayed = await replayer.replay_workflow(history, raise_on_replay_failure=True)
        assert replayed.replay_failure is None


async def test_the_archiving_child_outlives_its_run_and_archives_once(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: Sessions,
    directory_service: DirectoryService,
) -> None:
    """Starting the archiving of a run again archives nothing more."""
    commands = change_service(temporal_client, Settings(task_queue=task_queue), sqlite_sessions)
    change_id = await adapted_then_adopted(commands, directory_service)
    [first, last] = await archived_runs_of(sqlite_sessions, change_id, 2)
    child = temporal_client.get_workflow_handle(archive_workflow_id(last.run_id))
    assert await child.result() is True
    described = await child.describe()
    assert described.status is WorkflowExecutionStatus.COMPLETED
    assert described.parent_id == workflow_id(change_id)

    again = await temporal_client.execute_workflow(
        "ArchiveRunWorkflow",
        {"workflow_id": first.workflow_id, "run_id": first.run_id, "change_id": change_id},
        id=f"{archive_workflow_id(first.run_id)}-again",
        task_queue=task_queue,
    )
    assert again is False
    assert await archived_runs_of(sqlite_sessions, change_id, 2) == [first, last]
