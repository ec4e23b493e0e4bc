"""The app in-process over ASGI, against the real dev server, worker and SQLite: shared by
the API and the page tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from tests.api.client import SECRET, Api
from tests.factories import Team, new_team, seed_team
from throughline.services.directory import DirectoryService
from throughline.settings import Settings


@pytest.fixture
def settings(task_queue: str, sqlite_url: str, tmp_path: Path) -> Settings:
    return Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        data_dir=tmp_path / "data",
    )


@pytest.fixture
async def app(
    settings: Settings,
    temporal_client: Client,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> AsyncIterator[FastAPI]:
    application = create_app(settings, temporal=temporal_client)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://throughline.test") as client:
        yield client


@pytest.fixture
async def team(directory_service: DirectoryService) -> Team:
    return await seed_team(directory_service, new_team())


@pytest.fixture
def api(http: httpx.AsyncClient) -> Api:
    return Api(http)
