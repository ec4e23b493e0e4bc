"""A measure pulled from Prometheus over HTTP: a real Prometheus scraping a gauge, polled
by the source's durable Temporal Schedule; and a stand-in query API for each way a
source fails, which is recorded as the source's last error while polling goes on:
api/routes/measures.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError

from models.live_data import poll_schedule_id
from models.roles import Role
from models.tables import NotificationPreference, NotificationRow
from tests.api.client import SECRET, Api
from tests.api.flows import propose
from tests.factories import Team
from tests.processes import free_port
from tests.support.local_http import serving
from tests.support.prometheus import (
    GAUGE,
    Gauge,
    GaugeHandler,
    QueryEmulator,
    QueryEmulatorHandler,
    error_answer,
    running_prometheus,
    vector_answer,
)
from throughline.settings import Settings

pytestmark = pytest.mark.slow
T = TypeVar("T")
TAKE_UP = quote("online take-up")


@pytest.fixture
def settings(task_queue: str, sqlite_url: str) -> Settings:
    """Polls as often as every second, so the test need not wait the production 15."""
    return Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        measure_poll_min_seconds=1,
    )


async def eventually(check: Callable[[], Awaitable[T | None]], seconds: float = 60) -> T:
    """The first truthy answer of `check`, asked twice a second."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"nothing came within {seconds}s")
        await asyncio.sleep(0.5)


async def take_up(api: Api, team: Team, change_id: str) -> dict[str, Any]:
    answer = await api.get(team.signer(Role.POLICY), f"/changes/{change_id}/measures")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()["measures"][1]
    assert found["metric"] == "online take-up"
    return found


async def bind(api: Api, team: Team, change_id: str, url: str, query: str, every: int) -> str:
    body = {"kind": "prometheus", "url": url, "query": query, "interval_seconds": every}
    answer = await api.post(team.proposer, f"/changes/{change_id}/measures/{TAKE_UP}/sources", body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["key"] is None
    source_id: str = answer.json()["source"]["id"]
    return source_id


async def _listening(sessions: async_sessionmaker[AsyncSession], person: str) -> None:
    async with sessions() as session, session.begin():
        session.add(
            NotificationPreference(
                person_id=person,
                email=f"{person}@example.gov.uk",
                channels=["email"],
                updated_at=datetime.now(UTC),
            )
        )


async def test_a_real_prometheus_feeds_a_measure_through_its_schedule(
    api: Api,
    team: Team,
    tmp_path: Path,
    temporal_client: Client,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    gauge = Gauge(value=41)
    with (
        serving(GaugeHandler, gauge) as gauge_url,
        running_prometheus(gauge_url.removeprefix("http://"), tmp_path) as prometheus,
    ):
        query = f'{GAUGE}{{job="gauge"}}'
        await eventually(lambda: _scraped(prometheus, query))
        change_id = await propose(api, team)
        await _listening(sqlite_sessions, team.proposer)

        source_id = await bind(api, team, change_id, prometheus, query, every=1)
        schedule = await temporal_client.get_schedule_handle(poll_schedule_id(source_id)).describe()
        first = await eventually(lambda: _latest_is(api, team, change_id, 41))
        gauge.value = 65
        crossed = await eventually(lambda: _latest_is(api, team, change_id, 65))

    assert schedule.schedule.spec.intervals[0].every.total_seconds() == 1
    assert (first["met"], first["latest"]["origin"]) == (False, "prometheus")
    assert first["latest"]["source_id"] == source_id
    assert first["sources"][0]["last_polled_at"] is not None
    assert crossed["met"] is True
    told = await _news(sqlite_sessions, change_id)
    assert [(t.topic, t.recipient) for t in told] == [("target_met", team.proposer)]

    stopped = await api.delete(
        team.proposer, f"/changes/{change_id}/measures/{TAKE_UP}/sources/{source_id}"
    )
    assert stopped.json()["active"] is False
    with pytest.raises(RPCError, match="not found"):
        await temporal_client.get_schedule_handle(poll_schedule_id(source_id)).describe()


async def _scraped(prometheus: str, query: str) -> bool:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{prometheus}/api/v1/query", params={"query": query})
    return bool(answer.json()["data"]["result"])


async def _latest_is(api: Api, team: Team, change_id: str, value: float) -> dict[str, Any] | None:
    """The measure once its latest point has this value and its source shows the poll (a
    read may see the new point a moment before the source's poll time)."""
    found = await take_up(api, team, change_id)
    latest = found["latest"]
    if latest is None or latest["value"] != value:
        return None
    polled = [s["last_polled_at"] for s in found["sources"] if s["id"] == latest["source_id"]]
    return found if polled and polled[0] else None


async def _news(
    sessions: async_sessionmaker[AsyncSession], change_id: str
) -> list[NotificationRow]:
    async with sessions() as session:
        found = await session.exec(
            select(NotificationRow).where(col(NotificationRow.change_id) == change_id)
        )
        return [row for row in found.all() if row.topic.startswith("target_")]


FAILING = {
    "sum(rate(": (400, error_answer("bad_data", "1:10: parse error: unclosed left parenthesis")),
    "nan_ratio": (200, vector_answer("NaN")),
    "words": (200, vector_answer("many")),
    "every_series": (
        200,
        {
            "status": "success",
            "data": {
                "resultType": "vector",
                "result": [{"metric": {"a": "1"}, "value": [1, "1"]}] * 2,
            },
        },
    ),
    "behind_a_proxy": (502, "<html><body>Bad gateway</body></html>"),
}
SAID = {
    "sum(rate(": "Prometheus refused the query (bad_data): 1:10: parse error",
    "nan_ratio": "the query's value is NaN, not a finite number",
    "words": "the query's value 'many' is not a number",
    "every_series": "the query gave 2 series; it must give one",
    "behind_a_proxy": "the answer (HTTP 502) is not JSON",
    "down": "could not reach http://127.0.0.1:",
}


async def test_a_failing_source_is_recorded_and_polling_goes_on(
    api: Api, team: Team, temporal_client: Client
) -> None:
    emulator = QueryEmulator(answers={**FAILING, "good": (200, vector_answer("61.5"))})
    with serving(QueryEmulatorHandler, emulator) as url:
        change_id = await propose(api, team)
        sources = {query: await bind(api, team, change_id, url, query, 3600) for query in FAILING}
        sources["down"] = await bind(
            api, team, change_id, f"http://127.0.0.1:{free_port()}", "up", 3600
        )
        for source_id in sources.values():
            await temporal_client.get_schedule_handle(poll_schedule_id(source_id)).trigger()
        failed = await eventually(lambda: _all_failed(api, team, change_id, len(sources)))
        good = await bind(api, team, change_id, url, "good", 3600)
        await temporal_client.get_schedule_handle(poll_schedule_id(good)).trigger()
        measure = await eventually(lambda: _latest_is(api, team, change_id, 61.5))

    errors = {source["id"]: source["last_error"] for source in failed}
    for query, source_id in sources.items():
        assert SAID[query] in errors[source_id], (query, errors[source_id])
    assert measure["latest"]["source_id"] == good
    assert measure["met"] is True
    assert set(FAILING) <= set(emulator.asked)


async def _all_failed(
    api: Api, team: Team, change_id: str, count: int
) -> list[dict[str, Any]] | None:
    sources = (await take_up(api, team, change_id))["sources"]
    failed = [s for s in sources if s["last_error"] is not None]
    return failed if len(failed) == count else None
