"""Handoff analytics over HTTP, tried as a new user would: api/routes/analytics.py."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.client import Api
from tests.api.flows import intake_body, run_whole_lifecycle
from tests.factories import Team


async def _analytics(api: Api, person: str, **params: Any) -> dict[str, Any]:
    response = await api.get(person, "/analytics/handoffs", **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_whole_lifecycle_shows_waits_rework_and_the_cycle(
    api: Api, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = f"Analytics service {uuid.uuid4().hex[:6]}"
    monkeypatch.setattr(
        "tests.api.flows.intake_body", lambda t, **o: intake_body(t, service=service, **o)
    )
    await run_whole_lifecycle(api, team)
    report = await _analytics(api, team.owner, service=service)

    roles = {r["role"]: r for r in report["by_role"]}
    assert {"policy", "digital", "operations", "service_owner"} <= set(roles)
    assert roles["policy"]["handoffs"] >= 4
    assert roles["policy"]["hours"]["median"] is not None
    assert roles["policy"]["working_days"]["p90"] >= roles["policy"]["working_days"]["median"]
    gates = {g["stage"]: g for g in report["by_gate"]}
    assert gates["intent"]["gate"] == "intent agreed"
    assert gates["intent"]["request_changes"] == 1
    assert gates["intent"]["rework_rate"] == pytest.approx(1 / gates["intent"]["gates_opened"])
    assert gates["delivery"]["request_changes"] >= 1, "a reject counts as rework"
    assert report["intent_to_outcome"]["cycles"] == 2, "an adapt, then an adopt"
    assert report["intent_to_outcome"]["hours"]["median"] >= 0


async def test_a_range_with_nothing_in_it_reports_nothing(api: Api, team: Team) -> None:
    report = await _analytics(
        api, team.auditor, since="1990-01-01T00:00:00Z", until="1990-02-01T00:00:00Z"
    )
    assert report["by_role"] == []
    assert report["by_gate"] == []
    assert report["intent_to_outcome"] == {
        "cycles": 0,
        "hours": {"median": None, "p90": None},
        "working_days": {"median": None, "p90": None},
    }


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until must come"),
        ({"since": "2026-01-01T00:00:00"}, "timezone"),
        ({"since": "yesterday"}, "datetime"),
        ({"colour": "blue"}, "colour"),
        ({"since": "0001-01-01T00:00:00+05:00"}, "between 1970 and 9998"),
        ({"service": "a\u0000b"}, "control characters"),
    ],
)
async def test_a_range_that_cannot_be_read_is_refused_with_the_reason(
    api: Api, team: Team, params: dict[str, str], detail: str
) -> None:
    response = await api.get(team.admin, "/analytics/handoffs", **params)
    assert response.status_code == 422
    assert detail in response.text


async def test_only_owners_admins_and_auditors_read_analytics(api: Api, team: Team) -> None:
    response = await api.get(team.proposer, "/analytics/handoffs")
    assert response.status_code == 403
