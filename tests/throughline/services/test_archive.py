"""Archived runs listed page by page, and purged only past retention, only by an admin,
and only once the directory has put every run on the record; a purge with nothing to do
records nothing: throughline/services/archive.py."""

from __future__ import annotations

import gzip
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.archive import ArchivePurgeRequest
from models.directory.events import DirectoryEventKind, describe_directory_event
from models.errors import NotPermitted
from models.roles import Role
from models.tables import HistoryArchiveRow
from tests.factories import Team, new_team, seed_team
from throughline import db
from throughline.services.archive import ArchiveService, read_history
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import archive, directory
from workers.main import build_worker

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime.now(UTC)
"""When the module was read: the archived runs' ages are set from it. A cutoff is compared
with the clock at the time, since a whole suite takes minutes."""
REASON = ArchivePurgeRequest(reason="retention review")


def _row(closed_at: datetime) -> HistoryArchiveRow:
    text = b'{"events": []}'
    return HistoryArchiveRow(
        workflow_id=f"change-{uuid.uuid4()}",
        run_id=str(uuid.uuid4()),
        workflow_type="ServiceChangeWorkflow",
        closed_at=closed_at,
        archived_at=closed_at,
        event_count=0,
        sha256=hashlib.sha256(text).hexdigest(),
        history=gzip.compress(text),
    )


@pytest.fixture
async def own(
    temporal_client: Client, task_queue: str, tmp_path: Path
) -> AsyncIterator[tuple[Sessions, DirectoryService, Team]]:
    """A database of the test's own, whose archive holds only what the test puts there,
    and a directory with a team in it."""
    settings = Settings(task_queue=task_queue, database_url=f"sqlite:///{tmp_path / 'own.db'}")
    db.migrate_sync(settings.database)
    engine = db.make_engine(settings.database)
    sessions = db.session_factory(engine)
    async with build_worker(temporal_client, task_queue, sessions, settings):
        service = DirectoryService(temporal_client, settings, sessions)
        yield sessions, service, await seed_team(service, new_team())
    await engine.dispose()


async def _archived(sessions: Sessions, *closed: datetime) -> list[HistoryArchiveRow]:
    rows = [_row(at) for at in closed]
    async with sessions() as session, session.begin():
        for row in rows:
            await archive.put(session, row)
    return rows


async def _purges(sessions: Sessions, directory_id: str) -> list[str]:
    async with sessions() as session:
        events = await directory.events_of(session, directory_id)
    return [
        describe_directory_event(e) for e in events if e.kind == DirectoryEventKind.ARCHIVES_PURGED
    ]


async def test_only_runs_past_retention_are_purged_each_on_the_record_first(
    own: tuple[Sessions, DirectoryService, Team],
) -> None:
    sessions, service, team = own
    settings = Settings(archive_retention_days=30)
    archives = ArchiveService(sessions, settings, service)
    old, older, recent = await _archived(
        sessions, NOW - timedelta(days=31), NOW - timedelta(days=400), NOW - timedelta(days=29)
    )

    purged = await archives.purge(team.admin, REASON)
    assert (purged.count, purged.run_ids) == (2, [older.run_id, old.run_id])
    assert abs(purged.cutoff - (datetime.now(UTC) - timedelta(days=30))) < timedelta(minutes=5)
    assert [r.run_id for r in (await archives.listing(0, 10)).runs] == [recent.run_id]
    [line] = await _purges(sessions, service.directory_id)
    assert line.startswith(f"{team.admin} purged 2 archived histories of runs closed before ")
    assert line.endswith(": retention review")

    async with sessions() as session:
        events = await directory.events_of(session, service.directory_id)
    recorded = events[-1].payload["runs"]
    assert [(r["run_id"], r["sha256"]) for r in recorded] == [
        (older.run_id, older.sha256),
        (old.run_id, old.sha256),
    ]

    again = await archives.purge(team.admin, REASON)
    assert (again.count, again.run_ids) == (0, [])
    assert len(await _purges(sessions, service.directory_id)) == 1, "nothing purged, no record"


async def test_a_purge_the_directory_refuses_deletes_nothing(
    own: tuple[Sessions, DirectoryService, Team],
) -> None:
    sessions, service, team = own
    archives = ArchiveService(sessions, Settings(archive_retention_days=1), service)
    [ancient] = await _archived(sessions, NOW - timedelta(days=3000))
    with pytest.raises(NotPermitted, match="needs the admin role"):
        await archives.purge(team.signer(Role.POLICY), REASON)
    assert [r.run_id for r in (await archives.listing(0, 10)).runs] == [ancient.run_id]
    assert await _purges(sessions, service.directory_id) == []


async def test_the_listing_pages_and_the_default_keeps_seven_years(
    own: tuple[Sessions, DirectoryService, Team],
) -> None:
    sessions, service, team = own
    archives = ArchiveService(sessions, Settings(), service)
    assert abs(archives.cutoff() - (datetime.now(UTC) - timedelta(days=2557))) < timedelta(
        minutes=5
    )
    rows = await _archived(sessions, *(NOW - timedelta(days=d) for d in (2000, 10, 5)))
    first = await archives.listing(0, 2)
    assert [r.run_id for r in first.runs] == [rows[0].run_id, rows[1].run_id]
    assert first.next_after is not None
    rest = await archives.listing(first.next_after, 2)
    assert ([r.run_id for r in rest.runs], rest.next_after) == ([rows[2].run_id], None)
    assert (await archives.purge(team.admin, REASON)).count == 0, "six years is kept"

    async with sessions() as session:
        stored = await archive.history_of(session, rows[0].workflow_id, rows[0].run_id)
    assert stored is not None
    assert read_history(rows[0].workflow_id, stored).events == []
