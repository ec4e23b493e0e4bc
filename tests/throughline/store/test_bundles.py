"""Which changes a bundle of a service or a time range covers:
throughline/store/bundles.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from tests.api.client import Api
from tests.api.flows import intake_body, propose
from tests.factories import Team
from throughline.store import bundles


async def test_a_service_and_a_range_select_their_changes(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    service = f"Service {uuid.uuid4()}"
    body = intake_body(team, service=service)
    first = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    second = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    elsewhere = await propose(api, team)
    now = datetime.now(UTC)
    async with sqlite_sessions() as session:
        assert await bundles.changes_of_service(session, service, 10) == [first, second]
        assert await bundles.changes_of_service(session, service, 1) == [first]
        recent = await bundles.changes_active_between(
            session, now - timedelta(minutes=1), None, 500
        )
        assert {first, second, elsewhere} <= set(recent)
        day_ago = now - timedelta(days=1)
        earlier = await bundles.changes_active_between(session, None, day_ago, 500)
        assert not {first, second, elsewhere} & set(earlier)
