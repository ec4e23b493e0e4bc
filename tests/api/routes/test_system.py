"""Health and playbooks over HTTP: api/routes/system.py."""

from __future__ import annotations

import httpx

from tests.api.client import Api
from tests.factories import Team


async def test_healthz_reports_temporal_and_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert (health["temporal"], health["database"], health["parts"]) == (True, True, {})
    # The database is shared with other tests, whose webhooks may have failed.
    expected = "degraded" if health["failed_notifications"] else "ok"
    assert health["status"] == expected


async def test_playbooks_are_listed(api: Api, team: Team) -> None:
    playbooks = (await api.get(team.auditor, "/playbooks")).json()
    assert [(p["name"], p["version"]) for p in playbooks] == [("pdca", 1), ("pdca", 2), ("pdca", 3)]
    assert playbooks[1]["governance"]["challenge_window_working_days"] == 10
    assert playbooks[1]["governance"]["service_levels"] is None
    levels = playbooks[2]["governance"]["service_levels"]
    assert (levels["sign_off_days"], levels["decision_days"]) == (5, 3)
    assert [s["gate"]["service_level_days"] for s in playbooks[2]["stages"]] == [5, 5, 5, 5, 3]
    assert [s["name"] for s in playbooks[1]["stages"]] == [
        "intent",
        "design",
        "delivery",
        "check",
        "act",
    ]
