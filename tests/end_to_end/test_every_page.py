"""Every page, tried as a new user would, in Chromium: each passes axe (WCAG 2.2 AA) with
nothing reported, refusals and missing pages included, and the pages work with
JavaScript turned off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import approve_all, propose, sign, submit
from tests.api.phases import propose_phases, seat_panel
from tests.factories import Team
from tests.support.pages import SignInAs
from throughline.services.directory import DirectoryService

pytestmark = pytest.mark.slow


async def a_change_with_a_condition_and_a_challenged_reject(
    api: Api, team: Team
) -> tuple[str, str]:
    """Intent approved with a condition the team owns; design rejected, and challenged."""
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "the intent")
    due = (date.today() + timedelta(days=30)).isoformat()
    condition = {"description": "Publish the privacy notice", "owner": team.proposer, "due": due}
    await sign(
        api,
        team.signer(Role.POLICY),
        change_id,
        Role.POLICY,
        revision,
        "approve_with_conditions",
        conditions=[condition],
    )
    for role in (Role.DIGITAL, Role.OPERATIONS):
        await sign(api, team.signer(role), change_id, role, revision)
    design = await submit(api, team, change_id, "the design")
    await sign(
        api,
        team.signer(Role.POLICY),
        change_id,
        Role.POLICY,
        design,
        "reject",
        comment="Out of scope",
        reject_to="intent",
    )
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    return change_id, view["conditions"][0]["id"]


async def test_every_page_passes_axe(api: Api, team: Team, sign_in: SignInAs) -> None:
    change_id, condition_id = await a_change_with_a_condition_and_a_challenged_reject(api, team)
    member, owner = await sign_in(team.proposer), await sign_in(team.owner)
    auditor, admin = await sign_in(team.auditor), await sign_in(team.admin)

    change = f"/web/changes/{change_id}"
    await member.go(f"{change}/conditions/{condition_id}/close")
    await member.go(f"{change}/challenge")
    await member.type_in({"reason": "The scope was agreed at intent"})
    await member.press("Send the challenge")
    await owner.go(f"{change}/ruling")
    await owner.go(f"{change}/decide")
    for page in ("/web/delegations", "/web/work", "/web/changes?status=rejected", "/web/portfolio"):
        await owner.go(page)
    await auditor.go("/web/directory")
    await auditor.go(f"{change}/audit")
    await auditor.go(f"{change}/refusals")
    await admin.go("/web/people")
    await admin.go(f"/web/people/{team.proposer}")
    await admin.go("/web/changes/no-such-change")  # a missing page
    await member.go("/web/people")  # a refusal
    assert "You cannot do this" in await member.text()
    await member.go("/web/sign-in")


async def test_the_practice_and_assessment_pages_pass_axe(
    api: Api, team: Team, sign_in: SignInAs, directory_service: DirectoryService
) -> None:
    """On the GOV.UK phases, at the alpha assessment, with capability rated low."""
    panel = await seat_panel(directory_service, team)
    change_id = await propose_phases(api, team, panel)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "discovery"))
    await submit(api, team, change_id, "alpha prototypes")
    high, low = {"rating": "high"}, {"rating": "low", "note": "No user researcher yet"}
    rated = {"senior_interest": high, "operational_capacity": high, "capability": low}
    assert (await api.post(team.proposer, f"/changes/{change_id}/prioritisation", rated)).is_success
    member, owner, lead = [await sign_in(p) for p in (team.proposer, team.owner, panel[0])]

    change = f"/web/changes/{change_id}"
    await member.go(f"{change}/practice")
    await member.press("Record the readiness")  # the form's problems
    await owner.go(f"{change}/practice")  # with the override form
    await lead.go(f"{change}/assess")
    await lead.press("Record the assessment")  # every point's problems
    assert "Select a rating for point 14" in await lead.text()


async def test_a_sign_off_works_with_javascript_turned_off(
    api: Api, team: Team, sign_in: SignInAs
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "the intent")
    lead = await sign_in(team.signer(Role.POLICY), javascript=False)

    await lead.go(f"/web/changes/{change_id}/sign-off")
    await lead.choose("decision", "approve")
    await lead.press("Send sign-off")

    assert "Your sign-off is recorded" in await lead.text()
    assert "Signed by" in await lead.text()
