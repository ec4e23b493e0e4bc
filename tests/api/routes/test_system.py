"""Health over HTTP: api/routes/system.py. Playbooks are in test_playbooks.py."""

from __future__ import annotations

import httpx


async def test_healthz_reports_temporal_and_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert (health["temporal"], health["database"], health["parts"]) == (True, True, {})
    # The database is shared with other tests, whose webhooks may have failed.
    expected = "degraded" if health["failed_notifications"] else "ok"
    assert health["status"] == expected
