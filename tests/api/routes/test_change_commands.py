"""A whole change over HTTP: rework, reject, adapt and adopt, with distinct signers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from temporalio.client import Client

from api.app import create_app
from models.roles import Role
from tests.api.client import SECRET, Api
from tests.api.flows import propose, run_whole_lifecycle, sign, submit
from tests.factories import Team, new_team, seed_team
from throughline import db
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from workers.main import build_worker


async def test_whole_pdca_lifecycle_over_http(api: Api, team: Team) -> None:
    await run_whole_lifecycle(api, team)


async def test_every_read_right_after_a_command_shows_it(api: Api, team: Team) -> None:
    """Tried as a new user would: act, then look at once. The answer leaves the workflow
    before SQL holds the command; the change, the lists and the inbox still show it."""
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    for role in [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]:
        signer = team.signer(role)
        signed = await sign(api, signer, change_id, role, revision)
        view = (await api.get(signer, f"/changes/{change_id}")).json()
        assert view["last_seq"] == signed["seq"]
        waiting = (await api.get(signer, "/changes", waiting_on=role.value, limit=200)).json()
        assert change_id not in [item["change_id"] for item in waiting["items"]]
        inbox = (await api.get(signer, "/me/inbox")).json()
        assert change_id not in [item["change_id"] for item in inbox["items"]]


@pytest.fixture
async def postgres_api(
    postgres_url: str, temporal_client: Client, task_queue: str
) -> AsyncIterator[tuple[Api, DirectoryService]]:
    """The same stack as the other API tests, but the worker and the API on PostgreSQL."""
    engine = db.make_engine(postgres_url)
    sessions = db.session_factory(engine)
    settings = Settings(
        task_queue=task_queue, database_url=postgres_url, token_secret=SecretStr(SECRET)
    )
    app = create_app(settings, temporal=temporal_client)
    async with (
        build_worker(temporal_client, task_queue, sessions),
        app.router.lifespan_context(app),
    ):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pg.test") as http:
            yield Api(http), app.state.resources.services.directory
    await engine.dispose()


async def test_whole_pdca_lifecycle_over_http_on_postgresql(
    postgres_api: tuple[Api, DirectoryService],
) -> None:
    api, directory = postgres_api
    team = await seed_team(directory, new_team())
    await run_whole_lifecycle(api, team)
