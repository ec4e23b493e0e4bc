"""What most workflow tests start from: the change service on this test's task queue,
and a team in its directory."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from tests.factories import Team, new_team, seed_team
from tests.workflows.helpers import change_service
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.settings import Settings


@pytest.fixture
def commands(
    temporal_client: Client, task_queue: str, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> ChangeService:
    return change_service(temporal_client, Settings(task_queue=task_queue), sqlite_sessions)


@pytest.fixture
async def team(directory_service: DirectoryService) -> Team:
    return await seed_team(directory_service, new_team())
