"""The read model and audit log can be rebuilt from Temporal after they are lost."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.tables import (
    AuditEventRow,
    ChangeRow,
    ChangeWaiting,
    GateRow,
    HandoffRow,
    MeasurementRow,
    SignOffRow,
    SubmissionRow,
)
from tests.factories import new_team, seed_team
from tests.workflows.helpers import adapt, pass_current_gate, to_act_gate
from throughline.changes import ChangeCommands
from throughline.rebuild import changes_in_temporal, rebuild_change
from throughline.settings import Settings
from throughline.store import readmodel

pytestmark = pytest.mark.usefixtures("worker")

TABLES = [
    ChangeWaiting, SignOffRow, SubmissionRow, GateRow, MeasurementRow, HandoffRow,
    AuditEventRow, ChangeRow,
]  # fmt: skip


async def _forget(sessions: async_sessionmaker[AsyncSession], change_id: str) -> None:
    async with sessions() as session, session.begin():
        for table in TABLES:
            column = table.id if table is ChangeRow else table.change_id  # type: ignore[attr-defined]
            await session.exec(delete(table).where(col(column) == change_id))


async def test_rebuild_restores_every_run_after_the_database_is_lost(
    temporal_client: Client, task_queue: str, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    team = await seed_team(sqlite_sessions, new_team())
    commands = ChangeCommands(temporal_client, Settings(task_queue=task_queue))
    change_id = (await commands.create(team.intake(), team.proposer, key=None)).change_id
    await to_act_gate(commands, change_id, team)
    await commands.decide(change_id, team.owner, adapt(), key=None)
    await pass_current_gate(commands, change_id, team, stage="design")
    async with sqlite_sessions() as session:
        events_before = await readmodel.audit_events(session, change_id)
        state_before = await readmodel.change_state(session, change_id)

    await _forget(sqlite_sessions, change_id)
    assert await rebuild_change(temporal_client, sqlite_sessions, change_id) > 10

    async with sqlite_sessions() as session:
        assert await readmodel.audit_events(session, change_id) == events_before
        assert await readmodel.change_state(session, change_id) == state_before
    assert change_id in await changes_in_temporal(temporal_client)
