"""The change page's live outcome data: each measure's latest value against its target,
where its points come from, and the newest few: web/pages/change.py and
web/templates/change_live_data.html."""

from __future__ import annotations

from urllib.parse import quote

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose
from tests.factories import Team
from tests.web.conftest import SignIn

TAKE_UP = quote("online take-up")


async def test_the_page_shows_each_measures_latest_value_against_its_target(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    bound = await api.post(
        team.proposer, f"/changes/{change_id}/measures/{TAKE_UP}/sources", {"kind": "push"}
    )
    source_id, key = bound.json()["source"]["id"], bound.json()["key"]
    values = [("2026-11-20T09:00:00Z", 41), ("2026-11-21T09:00:00Z", 63.5)]
    body = [{"observed_at": at, "value": value} for at, value in values]
    pushed = await api.http.post(
        f"/sources/{source_id}/points", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert pushed.status_code == 200, pushed.text
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get(f"/web/changes/{change_id}")

    assert page.status_code == 200
    text = page.text
    assert "Live outcome data" in text
    assert "63.5 percent, observed 21 November 2026, 9:00am" in text
    assert "60 percent or more, from a baseline of 0" in text
    assert "Pushed by a service" in text
    assert "Newest points for online take-up" in text
    assert text.count('<td class="govuk-table__cell">Pushed</td>') == 2
    assert "First observed" in text
    assert key not in text


async def test_a_change_with_no_live_data_says_so(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get(f"/web/changes/{change_id}")

    assert page.status_code == 200
    assert "No measure is fed by live data yet" in page.text
    assert "Newest points for" not in page.text
