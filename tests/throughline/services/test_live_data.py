"""The live data service, against the real dev server, worker and SQLite: when measures
were first observed, what a closed change still takes, and a source's schedule going
with it: throughline/services/live_data.py and throughline/services/poll_schedules.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError

from api.deps import Resources
from models.errors import (
    ChangeClosed,
    InvalidRequest,
    NotEligible,
    SourceNotFound,
    Unauthenticated,
    Unavailable,
)
from models.live_data import PointIn, PrometheusSourceRequest, PushSourceRequest, SourceKind
from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose
from tests.factories import Team
from throughline.services.live_data import LiveDataService
from throughline.settings import Settings

TAKE_UP, DAYS = "online take-up", "median days to decision"
PUSH = PushSourceRequest(kind=SourceKind.PUSH)


def service(app: FastAPI) -> LiveDataService:
    resources: Resources = app.state.resources
    return resources.services.live_data


def point(day: int, value: float) -> PointIn:
    return PointIn(observed_at=datetime(2026, 11, day, 9, tzinfo=UTC), value=value)


async def test_first_observed_is_the_earliest_point_of_each_measure_from_any_origin(
    app: FastAPI, api: Api, team: Team
) -> None:
    live = service(app)
    change_id = await propose(api, team)
    created = await live.bind(change_id, TAKE_UP, team.proposer, PUSH)
    assert created.key is not None

    await live.push(created.source.id, created.key, [point(12, 40), point(15, 45)])
    await live.upload(change_id, TAKE_UP, team.proposer, [point(10, 30)])
    await live.upload(change_id, DAYS, team.owner, [point(14, 9)])

    assert await live.first_observed(change_id) == {
        TAKE_UP: datetime(2026, 11, 10, 9, tzinfo=UTC),
        DAYS: datetime(2026, 11, 14, 9, tzinfo=UTC),
    }
    assert await live.first_observed("no-such-change") == {}


async def test_a_closed_change_takes_no_new_source_no_upload_and_no_push(
    app: FastAPI, api: Api, team: Team
) -> None:
    live = service(app)
    change_id = await propose(api, team)
    pushed = await live.bind(change_id, TAKE_UP, team.proposer, PUSH)
    withdrawn = await api.post(
        team.proposer, f"/changes/{change_id}/withdrawal", {"reason": "Moved"}
    )
    assert withdrawn.status_code == 200, withdrawn.text

    with pytest.raises(ChangeClosed):
        await live.bind(change_id, TAKE_UP, team.proposer, PUSH)
    with pytest.raises(ChangeClosed):
        await live.upload(change_id, TAKE_UP, team.proposer, [point(10, 30)])
    with pytest.raises(ChangeClosed):
        await live.push(pushed.source.id, pushed.key, [point(10, 30)])


async def test_sources_may_name_only_the_hosts_settings_allow(
    app: FastAPI, api: Api, team: Team, temporal_client: Client, settings: Settings
) -> None:
    resources: Resources = app.state.resources
    allowing = settings.model_copy(update={"measure_source_hosts": ["prometheus.internal"]})
    live = LiveDataService(resources.sessions, temporal_client, allowing)
    change_id = await propose(api, team)
    elsewhere = PrometheusSourceRequest.model_validate(
        {"kind": "prometheus", "url": "http://169.254.169.254", "query": "up"}
    )
    with pytest.raises(InvalidRequest, match=r"169\.254\.169\.254 is not a host measure sources"):
        await live.bind(change_id, TAKE_UP, team.proposer, elsewhere)


async def test_a_push_needs_a_key_and_a_stop_needs_the_team(
    app: FastAPI, api: Api, team: Team
) -> None:
    live = service(app)
    change_id = await propose(api, team)
    created = await live.bind(change_id, TAKE_UP, team.signer(Role.DIGITAL), PUSH)

    with pytest.raises(Unauthenticated):
        await live.push(created.source.id, None, [point(10, 30)])
    with pytest.raises(NotEligible):
        await live.stop(change_id, TAKE_UP, created.source.id, team.signer(Role.OPERATIONS))
    with pytest.raises(SourceNotFound):
        await live.stop(change_id, DAYS, created.source.id, team.proposer)
    assert (await live.stop(change_id, TAKE_UP, created.source.id, team.owner)).active is False


async def test_stopping_a_prometheus_source_deletes_its_schedule_once(
    app: FastAPI, api: Api, team: Team, temporal_client: Client
) -> None:
    live = service(app)
    change_id = await propose(api, team)
    request = PrometheusSourceRequest.model_validate(
        {"kind": "prometheus", "url": "http://127.0.0.1:9/", "query": "up", "interval_seconds": 600}
    )
    created = await live.bind(change_id, TAKE_UP, team.proposer, request)
    handle = temporal_client.get_schedule_handle(f"measure-poll-{created.source.id}")
    described = await handle.describe()

    first = await live.stop(change_id, TAKE_UP, created.source.id, team.proposer)
    again = await live.stop(change_id, TAKE_UP, created.source.id, team.proposer)

    assert created.key is None
    assert described.schedule.state.note == f"polls {TAKE_UP!r} of change {change_id}"
    assert (first.active, again.active) == (False, False)
    with pytest.raises(RPCError, match="not found"):
        await handle.describe()


async def test_a_schedule_temporal_refuses_leaves_no_source_behind(
    app: FastAPI, api: Api, team: Team, temporal_client: Client, settings: Settings
) -> None:
    """A namespace the server lacks stands for any refusal."""
    resources: Resources = app.state.resources
    target = temporal_client.service_client.config.target_host
    nowhere = await Client.connect(
        target, namespace="no-such-namespace", data_converter=pydantic_data_converter
    )
    live = LiveDataService(resources.sessions, nowhere, settings)
    change_id = await propose(api, team)
    request = PrometheusSourceRequest.model_validate(
        {"kind": "prometheus", "url": "http://127.0.0.1:9/", "query": "up", "interval_seconds": 600}
    )

    with pytest.raises(Unavailable, match="nothing was saved"):
        await live.bind(change_id, TAKE_UP, team.proposer, request)

    assert (await live.measures(change_id)).measures[1].sources == []
