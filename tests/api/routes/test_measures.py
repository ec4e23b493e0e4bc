"""Live outcome data over HTTP: a push source and its key, CSV and JSON uploads, who may
feed a measure, and each measure's series against its target: api/routes/measures.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.roles import Role
from models.tables import NotificationPreference, NotificationRow
from tests.api.client import Api, auth
from tests.api.flows import propose
from tests.factories import Team

TAKE_UP = quote("online take-up")
DAYS = quote("median days to decision")


def measures(change_id: str, metric: str = TAKE_UP) -> str:
    return f"/changes/{change_id}/measures/{metric}"


async def bind_push(api: Api, person: str, change_id: str) -> tuple[str, str]:
    answer = await api.post(person, f"{measures(change_id)}/sources", {"kind": "push"})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    return created["source"]["id"], created["key"]


async def push(http: httpx.AsyncClient, source_id: str, key: str | None, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return await http.post(f"/sources/{source_id}/points", json=body, headers=headers)


def points(*values: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"observed_at": at, "value": value} for at, value in values]


async def read(api: Api, team: Team, change_id: str, **params: Any) -> dict[str, Any]:
    answer = await api.get(team.signer(Role.POLICY), f"/changes/{change_id}/measures", **params)
    assert answer.status_code == 200, answer.text
    return {m["metric"]: m for m in answer.json()["measures"]}


async def test_a_service_pushes_points_with_its_source_key(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    source_id, key = await bind_push(api, team.proposer, change_id)
    body = points(("2026-11-20T09:00:00Z", 41), ("2026-11-21T09:00:00+01:00", 63.5))

    first = await push(http, source_id, key, body)
    again = await push(http, source_id, key, body)

    assert first.status_code == 200, first.text
    assert (first.json()["received"], first.json()["stored"]) == (2, 2)
    assert first.json()["met"] is True
    assert (again.json()["stored"], again.json()["latest"]) == (0, first.json()["latest"])
    take_up = (await read(api, team, change_id))["online take-up"]
    assert [p["value"] for p in take_up["points"]] == [63.5, 41]
    assert take_up["latest"]["observed_at"] == "2026-11-21T08:00:00Z"
    assert (take_up["met"], take_up["target"], take_up["unit"]) == (True, 60, "percent")
    assert take_up["first_observed_at"] == "2026-11-20T09:00:00Z"
    assert [(s["id"], s["kind"], s["active"]) for s in take_up["sources"]] == [
        (source_id, "push", True)
    ]
    assert "key" not in take_up["sources"][0]


async def test_a_push_without_the_sources_key_is_refused(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    source_id, key = await bind_push(api, team.proposer, change_id)
    other_id, other_key = await bind_push(api, team.proposer, change_id)
    body = points(("2026-11-20T09:00:00Z", 41))

    missing = await push(http, source_id, None, body)
    wrong = await push(http, source_id, other_key, body)
    persons = await http.post(
        f"/sources/{source_id}/points", json=body, headers=auth(team.proposer)
    )
    unknown = await push(http, "src_none", key, body)
    malformed_unsigned = await http.post(f"/sources/{source_id}/points", content=b"{")
    malformed_wrong = await http.post(
        f"/sources/{source_id}/points",
        content=b"{",
        headers={"Authorization": f"Bearer {other_key}"},
    )

    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert malformed_unsigned.status_code == 401, "refused before its body is read"
    assert malformed_wrong.status_code == 403, "refused before its body is read"
    assert (wrong.status_code, wrong.json()["error"]) == (403, "not_permitted")
    assert persons.status_code == 403
    assert unknown.status_code == 401
    assert (await read(api, team, change_id))["online take-up"]["points"] == []
    assert other_id != source_id


async def test_a_stopped_sources_key_no_longer_works(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    source_id, key = await bind_push(api, team.proposer, change_id)

    stopped = await api.delete(team.proposer, f"{measures(change_id)}/sources/{source_id}")
    refused = await push(http, source_id, key, points(("2026-11-20T09:00:00Z", 41)))
    elsewhere = await api.delete(team.proposer, f"{measures(change_id, DAYS)}/sources/{source_id}")

    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["active"] is False
    assert refused.status_code == 403
    assert "was stopped" in refused.json()["detail"]
    assert elsewhere.status_code == 404


async def test_only_the_team_and_the_service_owner_bind_sources(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    path = f"{measures(change_id)}/sources"

    digital = await api.post(team.signer(Role.DIGITAL), path, {"kind": "push"})
    owner = await api.post(team.owner, path, {"kind": "push"})
    policy = await api.post(team.signer(Role.POLICY), path, {"kind": "push"})
    unknown = await api.post(
        team.proposer, f"{measures(change_id, 'visits')}/sources", {"kind": "push"}
    )
    missing = await api.post(
        team.proposer, f"{measures('no-such-change')}/sources", {"kind": "push"}
    )

    assert (digital.status_code, owner.status_code) == (201, 201)
    assert policy.status_code == 403
    assert (unknown.status_code, unknown.json()["error"]) == (422, "invalid_request")
    assert "'visits' is not a success measure" in unknown.json()["detail"]
    assert missing.status_code == 404


async def test_a_prometheus_source_polls_no_more_often_than_allowed(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    body = {
        "kind": "prometheus",
        "url": "http://127.0.0.1:9090",
        "query": "up",
        "interval_seconds": 5,
    }

    too_often = await api.post(team.proposer, f"{measures(change_id)}/sources", body)
    no_query = await api.post(
        team.proposer, f"{measures(change_id)}/sources", {"kind": "prometheus", "url": "x"}
    )

    assert too_often.status_code == 422
    assert "interval_seconds must be at least 15" in too_often.json()["detail"]
    assert no_query.status_code == 422


async def test_a_team_member_uploads_a_csv_file(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    csv = "observed_at,value\n2026-11-20T09:00:00Z,12\n2026-11-21T09:00:00Z,4\n"
    headers = {**auth(team.proposer), "Content-Type": "text/csv"}

    uploaded = await http.post(f"{measures(change_id, DAYS)}/points", content=csv, headers=headers)

    assert uploaded.status_code == 200, uploaded.text
    assert (uploaded.json()["stored"], uploaded.json()["met"]) == (2, True)
    days = (await read(api, team, change_id))["median days to decision"]
    assert [(p["value"], p["origin"], p["source_id"]) for p in days["points"]] == [
        (4, "csv", None),
        (12, "csv", None),
    ]


async def test_a_bad_row_is_named_and_nothing_is_stored(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    csv = "observed_at,value\n2026-11-20T09:00:00Z,12\n2026-11-21T09:00:00Z,four\n"
    headers = {**auth(team.proposer), "Content-Type": "text/csv; charset=utf-8"}

    refused = await http.post(f"{measures(change_id, DAYS)}/points", content=csv, headers=headers)

    assert refused.status_code == 422
    assert refused.json() == {
        "error": "invalid_request",
        "detail": "nothing was stored: row 3, column value: 'four' is not a number",
    }
    assert (await read(api, team, change_id))["median days to decision"]["points"] == []


async def test_uploads_take_json_and_refuse_other_bodies(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    path = f"{measures(change_id)}/points"

    as_json = await api.post(team.proposer, path, points(("2026-11-20T09:00:00Z", 61)))
    bad_json = await api.post(team.proposer, path, [{"observed_at": "yesterday", "value": 1}])
    not_utf8 = await http.post(
        path, content=b"\xff\xfe", headers={**auth(team.proposer), "Content-Type": "text/csv"}
    )
    as_text = await http.post(
        path, content="61", headers={**auth(team.proposer), "Content-Type": "text/plain"}
    )
    by_policy = await api.post(team.signer(Role.POLICY), path, points(("2026-11-20T09:00:00Z", 1)))

    assert (as_json.status_code, as_json.json()["stored"]) == (200, 1)
    assert bad_json.status_code == 422
    assert bad_json.json()["detail"].startswith("0.observed_at:")
    assert (not_utf8.status_code, "not UTF-8" in not_utf8.json()["detail"]) == (422, True)
    assert (as_text.status_code, as_text.json()["error"]) == (415, "unsupported_media_type")
    assert by_policy.status_code == 403


async def test_the_series_is_bounded_and_read_since_a_moment(
    api: Api, team: Team, http: httpx.AsyncClient
) -> None:
    change_id = await propose(api, team)
    source_id, key = await bind_push(api, team.proposer, change_id)
    days = [(f"2026-11-{d:02d}T09:00:00Z", float(d)) for d in range(1, 11)]
    await push(http, source_id, key, points(*days))

    newest = await read(api, team, change_id, limit=3)
    since = await read(api, team, change_id, since="2026-11-08T00:00:00Z")
    naive = await api.get(team.proposer, f"/changes/{change_id}/measures", since="2026-11-08")
    ancient = await api.get(
        team.proposer, f"/changes/{change_id}/measures", since="0001-01-01T00:00:00+01:00"
    )

    assert [p["value"] for p in newest["online take-up"]["points"]] == [10, 9, 8]
    assert [p["value"] for p in since["online take-up"]["points"]] == [10, 9, 8]
    assert since["online take-up"]["first_observed_at"] == "2026-11-01T09:00:00Z"
    assert since["online take-up"]["latest"]["value"] == 10
    assert naive.status_code == 422
    assert (ancient.status_code, ancient.json()["detail"]) == (422, "since is out of range")


async def test_crossing_the_target_queues_the_teams_news(
    api: Api,
    team: Team,
    http: httpx.AsyncClient,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = await propose(api, team)
    async with sqlite_sessions() as session, session.begin():
        session.add(
            NotificationPreference(
                person_id=team.proposer,
                email=f"{team.proposer}@example.gov.uk",
                channels=["email"],
                updated_at=datetime.now(UTC),
            )
        )
    source_id, key = await bind_push(api, team.proposer, change_id)

    await push(http, source_id, key, points(("2026-11-20T09:00:00Z", 41)))
    await push(http, source_id, key, points(("2026-11-21T09:00:00Z", 64)))
    await push(http, source_id, key, points(("2026-11-21T09:00:00Z", 64)))

    async with sqlite_sessions() as session:
        found = await session.exec(
            select(NotificationRow).where(col(NotificationRow.change_id) == change_id)
        )
        rows = [r for r in found.all() if r.topic.startswith("target_")]
    assert [(r.topic, r.recipient) for r in rows] == [("target_met", team.proposer)]
    assert "'online take-up' now meets the target of 60 percent: it is 64 percent" in rows[0].body
