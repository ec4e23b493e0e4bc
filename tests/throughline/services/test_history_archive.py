"""Runs are read from the archive where Temporal has forgotten them: a change half
forgotten reads back whole, and one Temporal no longer has at all is still listed,
rebuilt with its audit log after the read model is wiped, and verified against the
archive; the directory's log comes back whole when its first run is forgotten:
throughline/services/history.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, col, delete
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.archive import ArchivedRun
from models.projection import ProjectionBatch
from models.tables import (
    AuditEventRow,
    ChangePerson,
    ChangeRow,
    ChangeWaiting,
    CommandReceiptRow,
    ConditionRow,
    CycleFact,
    DirectoryEventRow,
    DirectoryLogRow,
    GateRow,
    HandoffFact,
    HandoffRow,
    MeasurementRow,
    SignOffRow,
    SubmissionRow,
)
from tests.factories import new_team, seed_team
from tests.histories.archive_paths import EAGER, drive_directory_runs
from tests.processes import dev_server_environment
from tests.workflows.archiving import (
    FORGETFUL,
    adapted_then_adopted,
    archived_runs_of,
    forget_in_temporal,
)
from tests.workflows.helpers import change_service
from throughline import db
from throughline.services.audit import AuditService
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.directory import DirectoryService
from throughline.services.history import (
    changes_in_temporal,
    changes_known,
    projection_batches,
    rebuild_directory,
)
from throughline.services.rebuild import rebuild
from throughline.settings import Settings
from throughline.store import archive, directory, readmodel
from workers.main import build_worker

pytestmark = pytest.mark.slow
Sessions = async_sessionmaker[AsyncSession]
READ_MODEL: list[type[SQLModel]] = [
    ChangeWaiting, ChangePerson, ConditionRow, SignOffRow, SubmissionRow, GateRow,
    MeasurementRow, HandoffRow, HandoffFact, CycleFact, AuditEventRow, ChangeRow,
]  # fmt: skip


@pytest.fixture(scope="module")
async def forgetful() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server that deletes a run within seconds of being asked."""
    env = await dev_server_environment(FORGETFUL)
    async with env:
        yield env


async def _wipe_the_read_model(sessions: Sessions, change_id: str) -> None:
    """Every row the change's projections wrote, the archive aside."""
    async with sessions() as session, session.begin():
        for table in READ_MODEL:
            column = table.id if table is ChangeRow else table.change_id  # type: ignore[attr-defined]
            await session.exec(delete(table).where(col(column) == change_id))
        await session.exec(
            delete(CommandReceiptRow).where(col(CommandReceiptRow.log_id) == change_id)
        )


async def _batches(
    client: Client, change_id: str, sessions: Sessions | None = None
) -> list[ProjectionBatch]:
    return [batch async for batch in projection_batches(client, change_id, sessions)]


async def test_a_change_temporal_forgot_comes_back_from_the_archive(
    forgetful: WorkflowEnvironment, tmp_path: Path
) -> None:
    client, queue = forgetful.client, f"forgetful-{uuid.uuid4()}"
    settings = Settings(
        task_queue=queue, database_url=f"sqlite:///{tmp_path / 'own.db'}", update_timeout_seconds=5
    )
    db.migrate_sync(settings.database)
    engine = db.make_engine(settings.database)
    sessions = db.session_factory(engine)
    directory = DirectoryService(client, settings, sessions)
    async with build_worker(client, queue, sessions, settings):
        commands = change_service(client, settings, sessions)
        change_id = await adapted_then_adopted(commands, directory)
        [first, last] = await archived_runs_of(sessions, change_id, 2)
    async with sessions() as session:
        events = await readmodel.audit_events(session, change_id)
        state = await readmodel.change_state(session, change_id)
    whole = await _batches(client, change_id)

    await forget_in_temporal(client, first)
    assert len(await _batches(client, change_id)) < len(whole)
    assert await _batches(client, change_id, sessions) == whole, "the first run, from the archive"

    await forget_in_temporal(client, last)
    assert change_id not in await changes_in_temporal(client)
    assert change_id in await changes_known(client, sessions)
    await _wipe_the_read_model(sessions, change_id)
    lines = await rebuild(client, sessions, settings)
    assert f"{change_id}: replayed {len(whole)} projection batches" in lines
    async with sessions() as session:
        assert await readmodel.audit_events(session, change_id) == events
        assert await readmodel.change_state(session, change_id) == state
    audit = AuditService(sessions, ChangeWorkflows(client, settings, sessions), directory)
    verdict = (await audit.change_log(change_id)).verdict
    assert (verdict.intact, verdict.anchored_to, verdict.events_checked) == (
        True,
        "archive",
        len(events),
    )
    await engine.dispose()


@pytest.fixture(scope="module")
async def restless() -> AsyncIterator[WorkflowEnvironment]:
    """A forgetful dev server that also suggests continue-as-new after a few dozen events."""
    env = await dev_server_environment([*FORGETFUL, *EAGER])
    async with env:
        yield env


async def test_the_directorys_forgotten_first_run_comes_back_from_the_archive(
    restless: WorkflowEnvironment, tmp_path: Path
) -> None:
    client, queue = restless.client, f"restless-{uuid.uuid4()}"
    settings = Settings(task_queue=queue, database_url=f"sqlite:///{tmp_path / 'own.db'}")
    db.migrate_sync(settings.database)
    engine = db.make_engine(settings.database)
    sessions = db.session_factory(engine)
    service = DirectoryService(client, settings, sessions)
    async with build_worker(client, queue, sessions, settings):
        await drive_directory_runs(client, service, await seed_team(service, new_team()))
        first = await _first_archived(sessions, service.directory_id)
    async with sessions() as session:
        events = await directory.events_of(session, service.directory_id)
    assert (first.workflow_type, first.change_id) == ("DirectoryWorkflow", None)

    await forget_in_temporal(client, first)
    query = f"WorkflowId = '{service.directory_id}'"
    assert first.run_id not in {w.run_id async for w in client.list_workflows(query)}
    async with sessions() as session, session.begin():
        for table in (DirectoryEventRow, DirectoryLogRow, CommandReceiptRow):
            await session.exec(delete(table).where(col(table.log_id) == service.directory_id))
    assert await rebuild_directory(client, sessions, service.directory_id) >= 3
    async with sessions() as session:
        assert await directory.events_of(session, service.directory_id) == events
    assert events[0].seq == 1
    await engine.dispose()


async def _first_archived(sessions: Sessions, directory_id: str) -> ArchivedRun:
    for _ in range(150):
        async with sessions() as session:
            runs = await archive.runs_of(session, directory_id)
        if runs:
            return runs[0]
        await asyncio.sleep(0.2)
    raise AssertionError("the directory's first run was never archived")
