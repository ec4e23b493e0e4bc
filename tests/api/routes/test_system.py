"""Health and the audit signing key over HTTP: api/routes/system.py. Playbooks are in
test_playbooks.py."""

from __future__ import annotations

import httpx

from throughline.audit_keys import audit_signer
from throughline.settings import Settings


async def test_healthz_reports_temporal_and_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert (health["temporal"], health["database"], health["parts"]) == (True, True, {})
    # The database is shared with other tests, whose webhooks may have failed.
    expected = "degraded" if health["failed_notifications"] else "ok"
    assert health["status"] == expected


async def test_the_audit_signing_key_is_published_to_anyone(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    published = await http.get("/.well-known/throughline-audit-key")
    again = await http.get("/.well-known/throughline-audit-key")
    assert published.status_code == 200
    assert published.json() == again.json()
    assert published.json() == audit_signer(settings.audit_key_path()).public().model_dump()
