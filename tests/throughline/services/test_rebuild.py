"""The read model and audit log can be rebuilt from Temporal after they are lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.directory.commands import DelegationRequest, NewPerson
from models.directory.state import OPERATOR
from models.errors import Unauthenticated
from models.roles import Role
from models.tables import (
    AuditEventRow,
    ChangePerson,
    ChangeRow,
    ChangeWaiting,
    ConditionRow,
    CycleFact,
    DelegationRow,
    GateRow,
    HandoffFact,
    HandoffRow,
    MeasurementRow,
    SignOffRow,
    SubmissionRow,
    TokenRevocationRow,
)
from tests.api.client import SECRET
from tests.factories import Team, new_team, seed_team
from tests.workflows.helpers import adapt, change_service, pass_current_gate, to_act_gate
from throughline import db
from throughline.services.auth import authenticate
from throughline.services.directory import DirectoryService
from throughline.services.history import changes_in_temporal, rebuild_change
from throughline.services.rebuild import rebuild
from throughline.settings import Settings
from throughline.store import directory, readmodel
from throughline.tokens import KeyRing, issue_token
from workers.main import build_worker

pytestmark = pytest.mark.usefixtures("worker")

TABLES = [
    ChangeWaiting, ChangePerson, ConditionRow, SignOffRow, SubmissionRow, GateRow,
    MeasurementRow, HandoffRow, HandoffFact, CycleFact, AuditEventRow, ChangeRow,
]  # fmt: skip


async def _forget(sessions: async_sessionmaker[AsyncSession], change_id: str) -> None:
    async with sessions() as session, session.begin():
        for table in TABLES:
            column = table.id if table is ChangeRow else table.change_id  # type: ignore[attr-defined]
            await session.exec(delete(table).where(col(column) == change_id))


async def test_rebuild_restores_every_run_after_the_database_is_lost(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    directory_service: DirectoryService,
) -> None:
    team = await seed_team(directory_service, new_team())
    commands = change_service(temporal_client, Settings(task_queue=task_queue), sqlite_sessions)
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await to_act_gate(commands, change_id, team)
    await commands.decide(change_id, team.owner, adapt(), key=None)
    await pass_current_gate(commands, change_id, team, stage="design")
    await commands.workflows.answered.caught_up(patience_s=30)
    async with sqlite_sessions() as session:
        events_before = await readmodel.audit_events(session, change_id)
        state_before = await readmodel.change_state(session, change_id)
    facts_before = await _facts(sqlite_sessions, change_id)

    await _forget(sqlite_sessions, change_id)
    assert await rebuild_change(temporal_client, sqlite_sessions, change_id) > 10

    async with sqlite_sessions() as session:
        assert await readmodel.audit_events(session, change_id) == events_before
        assert await readmodel.change_state(session, change_id) == state_before
    assert await _facts(sqlite_sessions, change_id) == facts_before
    assert facts_before[1], "the adapt's cycle is a fact"
    assert change_id in await changes_in_temporal(temporal_client)


async def _facts(
    sessions: async_sessionmaker[AsyncSession], change_id: str
) -> tuple[list[tuple[int, str, float | None]], list[int]]:
    """The analytics facts of a change: each handoff's wait, and its decided cycles."""
    async with sessions() as session:
        waits = await session.exec(
            select(HandoffFact).where(col(HandoffFact.change_id) == change_id)
        )
        cycles = await session.exec(select(CycleFact).where(col(CycleFact.change_id) == change_id))
        return (
            sorted((f.seq, f.role, f.waited_hours) for f in waits.all()),
            sorted(c.iteration for c in cycles.all()),
        )


CYCLE_ROWS: list[type[SignOffRow] | type[SubmissionRow] | type[GateRow]] = [
    SignOffRow,
    SubmissionRow,
    GateRow,
]


async def _rows_of_first_cycle(
    sessions: async_sessionmaker[AsyncSession], change_id: str
) -> list[Any]:
    found: list[Any] = []
    async with sessions() as session:
        for table in CYCLE_ROWS:
            statement = select(table).where(
                col(table.change_id) == change_id, col(table.gate_id).startswith("1.")
            )
            found += [row.model_dump() for row in (await session.exec(statement)).all()]
    return found


async def test_rebuild_restores_lost_rows_of_every_cycle_as_they_ended(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    directory_service: DirectoryService,
) -> None:
    """Rows of a cycle that ended long ago, lost while the change went on, come back with
    their final status, though the current run no longer holds them."""
    team = await seed_team(directory_service, new_team())
    commands = change_service(temporal_client, Settings(task_queue=task_queue), sqlite_sessions)
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await to_act_gate(commands, change_id, team)
    await commands.decide(change_id, team.owner, adapt(), key=None)
    await pass_current_gate(commands, change_id, team, stage="design")
    before = await _rows_of_first_cycle(sqlite_sessions, change_id)
    assert {row["status"] for row in before if "status" in row} == {"passed", "decided"}
    async with sqlite_sessions() as session, session.begin():
        for table in CYCLE_ROWS:
            await session.exec(
                delete(table).where(
                    col(table.change_id) == change_id, col(table.gate_id).startswith("1.")
                )
            )
    assert await _rows_of_first_cycle(sqlite_sessions, change_id) == []
    await rebuild_change(temporal_client, sqlite_sessions, change_id)
    assert sorted(map(str, await _rows_of_first_cycle(sqlite_sessions, change_id))) == sorted(
        map(str, before)
    )


