"""Building signed bundles from the store and Temporal: the limit on their size, and a
change's histories read before its logs: throughline/services/bundles.py."""

from __future__ import annotations

import uuid

import pytest

from models.bundle_check import check_bundle
from models.errors import BundleTooLarge
from tests.api.client import Api
from tests.api.flows import intake_body, submit
from tests.factories import Team
from throughline.services import bundles


async def test_a_bundle_wider_than_the_limit_is_refused(
    api: Api, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundles, "MOST_CHANGES", 1)
    service = f"Service {uuid.uuid4()}"
    for _ in range(2):
        await api.post(team.proposer, "/changes", intake_body(team, service=service))
    response = await api.get(team.auditor, "/audit/bundle", service=service)
    assert response.status_code == 422
    assert response.json()["error"] == BundleTooLarge.code
    assert "at most 1 changes" in response.json()["detail"]


async def test_an_open_change_exports_every_event_its_history_recorded(
    api: Api, team: Team
) -> None:
    body = intake_body(team)
    change_id = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    await submit(api, team, change_id, "intent")
    bundle = (await api.get(team.auditor, f"/changes/{change_id}/export")).json()
    [entry] = bundle["manifest"]["changes"]
    assert entry["closed"] is False
    assert entry["events"] >= 2
    assert check_bundle(bundle).intact
