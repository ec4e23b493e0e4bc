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


async def test_only_the_delegator_or_an_admin_revokes_even_once_it_has_ended(
    api: Api, team: Team
) -> None:
    delegator = team.signer(Role.POLICY)
    given = await api.post(delegator, "/delegations", _delegation(team))
    path = f"/delegations/{given.json()['id']}"
    assert (await api.delete(delegator, path)).status_code == 200
    stranger = await api.delete(team.signer(Role.DIGITAL), path)
    assert (stranger.status_code, stranger.json()["error"]) == (403, "not_permitted")
    again = await api.delete(delegator, path)
    assert (again.status_code, again.json()["revoked_at"] is not None) == (200, True)
    assert (await api.delete(team.admin, path)).status_code == 200
