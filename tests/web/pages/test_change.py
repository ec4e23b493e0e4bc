"""One change's page, tried as a new user would: the gate in plain words, the stages,
the measures, the evidence and the timeline."""

from __future__ import annotations

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team
from tests.web.conftest import SignIn


async def test_the_page_tells_where_the_change_waits_and_who_could_sign(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "the intent, written down")
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get(f"/web/changes/{change_id}")

    assert page.status_code == 200
    text = page.text
    assert "Now here" in text  # the stage tracker marks the first stage
    assert "0 of 1" in text  # no approvals yet for each role
    assert team.signer(Role.POLICY) in text  # who could still sign
    assert "moj-timeline" in text
    assert f'href="/web/changes/{change_id}/sign-off"' in text


async def test_an_unknown_change_is_a_page_that_says_so(team: Team, browse: SignIn) -> None:
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get("/web/changes/no-such-change")

    assert page.status_code == 404
    assert "no change with id" in page.text
    assert "govuk-template" in page.text


async def test_a_change_id_that_cannot_be_one_is_refused_plainly(
    team: Team, browse: SignIn
) -> None:
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get("/web/changes/has%20a%20space")

    assert page.status_code == 400
    assert "govuk-template" in page.text
