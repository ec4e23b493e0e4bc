"""Building signed bundles from the store and Temporal: the limit on their size, and a
change's histories read before its logs: throughline/services/bundles.py."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.testing import WorkflowEnvironment

from models.bundle_check import check_bundle
from models.errors import BundleTooLarge, Unavailable
from tests.api.client import Api
from tests.api.flows import intake_body, submit
from tests.factories import Team
from tests.processes import dev_server_environment
from tests.workflows.archiving import (
    FORGETFUL,
    adapted_then_adopted,
    archived_runs_of,
    forget_in_temporal,
)
from tests.workflows.helpers import change_service
from throughline.services import bundles
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from workers.main import build_worker


async def test_a_bundle_wider_than_the_limit_is_refused(
    api: Api, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundles, "MOST_CHANGES", 1)
    service = f"Service {uuid.uuid4()}"
    for _ in range(2):
        await api.post(team.proposer, "/changes", intake_body(team, service=service))
    response = await api.get(team.auditor, "/audit/bundle", service=service)
    assert response.status_code == 422
    assert response.json()["error"] == BundleTooLarge.code
    assert "at most 1 changes" in response.json()["detail"]


async def test_an_open_change_exports_every_event_its_history_recorded(
    api: Api, team: Team
) -> None:
    body = intake_body(team)
    change_id = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    await submit(api, team, change_id, "intent")
    bundle = (await api.get(team.auditor, f"/changes/{change_id}/export")).json()
    [entry] = bundle["manifest"]["changes"]
    assert entry["closed"] is False
    assert entry["events"] >= 2
    assert check_bundle(bundle).intact


@pytest.fixture(scope="module")
async def forgetful() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server that deletes a run within seconds of being asked."""
    env = await dev_server_environment(FORGETFUL)
    async with env:
        yield env


@pytest.mark.slow
async def test_a_change_temporal_forgot_is_exported_from_the_archive(
    forgetful: WorkflowEnvironment,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    client, task_queue = forgetful.client, f"forgetful-{uuid.uuid4()}"
    settings = Settings(task_queue=task_queue, update_timeout_seconds=5, data_dir=tmp_path)
    directory = DirectoryService(client, settings, sqlite_sessions)
    async with build_worker(client, task_queue, sqlite_sessions):
        commands = change_service(client, settings, sqlite_sessions)
        change_id = await adapted_then_adopted(commands, directory)
        runs = await archived_runs_of(sqlite_sessions, change_id, 2)
        for run in runs:
            await forget_in_temporal(client, run)
        service = bundles.BundleService(sqlite_sessions, client, settings, directory)
        bundle = await service.export_change("auditor-a", change_id)
    [entry] = bundle["manifest"]["changes"]
    assert entry["histories"] == [run.run_id for run in runs]
    assert entry["closed"] is True
    report = check_bundle(json.loads(json.dumps(bundle)))
    assert report.intact, report.problem
    assert f"change {change_id}: 2 Temporal histories, one run after another" in " ".join(
        report.checked
    )


async def test_no_bundle_is_made_while_temporal_does_not_answer(
    sqlite_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """A bundle without its histories would still verify, so none is made (503)."""
    env = await dev_server_environment()
    client = env.client
    await env.shutdown()
    settings = Settings(data_dir=tmp_path)
    directory = DirectoryService(client, settings, sqlite_sessions)
    service = bundles.BundleService(sqlite_sessions, client, settings, directory)
    with pytest.raises(Unavailable, match="Temporal did not answer"):
        await service._retained_runs("change-anything")
