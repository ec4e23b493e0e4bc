"""The portfolio page, tried as a new user would: the ranking with each change's reasons
and flags, as plain HTML that needs no JavaScript: web/pages/portfolio.py."""

from __future__ import annotations

from html import unescape

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body
from tests.api.routes.test_portfolio import NO_SPONSOR, SEVERE, WIDE
from tests.factories import Team, add_people
from tests.web.conftest import SignIn
from throughline.services.directory import DirectoryService


async def _propose(api: Api, team: Team, **intake: object) -> str:
    response = await api.post(team.proposer, "/changes", intake_body(team, **intake))
    assert response.status_code == 201, response.text
    change_id: str = response.json()["change_id"]
    return change_id


async def test_the_page_ranks_by_need_and_says_why(api: Api, team: Team, browse: SignIn) -> None:
    service = f"Portfolio page {team.suffix}"
    wide = await _propose(api, team, service=service, title="Renew online", user_groups=WIDE)
    severe = await _propose(
        api,
        team,
        service=service,
        title="Renew by phone",
        user_groups=SEVERE,
        prioritisation=NO_SPONSOR,
    )
    reader = await browse(team.signer(Role.OPERATIONS))

    page = await reader.get("/web/portfolio", params={"service": service})

    text = unescape(page.text)
    assert page.status_code == 200
    assert text.index(f"/web/changes/{severe}") < text.index(f"/web/changes/{wide}")
    assert (
        "Need 100: 'Holders without internet access' face a high-severity problem and are "
        "underserved (50, doubled). Reach adds 3.1 for 1,250 people. Score 103.1." in text
    )
    assert "prepare the ground: secure a senior sponsor (senior interest is rated low)" in text
    assert "5 of 5 areas not ready" in text
    assert "skills: not recorded" in text
    assert 'href="/web/portfolio"' in text  # in the navigation


async def test_a_closed_status_shows_no_active_changes(
    api: Api, team: Team, browse: SignIn
) -> None:
    service = f"Portfolio closed {team.suffix}"
    await _propose(api, team, service=service, user_groups=WIDE)
    reader = await browse(team.auditor)

    page = await reader.get("/web/portfolio", params={"service": service, "status": "completed"})

    assert page.status_code == 200
    assert "0 changes" in page.text


async def test_bad_filters_and_people_with_no_role_are_refused_plainly(
    team: Team, browse: SignIn, directory_service: DirectoryService
) -> None:
    nobody = f"no-role-{team.suffix}"
    await add_people(directory_service, {nobody: []})
    reader, outsider = await browse(team.auditor), await browse(nobody)

    bad = await reader.get("/web/portfolio?status=paused")
    refused = await outsider.get("/web/portfolio")

    assert bad.status_code == 400
    assert "govuk-template" in bad.text
    assert refused.status_code == 403
