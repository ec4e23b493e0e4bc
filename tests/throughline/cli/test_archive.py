"""`throughline archive`, tried as an operator would: the runs listed, those past
retention purged with the operator on the directory's record, and a purge with nothing
to do saying so: throughline/cli/archive.py."""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner

from models.directory.events import DirectoryEventKind
from models.tables import HistoryArchiveRow
from tests.throughline.cli.command import run_command
from throughline.services.directory import directory_workflow_id
from throughline.settings import Settings
from throughline.store import archive, directory


async def _archived(sessions: async_sessionmaker[AsyncSession], days_ago: int) -> HistoryArchiveRow:
    closed = datetime.now(UTC) - timedelta(days=days_ago)
    row = HistoryArchiveRow(
        workflow_id=f"change-{uuid.uuid4()}",
        run_id=str(uuid.uuid4()),
        workflow_type="ServiceChangeWorkflow",
        closed_at=closed,
        archived_at=closed,
        event_count=3,
        sha256="a" * 64,
        history=gzip.compress(b'{"events": []}'),
    )
    async with sessions() as session, session.begin():
        await archive.put(session, row)
    return row


async def test_runs_past_retention_are_purged_on_the_record(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    monkeypatch.setenv("THROUGHLINE_ARCHIVE_RETENTION_DAYS", "30")
    old, recent = await _archived(sqlite_sessions, 45), await _archived(sqlite_sessions, 10)

    listed = await run_command(runner, "archive", "list", "--limit", "500")
    assert listed.exit_code == 0, listed.output
    assert f"\t{old.workflow_id}\t{old.run_id}\t" in listed.output

    purged = await run_command(runner, "archive", "purge", "--reason", "retention review")
    assert purged.exit_code == 0, purged.output
    assert purged.output.startswith("purged ")
    assert "archived runs closed before " in purged.output
    assert old.run_id in purged.output.splitlines()
    assert recent.run_id not in purged.output

    async with sqlite_sessions() as session:
        assert await archive.find(session, old.workflow_id, old.run_id) is None
        assert await archive.find(session, recent.workflow_id, recent.run_id) is not None
        events = await directory.events_of(session, directory_workflow_id(Settings().task_queue))
    [record] = [e for e in events if e.kind == DirectoryEventKind.ARCHIVES_PURGED]
    assert (record.actor, record.payload["reason"]) == ("operator", "retention review")

    again = await run_command(runner, "archive", "purge", "--reason", "retention review")
    assert again.exit_code == 0, again.output
    assert again.output.startswith("nothing to purge: no archived run closed before ")


async def test_a_purge_needs_a_reason_and_the_command_says_what_it_keeps(
    runner: CliRunner,
) -> None:
    blank = await run_command(runner, "archive", "purge", "--reason", "  ")
    assert (blank.exit_code, "give a --reason" in blank.output) == (1, True)
    assert "Traceback" not in blank.output
    helped = await run_command(runner, "archive", "--help")
    assert "THROUGHLINE_ARCHIVE_RETENTION_DAYS" in helped.output
    assert "archive" in (await run_command(runner, "--help")).output
