"""Rules that depend on time, over HTTP, on a dev server whose workflow clocks we move.

- A delegation that expires between a delegate's sign-off and the quorum completing
  stops counting, and a fresh sign-off under it is refused.
- A reject's challenge window closes after ten working days.
- A change closed by a reject stays open for challenges until its window ends, then
  finishes by itself.

The API checks a delegation against the wall clock for a quick answer; the workflow
checks it again against its own clock, which is the one that counts and the one
these tests move forward.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from models.roles import Role
from models.tables import NotificationPreference, NotificationRow
from tests.api.client import SECRET, Api, auth
from tests.api.flows import propose, sign, submit
from tests.factories import Team, new_team, seed_team
from tests.processes import dev_server_environment
from throughline.settings import Settings
from throughline.temporal import workflow_id
from workers.main import build_worker


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await dev_server_environment(time_skipping=True)
    async with env:
        yield env


@pytest.fixture
async def skipping_app(
    skipping_env: WorkflowEnvironment,
    task_queue: str,
    sqlite_url: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[FastAPI]:
    settings = Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        update_timeout_seconds=60,
    )
    app = create_app(settings, temporal=skipping_env.client)
    worker: Worker = build_worker(skipping_env.client, task_queue, sqlite_sessions)
    async with worker, app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def api(skipping_app: FastAPI) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=skipping_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://time.test") as http:
        yield Api(http)


@pytest.fixture
async def team(skipping_app: FastAPI) -> Team:
    return await seed_team(skipping_app.state.resources.services.directory, new_team())


async def _fast_forward(env: WorkflowEnvironment, change_id: str, days: int) -> None:
    handle = env.client.get_workflow_handle(workflow_id(change_id))
    assert await env.fast_forward(handle, timedelta(days=days))


async def test_a_delegation_across_its_expiry(
    api: Api, skipping_env: WorkflowEnvironment, team: Team
) -> None:
    holder, deputy = team.signer(Role.POLICY), f"deputy-{team.suffix}"
    await api.post(team.admin, "/people", {"name": "Deputy", "id": deputy})
    ends = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    delegation = {"delegate": deputy, "role": "policy", "ends_at": ends}
    assert (await api.post(holder, "/delegations", delegation)).status_code == 201

    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await sign(api, deputy, change_id, Role.POLICY, revision, acting_for=holder)
    await sign(api, team.signer(Role.DIGITAL), change_id, Role.DIGITAL, revision)
    await _fast_forward(skipping_env, change_id, days=3)
    held = await sign(api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision)
    assert (held["stage"], held["gate"]["status"]) == ("intent", "in_review")
    assert any("expired at" in line for line in held["gate"]["unmet"])

    again = await submit(api, team, change_id, "intent again")
    body = {"role": "policy", "decision": "approve", "revision": again, "acting_for": holder}
    refused = await api.post(deputy, f"/changes/{change_id}/sign-offs", body)
    assert (refused.status_code, refused.json()["error"]) == (403, "delegation_not_active")
    assert "expired at" in refused.json()["detail"]


async def test_a_challenge_after_ten_working_days_is_refused(
    api: Api, skipping_env: WorkflowEnvironment, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    rejected = await sign(
        api, team.signer(Role.POLICY), change_id, Role.POLICY, revision,
        "reject", comment="unclear", reject_to="intent",
    )  # fmt: skip
    assert rejected["stage"] == "intent"
    await _fast_forward(skipping_env, change_id, days=16)
    late = await api.post(team.proposer, f"/changes/{change_id}/challenges", {"reason": "late"})
    assert (late.status_code, late.json()["error"]) == (409, "challenge_window_closed")


async def test_a_change_closed_by_a_reject_waits_out_its_challenge_window(
    api: Api, skipping_env: WorkflowEnvironment, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    closed = await sign(
        api, team.signer(Role.POLICY), change_id, Role.POLICY, revision,
        "reject", comment="no", reject_to="close",
    )  # fmt: skip
    assert closed["status"] == "rejected"
    handle = skipping_env.client.get_workflow_handle(workflow_id(change_id))
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    finished_first = not await skipping_env.fast_forward(handle, timedelta(days=16))
    assert finished_first  # the window closed within the sixteen days, and the change ended
    assert (await handle.result())["status"] == "rejected"
    after = await api.http.post(
        f"/changes/{change_id}/challenges", json={"reason": "late"}, headers=auth(team.proposer)
    )
    assert (after.status_code, after.json()["error"]) == (409, "change_closed")


async def test_a_delegation_s_end_is_recorded_in_the_directory(
    api: Api,
    skipping_env: WorkflowEnvironment,
    skipping_app: FastAPI,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    holder, deputy = team.signer(Role.POLICY), f"deputy-{team.suffix}"
    await api.post(team.admin, "/people", {"name": "Deputy", "id": deputy})
    async with sqlite_sessions() as session, session.begin():
        preference = NotificationPreference(
            person_id=holder, email="holder@example.gov.uk", channels=["email"],
            updated_at=datetime.now(UTC),
        )  # fmt: skip
        session.add(preference)
    ends = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    delegation = {"delegate": deputy, "role": "policy", "ends_at": ends}
    assert (await api.post(holder, "/delegations", delegation)).status_code == 201
    directory_id = skipping_app.state.resources.services.directory.directory_id
    handle = skipping_env.client.get_workflow_handle(directory_id)
    assert await skipping_env.fast_forward(handle, timedelta(days=3))
    for _ in range(50):
        history = (await api.get(team.auditor, f"/people/{deputy}/history")).json()
        kinds = [entry["kind"] for entry in history["entries"]]
        if "delegation_expired" in kinds:
            break
        await asyncio.sleep(0.1)
    assert kinds == [
        "person_added",
        "delegation_created",
        "delegation_expiring",
        "delegation_expired",
    ]
    assert history["entries"][-1]["actor"] == "directory"
    async with sqlite_sessions() as session:
        told = await session.exec(
            select(NotificationRow).where(col(NotificationRow.recipient) == holder)
        )
        [reminder] = told.all()
    assert reminder.topic == "delegation_ending"
    assert "Your delegation of the policy role to" in reminder.body
    assert reminder.body.startswith("About: Delegation")
