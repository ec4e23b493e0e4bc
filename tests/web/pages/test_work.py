"""My work, tried as a new user would: what waits on a signer shows, with a way to act."""

from __future__ import annotations

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team
from tests.web.conftest import SignIn


async def test_a_policy_lead_sees_the_sign_off_waiting_on_them(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "the intent, written down")
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get("/web/work")

    assert page.status_code == 200
    assert f'href="/web/changes/{change_id}/sign-off"' in page.text
    assert "Sign off" in page.text
