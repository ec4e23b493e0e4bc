"""The pages under attack, tried in a real browser: a form posted from another site is
refused, a deactivated person's session ends at their next click, and a <script> stored
in a text field is shown as text and never runs."""

from __future__ import annotations

import re

import pytest

from models.roles import Role
from tests.factories import Team
from tests.support.live import Live
from tests.support.pages import SignInAs, propose

pytestmark = pytest.mark.slow
SCRIPTS = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2">'


async def test_a_form_posted_from_another_site_is_refused(
    live: Live, team: Team, sign_in: SignInAs
) -> None:
    member = await sign_in(team.proposer)
    forged = (
        f'<form method="post" action="{live.url}/web/changes/new">'
        '<input name="title" value="Forged"><input name="service" value="Forged"></form>'
    )
    await member.page.set_content(forged)

    async with member.page.expect_navigation():
        await member.page.evaluate("document.forms[0].submit()")

    assert "not sent from a Throughline page" in await member.text()
    await member.go("/web/changes?service=Forged")
    assert "0 changes" in await member.text()


async def test_a_deactivated_person_is_signed_out_at_their_next_click(
    team: Team, sign_in: SignInAs
) -> None:
    lead, admin = await sign_in(team.signer(Role.POLICY)), await sign_in(team.admin)

    await admin.go(f"/web/people/{team.signer(Role.POLICY)}")
    deactivate = admin.page.get_by_role("button", name=re.compile(r"^Deactivate"))
    async with admin.page.expect_navigation():
        await deactivate.press("Enter")
    assert "Deactivated" in await admin.text()

    await lead.go("/web/work")

    assert "/web/sign-in" in lead.page.url
    assert "is not active in the directory" in await lead.text()


async def test_a_stored_script_is_shown_as_text_and_never_runs(
    team: Team, sign_in: SignInAs
) -> None:
    member = await sign_in(team.proposer)
    reader = await sign_in(team.signer(Role.POLICY))

    change_id = await propose(member, team, title=f"Renewals {SCRIPTS}")

    for path in (f"/web/changes/{change_id}", "/web/changes"):
        await reader.go(path)
        assert SCRIPTS in await reader.text()
        assert await reader.page.evaluate("window.pwned === undefined")