async def _directory_as_sql_holds_it(
    sessions: async_sessionmaker[AsyncSession], directory_id: str
) -> dict[str, Any]:
    async with sessions() as session:
        people = []
        for p in await directory.list_people(session):
            people.append((p.id, p.name, p.active, await directory.active_roles(session, p.id)))
        delegations = sorted(
            (d.id, d.delegator, d.delegate, d.role, d.ends_at, d.revoked_at)
            for d in (await session.exec(select(DelegationRow))).all()
        )
        revoked = sorted((await session.exec(select(TokenRevocationRow.token_id))).all())
        events = await directory.events_of(session, directory_id)
    return {"people": people, "delegations": delegations, "revoked": revoked, "events": events}


def _delete_database(folder: Path, name: str) -> None:
    for path in folder.glob(f"{name}*"):
        path.unlink()


async def test_a_lost_database_comes_back_whole_directory_included(
    temporal_client: Client, task_queue: str, tmp_path: Path
) -> None:
    """Delete the read-model database entirely, rebuild from Temporal, and people, roles,
    delegations, tokens' validity and the directory's history are all back."""
    lost, fresh = tmp_path / "lost.db", tmp_path / "fresh.db"
    queue = f"{task_queue}-own-database"
    settings = Settings(
        task_queue=queue, database_url=f"sqlite:///{lost}", token_secret=SecretStr(SECRET)
    )
    db.migrate_sync(settings.database)
    engine = db.make_engine(settings.database)
    sessions = db.session_factory(engine)
    async with build_worker(temporal_client, queue, sessions):
        service = DirectoryService(temporal_client, settings, sessions)
        team = await seed_team(service, new_team())
        commands = change_service(temporal_client, settings, sessions)
        change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
        await pass_current_gate(commands, change_id, team, stage="intent")
        tokens = await _a_directory_with_history(service, team)
        before = await _directory_as_sql_holds_it(sessions, service.directory_id)
        async with sessions() as session:
            audit_before = await readmodel.audit_events(session, change_id)
    await engine.dispose()
    _delete_database(tmp_path, "lost.db")

    rebuilt = settings.model_copy(update={"database_url": f"sqlite:///{fresh}"})
    db.migrate_sync(rebuilt.database)
    engine = db.make_engine(rebuilt.database)
    sessions = db.session_factory(engine)
    lines = await rebuild(temporal_client, sessions, rebuilt, [change_id])
    assert lines[0].startswith("directory: replayed")
    after = await _directory_as_sql_holds_it(sessions, service.directory_id)
    assert after == before
    assert len(after["events"]) >= 10
    async with sessions() as session:
        assert await readmodel.audit_events(session, change_id) == audit_before
    ring = KeyRing.of(SECRET)
    for token, valid in tokens:
        header = f"Bearer {token}"
        if valid:
            assert (await authenticate(sessions, ring, header)).id
        else:
            with pytest.raises(Unauthenticated):
                await authenticate(sessions, ring, header)
    await engine.dispose()


async def _a_directory_with_history(
    service: DirectoryService, team: Team
) -> list[tuple[str, bool]]:
    """A deputy with a delegation, a revoked role, a deactivated person, and tokens: one
    revoked, one valid, one of the deactivated person."""
    deputy = f"deputy-{team.suffix}"
    await service.add_people(OPERATOR, [NewPerson(name="Deputy", id=deputy)])
    ends = datetime.now(UTC) + timedelta(days=7)
    holder = team.signer(Role.POLICY)
    body = DelegationRequest(delegate=deputy, role=Role.POLICY, ends_at=ends)
    await service.delegate(holder, body)
    await service.change_role(OPERATOR, team.signer(Role.DIGITAL, 1), Role.DIGITAL, grant=False)
    ring = KeyRing.of(SECRET)
    revoked = issue_token(team.proposer, ring, timedelta(hours=1))
    valid = issue_token(team.proposer, ring, timedelta(hours=1))
    leaver = issue_token(team.signer(Role.OPERATIONS, 1), ring, timedelta(hours=1))
    await service.revoke_token(team.proposer, revoked.token)
    await service.set_active(OPERATOR, team.signer(Role.OPERATIONS, 1), active=False)
    return [(revoked.token, False), (valid.token, True), (leaver.token, False)]
