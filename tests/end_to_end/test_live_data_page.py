"""The change page with live outcome data, in Chromium: the measures' latest values,
targets and newest points pass axe (WCAG 2.2 AA) with nothing reported."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from models.roles import Role
from tests.api.client import Api, auth
from tests.api.flows import propose
from tests.factories import Team
from tests.support.pages import SignInAs

pytestmark = pytest.mark.slow


async def test_a_change_page_with_live_data_passes_axe(
    api: Api, team: Team, sign_in: SignInAs
) -> None:
    change_id = await propose(api, team)
    measures = f"/changes/{change_id}/measures"
    bound = await api.post(
        team.proposer, f"{measures}/{quote('online take-up')}/sources", {"kind": "push"}
    )
    source, key = bound.json()["source"]["id"], bound.json()["key"]
    pushed = [{"observed_at": f"2026-11-{d}T09:00:00Z", "value": 50 + d / 2} for d in (20, 21)]
    await api.http.post(
        f"/sources/{source}/points", json=pushed, headers={"Authorization": f"Bearer {key}"}
    )
    csv = "observed_at,value\n2026-11-20T09:00:00Z,12\n"
    await api.http.post(
        f"{measures}/{quote('median days to decision')}/points",
        content=csv,
        headers={**auth(team.proposer), "Content-Type": "text/csv"},
    )
    lead = await sign_in(team.signer(Role.POLICY))

    await lead.go(f"/web/changes/{change_id}")
    await lead.page.locator("#live-data").scroll_into_view_if_needed()
    await lead.snap("change-live-data")

    text = await lead.text()
    assert "Live outcome data" in text
    assert "60.5 percent, observed 21 November 2026" in text
    assert "Uploads only" in text
