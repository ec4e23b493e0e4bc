"""Delegations over HTTP: who may give them, for what, and what they may name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.roles import Role
from tests.api.client import Api
from tests.factories import Team


def _delegation(team: Team, **extra: object) -> dict[str, object]:
    ends = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    return {"delegate": team.signer(Role.POLICY, 1), "role": "policy", "ends_at": ends, **extra}


async def test_a_delegation_limited_to_an_unknown_change_is_404(api: Api, team: Team) -> None:
    body = _delegation(team, change_id="no-such-change")
    response = await api.post(team.signer(Role.POLICY), "/delegations", body)
    assert response.status_code == 404
    assert response.json()["error"] == "change_not_found"
    listed = await api.get(team.signer(Role.POLICY), "/delegations")
    assert listed.json() == []
