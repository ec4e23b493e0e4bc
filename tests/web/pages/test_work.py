"""My work, tried as a new user would: what waits on a signer shows, with a way to act."""

from __future__ import annotations

import pytest

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


@pytest.mark.slow
async def test_a_long_inbox_shows_a_page_at_a_time_with_how_many_in_all(
    api: Api, team: Team, browse: SignIn
) -> None:
    """27 sign-offs wait on the lead: 25 on the first page, 2 on the second."""
    changes = [await propose(api, team) for _ in range(27)]
    for change_id in changes:
        await submit(api, team, change_id, "the intent, written down")
    lead = await browse(team.signer(Role.POLICY))

    first, second = await lead.get("/web/work"), await lead.get("/web/work?page=2")
    beyond, nonsense = await lead.get("/web/work?page=3"), await lead.get("/web/work?page=0")

    def shown(page: str) -> set[str]:
        return {c for c in changes if f'href="/web/changes/{c}/sign-off"' in page}

    assert "27 things wait on you" in first.text
    assert "Showing 1 to 25." in first.text
    assert "Showing 26 to 27." in second.text
    assert '/web/work?page=2"' in first.text
    assert len(shown(first.text)) == 25
    assert shown(first.text) | shown(second.text) == set(changes)
    assert "There is no page 3" in beyond.text
    assert shown(beyond.text) == set()
    assert nonsense.status_code == 400
    assert "govuk-template" in nonsense.text
