"""When Temporal no longer has a change, its audit log is checked against the archive:
the anchor is the last event the newest archived run recorded, so a log rewritten in
SQL, read model and all, is still caught; an archive that does not reach the change's
end anchors nothing: throughline/services/change_workflows.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete, update
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.testing import WorkflowEnvironment

from models.audit import HashScheme, recompute_hash
from models.tables import AuditEventRow, ChangeRow, HistoryArchiveRow
from tests.processes import dev_server_environment
from tests.workflows.archiving import (
    FORGETFUL,
    adapted_then_adopted,
    archived_runs_of,
    forget_in_temporal,
)
from tests.workflows.helpers import change_service
from throughline.services.audit import AuditService
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import readmodel
from workers.main import build_worker

pytestmark = pytest.mark.slow
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
async def forgetful() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server that deletes a run within seconds of being asked."""
    env = await dev_server_environment(FORGETFUL)
    async with env:
        yield env


async def _rewrite_the_last_event(sessions: Sessions, change_id: str) -> int:
    """Edit the last event, recompute its hash and the read model's head to match, so the
    log links up and agrees with the read model: only an outside record can tell."""
    async with sessions() as session, session.begin():
        row = await readmodel.require_change(session, change_id)
        last = (await readmodel.audit_events(session, change_id))[-1]
        forged = last.model_copy(update={"actor": "forger"})
        forged.hash = recompute_hash(forged, HashScheme(row.hash_scheme))
        mine = (col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) == last.seq)
        await session.exec(
            update(AuditEventRow).where(*mine).values(actor="forger", hash=forged.hash)
        )
        await session.exec(
            update(ChangeRow).where(col(ChangeRow.id) == change_id).values(last_hash=forged.hash)
        )
    return last.seq


async def test_a_change_temporal_forgot_is_checked_against_its_archive(
    forgetful: WorkflowEnvironment, sqlite_sessions: Sessions
) -> None:
    client, task_queue = forgetful.client, f"forgetful-{uuid.uuid4()}"
    settings = Settings(task_queue=task_queue, update_timeout_seconds=5)
    directory = DirectoryService(client, settings, sqlite_sessions)
    async with build_worker(client, task_queue, sqlite_sessions):
        commands = change_service(client, settings, sqlite_sessions)
        change_id = await adapted_then_adopted(commands, directory)
        runs = await archived_runs_of(sqlite_sessions, change_id, 2)
        async with sqlite_sessions() as session:
            events = await readmodel.audit_events(session, change_id)
        workflows = ChangeWorkflows(client, settings, sqlite_sessions)
        from_temporal = await workflows.chain_anchor(change_id)
    assert from_temporal is not None
    assert from_temporal.source == "temporal"

    await asyncio.gather(*[forget_in_temporal(client, run) for run in runs])
    anchor = await workflows.chain_anchor(change_id)
    assert anchor is not None
    assert (anchor.source, anchor.seq, anchor.hash) == ("archive", events[-1].seq, events[-1].hash)
    assert anchor.recorded == {event.seq: event.hash for event in events}
    assert await workflows.recorded_hashes(change_id) == anchor.recorded

    audit = AuditService(sqlite_sessions, workflows, directory)
    verdict = (await audit.change_log(change_id)).verdict
    assert (verdict.intact, verdict.anchored_to) == (True, "archive")
    forged = await _rewrite_the_last_event(sqlite_sessions, change_id)
    verdict = (await audit.change_log(change_id)).verdict
    assert (verdict.intact, verdict.first_bad_seq) == (False, forged)
    assert "archive recorded" in (verdict.problem or "")

    async with sqlite_sessions() as session, session.begin():
        await session.exec(
            delete(HistoryArchiveRow).where(col(HistoryArchiveRow.run_id) == runs[-1].run_id)
        )
    assert await workflows.chain_anchor(change_id) is None, "a run that continued is no end"
