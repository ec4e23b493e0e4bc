"""The archive over HTTP: admins and auditors list archived runs page by page; only an
admin purges, only runs past retention go, each on the directory's record first, and a
purge with nothing to do answers 0: api/routes/archive.py."""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import HistoryArchiveRow
from tests.api.client import SECRET, Api
from tests.factories import Team
from throughline.settings import Settings
from throughline.store import archive

NOW = datetime.now(UTC)


@pytest.fixture
def settings(task_queue: str, sqlite_url: str, tmp_path: Path) -> Settings:
    """The app's settings, keeping archives for thirty days."""
    return Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        data_dir=tmp_path / "data",
        archive_retention_days=30,
    )


async def _archived(
    sessions: async_sessionmaker[AsyncSession], *days_ago: int
) -> list[HistoryArchiveRow]:
    rows = [
        HistoryArchiveRow(
            workflow_id=f"change-{uuid.uuid4()}",
            run_id=str(uuid.uuid4()),
            workflow_type="ServiceChangeWorkflow",
            closed_at=NOW - timedelta(days=days),
            archived_at=NOW - timedelta(days=days),
            event_count=0,
            sha256="0" * 64,
            history=gzip.compress(b'{"events": []}'),
        )
        for days in days_ago
    ]
    async with sessions() as session, session.begin():
        for row in rows:
            await archive.put(session, row)
    return rows


async def _every_listed(api: Api, who: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        page = await api.get(who, "/admin/archive", after=after, limit=50)
        assert page.status_code == 200, page.text
        runs += page.json()["runs"]
        after = page.json()["next_after"]
    return runs


async def test_admins_and_auditors_list_the_archive_and_others_may_not(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    rows = await _archived(sqlite_sessions, 1, 2, 3)
    for who in (team.auditor, team.admin):
        listed = {run["run_id"]: run for run in await _every_listed(api, who)}
        assert {row.run_id for row in rows} <= set(listed)
        assert listed[rows[0].run_id]["workflow_type"] == "ServiceChangeWorkflow"
    refused = await api.get(team.proposer, "/admin/archive")
    assert (refused.status_code, refused.json()["error"]) == (403, "not_permitted")
    too_many = await api.get(team.admin, "/admin/archive", limit=501)
    assert too_many.status_code == 422


async def test_an_admin_purges_what_is_past_retention_on_the_record(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    old, older, recent = await _archived(sqlite_sessions, 31, 900, 29)
    body = {"reason": "Yearly retention review"}
    refused = await api.post(team.auditor, "/admin/archive/purge", body)
    assert (refused.status_code, refused.json()["error"]) == (403, "not_permitted")
    unsaid = await api.post(team.admin, "/admin/archive/purge", {})
    assert unsaid.status_code == 422
    assert "reason" in unsaid.text

    purged = await api.post(team.admin, "/admin/archive/purge", body)
    assert purged.status_code == 200, purged.text
    answer = purged.json()
    assert {older.run_id, old.run_id} <= set(answer["run_ids"])
    assert recent.run_id not in answer["run_ids"]
    assert answer["count"] == len(answer["run_ids"])
    cutoff = datetime.fromisoformat(answer["cutoff"])
    assert abs(cutoff - (NOW - timedelta(days=30))) < timedelta(minutes=5)
    listed = {run["run_id"] for run in await _every_listed(api, team.admin)}
    assert recent.run_id in listed
    assert not {old.run_id, older.run_id} & listed

    log = (await api.get(team.auditor, "/directory/audit")).json()
    [record] = [e for e in log["events"] if e["kind"] == "archives_purged"]
    assert record["actor"] == team.admin
    assert {r["run_id"] for r in record["payload"]["runs"]} == set(answer["run_ids"])
    assert log["verdict"]["intact"] is True

    again = await api.post(team.admin, "/admin/archive/purge", body)
    assert (again.json()["count"], again.json()["run_ids"]) == (0, [])
    log = (await api.get(team.auditor, "/directory/audit")).json()
    assert len([e for e in log["events"] if e["kind"] == "archives_purged"]) == 1
