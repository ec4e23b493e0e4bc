"""Every page, tried as a new user would, in Chromium: each passes axe (WCAG 2.2 AA) with
nothing reported, refusals and missing pages included, and the pages work with
JavaScript turned off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, sign, submit
from tests.factories import Team
from tests.support.pages import SignInAs

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
    for page in ("/web/delegations", "/web/work", "/web/changes?status=rejected"):
        await owner.go(page)
    await auditor.go("/web/directory")
    await auditor.go(f"{change}/audit")
    await admin.go("/web/people")
    await admin.go(f"/web/people/{team.proposer}")
    await admin.go("/web/changes/no-such-change")  # a missing page
    await member.go("/web/people")  # a refusal
    assert "You cannot do this" in await member.text()
    await member.go("/web/sign-in")


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
