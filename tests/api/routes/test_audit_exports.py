"""Exports of audit events over HTTP: a streamed JSON array or CSV of a service's changes,
a change, or a time range; empty when nothing matches; 422 for bad filters; for auditors
only: api/routes/audit_exports.py."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from models.read.audit_pages import EXPORT_COLUMNS
from tests.api.client import Api
from tests.api.flows import intake_body, propose, submit
from tests.factories import Team


async def _propose_for(api: Api, team: Team, service: str) -> str:
    response = await api.post(team.proposer, "/changes", intake_body(team, service=service))
    assert response.status_code == 201, response.text
    change_id: str = response.json()["change_id"]
    return change_id


async def _log(api: Api, team: Team, change_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = (
        await api.get(team.auditor, f"/changes/{change_id}/audit")
    ).json()["events"]
    return events


async def test_a_services_events_export_as_a_json_array_change_by_change(
    api: Api, team: Team
) -> None:
    service = f"Export test {uuid.uuid4().hex[:8]}"
    first, second = await _propose_for(api, team, service), await _propose_for(api, team, service)
    await submit(api, team, first, "intent")
    await propose(api, team)  # another service's change, not in the export

    response = await api.get(team.auditor, "/audit/events", service=service)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="audit-events.json"'
    logs = {change_id: await _log(api, team, change_id) for change_id in sorted([first, second])}
    assert response.json() == [event for log in logs.values() for event in log]


async def test_a_changes_events_export_as_csv(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")

    response = await api.get(team.auditor, "/audit/events", change_id=change_id, format="csv")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert header == list(EXPORT_COLUMNS)
    events = await _log(api, team, change_id)
    assert [(row[1], row[5], row[8]) for row in rows] == [
        (str(e["seq"]), e["kind"], e["hash"]) for e in events
    ]


async def test_a_time_range_picks_events_at_or_after_since_and_before_until(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    events = await _log(api, team, change_id)
    since, until = events[1]["at"], events[-1]["at"]

    response = await api.get(
        team.auditor, "/audit/events", change_id=change_id, since=since, until=until
    )

    assert [e["seq"] for e in response.json()] == [
        e["seq"] for e in events if since <= e["at"] < until
    ]


@pytest.mark.parametrize("as_format", ["json", "csv"])
async def test_an_export_that_matches_nothing_is_empty_not_404(
    api: Api, team: Team, as_format: str
) -> None:
    unknown = f"No such service {uuid.uuid4().hex}"

    response = await api.get(team.auditor, "/audit/events", service=unknown, format=as_format)

    assert response.status_code == 200
    assert response.text in {"[]\n", ",".join(EXPORT_COLUMNS) + "\r\n"}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"since": "2026-03-02T09:00:00"}, "query.since"),
        ({"until": "soon"}, "query.until"),
        ({"format": "xml"}, "query.format"),
        ({"change_id": "not/an id"}, "query.change_id"),
    ],
)
async def test_a_bad_filter_is_a_422_naming_it(
    api: Api, team: Team, params: dict[str, Any], named: str
) -> None:
    response = await api.get(team.auditor, "/audit/events", **params)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(named), response.text


async def test_only_auditors_export(api: Api, team: Team) -> None:
    refused = await api.get(team.proposer, "/audit/events")
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_permitted"
