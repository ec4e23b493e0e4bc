"""Email addresses, tried as a new user would and as an attacker would: each address
belongs to one person, because single sign-on may name people by it."""

from __future__ import annotations

from models.roles import Role
from tests.api.client import Api
from tests.factories import Team


async def test_nobody_can_take_an_address_another_person_gave(api: Api, team: Team) -> None:
    address = {"email": "Policy.Lead@example.test", "channels": [], "digest": False}
    mine = await api.put(team.signer(Role.POLICY), "/me/notifications", address)
    assert mine.status_code == 200, mine.text

    taken = {**address, "email": "policy.lead@EXAMPLE.test"}
    refused = await api.put(team.proposer, "/me/notifications", taken)
    again = await api.put(team.signer(Role.POLICY), "/me/notifications", address)

    assert refused.status_code == 409
    assert "already another person's" in refused.json()["detail"]
    assert again.status_code == 200
